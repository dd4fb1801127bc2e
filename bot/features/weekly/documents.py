"""The homeroom teacher's weekly-comments spreadsheet: built prefilled, read back and checked.

Regular assessment is by comments only (TT27 Điều 6), so the sheet has no score column.
The identity of a built file (kind, class, week) is kept in a hidden second worksheet named
`_schoolbot`, one `key | value` pair per row: `kind=weekly_comments`, `class=<name>` and
`week_start=<ISO date>`. Excel and LibreOffice keep hidden sheets when they save, and
`read_rows` only reads the first sheet, so the identity never mixes with the pupils' rows.

The sheet prints on A4 landscape (storage/printout.py): fitted to the page's width, the column
headings and the STT, code and name columns repeated on every page, comments wrapped. Given a
`SheetPaper`, the date line and the signatures of the principal (left) and the homeroom teacher
(right) follow the table; the reader stops at them, so a signed sheet reads back the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.datefmt import short
from bot.core.i18n import Translator
from bot.features.weekly.sheet_identity import IDENTITY_SHEET as IDENTITY_SHEET
from bot.features.weekly.sheet_identity import (
    check_identity,
    read_identity,
    same_class,
    write_identity,
)
from bot.features.weekly.sheet_identity import sheet_week_start as sheet_week_start
from storage.exports import put
from storage.names import nfc, sort_full_names
from storage.printout import (
    HOMEROOM_TEACHER,
    PRINCIPAL,
    SIGN_HINT,
    grow_rows,
    local_date_line,
    print_on_a4,
    signature_block,
    starts_signature,
)
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.problems import N_, Problem, first_time
from storage.roster.table import Table, locate, read_rows

# These are the Vietnamese column titles of the sheet (data, not user-facing text); the first
# alias of each is the title the bot writes.
COMMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "Số thứ tự"),
    "student_code": ("Mã học sinh", "Mã định danh", "Mã HS"),
    "full_name": ("Họ và tên", "Họ tên"),
    "comment": ("Nhận xét", "Nhận xét của giáo viên", "Nhận xét tuần"),
    "note": ("Ghi chú",),
    "class_name": ("Lớp", "Lớp học"),
}
COMMENT_REQUIRED = ("student_code", "comment")
WRITTEN = ("stt", "student_code", "full_name", "comment", "note")
WIDTHS = {"stt": 6, "student_code": 16, "full_name": 28, "comment": 60, "note": 30}
NOTE_LIMIT = 500
COMMENT_TOO_LONG = N_("The comment has {length} characters; the limit is {limit}.")
NOTE_TOO_LONG = N_("The note has {length} characters; the limit is {limit}.")

HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
FIXED_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True, slots=True)
class SheetPupil:
    """One pupil row of the sheet, with what the teacher already wrote (if anything)."""

    student_code: str
    full_name: str
    comment: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class SheetWeek:
    """A teaching week: its number in the school year and its Monday to Friday."""

    number: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class SheetPaper:
    """What the printed sheet is signed with: the day and place of the date line, the class's
    homeroom teacher and the principal (a blank name leaves the line to write by hand)."""

    day: date
    place: str = ""
    teacher: str = ""
    principal: str = ""


@dataclass(slots=True)
class CommentSheet:
    """What a returned sheet holds: comments by student code, blank rows and problems."""

    comments: dict[str, tuple[str, str]] = field(default_factory=dict)
    blank: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def week_label(week: SheetWeek, _: Translator) -> str:
    """Return "Week 12 (23/11–27/11/2026)" in the translator's language."""
    start = week.start.strftime("%d/%m" if week.start.year == week.end.year else "%d/%m/%Y")
    return _("Week {number} ({start}–{end})").format(
        number=week.number, start=start, end=short(week.end)
    )


def build_comment_sheet(
    school_name: str,
    class_name: str,
    week: SheetWeek,
    pupils: Sequence[SheetPupil],
    _: Translator,
    *,
    paper: SheetPaper | None = None,
) -> bytes:
    """Return an .xlsx of the class for the week, prefilled with comments already written,
    ready to print on A4 and, with `paper`, to sign."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = _("Weekly comments")
    sheet.title = title[:31]
    class_line = _("Class: {class_name}").format(class_name=class_name)
    titles = (school_name, title, class_line, week_label(week, _))
    for row, text in enumerate(titles, start=1):
        put(sheet, row, 1, text)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    header_row = len(titles) + 2  # a blank row between the titles and the header
    _write_header(sheet, header_row)
    for number, pupil in enumerate(pupils, start=1):
        _write_pupil(sheet, header_row + number, number, pupil)
    _lay_out(sheet, header_row)
    grow_rows(sheet, 1)
    if paper is not None:
        _write_signatures(sheet, header_row + len(pupils), paper)
    write_identity(workbook, class_name, week.start)
    workbook.properties.title = title
    workbook.properties.creator = school_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet: Worksheet, row: int) -> None:
    for column, name in enumerate(WRITTEN, start=1):
        cell = put(sheet, row, column, COMMENT_HEADERS[name][0])
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _write_pupil(sheet: Worksheet, row: int, number: int, pupil: SheetPupil) -> None:
    texts = (pupil.student_code, pupil.full_name, pupil.comment, pupil.note)
    values: tuple[int | str, ...] = (number, *texts)
    for column, (name, value) in enumerate(zip(WRITTEN, values, strict=True), start=1):
        cell = put(sheet, row, column, value)
        cell.border = BORDER
        cell.alignment = WRAP
        if name in ("student_code", "full_name"):
            cell.fill = FIXED_FILL
        if name != "stt":
            cell.number_format = "@"  # text, so Excel keeps a code's leading zeros


def _lay_out(sheet: Worksheet, header_row: int) -> None:
    for column, name in enumerate(WRITTEN, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]
    sheet.freeze_panes = f"A{header_row + 1}"
    print_on_a4(sheet, heading_rows=(header_row, header_row), title_columns=3, landscape=True)


def _write_signatures(sheet: Worksheet, last_row: int, paper: SheetPaper) -> None:
    """The date line and the signers under the table: the principal over the code and name
    columns, the homeroom teacher over the comment and note columns. Nothing goes in the name
    column alone, so whoever fills the sheet by its names never meets a signer there."""
    signature_block(
        sheet,
        after_row=last_row,
        width=len(WRITTEN),
        place_and_date=local_date_line(paper.place, paper.day),
        signers=((PRINCIPAL, paper.principal), (HOMEROOM_TEACHER, paper.teacher)),
        sign_hint=SIGN_HINT,
        spans=((2, 3), (4, 5)),
    )


def parse_comment_sheet(
    path: Path,
    class_name: str,
    week_start: date,
    pupils: Mapping[str, str],
    max_length: int = 1000,
) -> CommentSheet:
    """Read a returned sheet and check every row against the class (blocking: openpyxl)."""
    table = locate(read_rows(path), COMMENT_HEADERS, COMMENT_REQUIRED)
    check_identity(read_identity(path), class_name, week_start)
    parsed = CommentSheet()
    seen: dict[str, int] = {}
    signatures = False
    for number, row in table.rows:
        # From the date line or the signers down, only a row naming a pupil of the class is
        # read (a teacher may add one there); the signatures are not pupils.
        signatures = signatures or starts_signature(row)
        if signatures and cells.text(table.cell(row, "student_code")) not in pupils:
            continue
        code = _row_code(table, number, row, class_name, pupils, parsed.problems)
        if code is None:
            continue
        if not first_time(seen, code, number, table.titles["student_code"], parsed.problems):
            continue
        _read_texts(table, number, row, code, max_length, parsed)
    return parsed


def _row_code(
    table: Table,
    number: int,
    row: list[object],
    class_name: str,
    pupils: Mapping[str, str],
    problems: list[Problem],
) -> str | None:
    """Return the row's pupil code, or None for a skipped row or one with a problem."""
    code_cell = table.cell(row, "student_code")
    if not any(cells.text(table.cell(row, name)) for name in ("student_code", "comment", "note")):
        return None  # blank line, footer or signature block
    column = table.titles["student_code"]
    try:
        code = cells.known_student_code(code_cell, pupils)
    except CellError as exc:
        problems.append(Problem(number, column, str(exc.args[0])))
        return None
    if code not in pupils:
        problems.append(
            Problem(
                number,
                column,
                N_("The student ID {code} is not in class {class_name}."),
                {"code": code, "class_name": class_name},
            )
        )
        return None
    found = cells.text(table.cell(row, "class_name"))
    if found and not same_class(found, class_name):
        problems.append(
            Problem(
                number,
                table.titles["class_name"],
                N_("This row is for class {found}, not class {expected}."),
                {"found": found, "expected": class_name},
            )
        )
        return None
    return code


def _read_texts(
    table: Table, number: int, row: list[object], code: str, max_length: int, parsed: CommentSheet
) -> None:
    """File the row's comment and note, or a problem for each one that is too long."""
    comment = _multiline(table.cell(row, "comment"))
    note = _multiline(table.cell(row, "note"))
    problems = [
        Problem(number, table.titles[name], reason, {"length": len(value), "limit": limit})
        for name, value, limit, reason in (
            ("comment", comment, max_length, COMMENT_TOO_LONG),
            ("note", note, NOTE_LIMIT, NOTE_TOO_LONG),
        )
        if len(value) > limit
    ]
    if problems:
        parsed.problems.extend(problems)
    elif comment:
        parsed.comments[code] = (comment, note)
    else:
        parsed.blank.append(code)


def _multiline(cell: object) -> str:
    """Return a cell as NFC text, keeping the line breaks a teacher typed (Alt+Enter)."""
    if not isinstance(cell, str):
        return cells.text(cell)
    lines = (nfc(line) for line in cell.splitlines())
    return "\n".join(line for line in lines if line)


def summary_missing(pupils: Mapping[str, str], received: Iterable[str]) -> list[str]:
    """Return the full names of pupils with no comment, in class-list order."""
    done = set(received)
    return sort_full_names([name for code, name in pupils.items() if code not in done])
