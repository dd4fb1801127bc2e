"""The class summary spreadsheet of one period (Bảng tổng hợp kết quả đánh giá giáo dục của lớp).

Built prefilled from the assessment book, filled in by the teachers, read back and stored
all-or-nothing. The file's identity (school, class, school year, period) is kept in a hidden
`_schoolbot` sheet, as for the weekly comments; a file without it is not our template.

An empty cell means the item has no value: a value the book held is removed. A column of an
item the template does not have (a score where the subject has no test) is read like the others,
so a value written in it is a row error; a column the bot does not know is ignored.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item, items_for, parse_value
from bot.features.assessment.rules import (
    QUALITIES,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
    subjects_taught,
)
from bot.features.weekly.documents import BORDER, FIXED_FILL, HEADER_FILL, IDENTITY_SHEET
from storage import files
from storage.exports import put
from storage.models import AssessmentKind
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.problems import N_, FileRefused, Problem
from storage.roster.table import Table, locate, read_rows
from storage.subjects import SUBJECTS, subject_name

KIND = "assessment_summary"
# The sheet's Vietnamese column titles (data, not UI text); the first alias is the one written.
FIXED_HEADERS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "Số thứ tự"),
    "student_code": ("Mã học sinh", "Mã định danh", "Mã HS", "Mã định danh Bộ GD&ĐT"),
    "full_name": ("Họ và tên", "Họ tên", "Họ tên học sinh"),
}
_SUFFIXES = {
    AssessmentKind.LEVEL: ("mức", "mức đạt được"),
    AssessmentKind.SCORE: ("điểm", "điểm KT"),
}
LEVEL_LETTERS = {SubjectLevel.T: "T", SubjectLevel.H: "H", SubjectLevel.C: "C"}
QUALITY_LETTERS = {QualityLevel.T: "T", QualityLevel.D: "Đ", QualityLevel.C: "C"}


def column_title(item: Item) -> str:
    """The column title a school writes: "Toán (mức)", "Toán (điểm)", "Yêu nước"."""
    if item.kind is AssessmentKind.QUALITY:
        return QUALITIES[item.code]
    return f"{subject_name(item.code)} ({_SUFFIXES[item.kind][0]})"


def _all_items() -> dict[str, tuple[str, ...]]:
    """Every item of any grade and period, keyed as `Item.key`, with the titles accepted."""
    headers: dict[str, tuple[str, ...]] = {}
    codes = sorted({code for grade in (1, 2, 3, 4, 5) for code in subjects_taught(grade)})
    for kind, suffixes in _SUFFIXES.items():
        for code in codes:
            titles = [f"{alias} ({suffix})" for suffix in suffixes for alias in SUBJECTS[code]]
            headers[Item(kind, code).key] = tuple(titles)
    for code, name in QUALITIES.items():
        headers[Item(AssessmentKind.QUALITY, code).key] = (name,)
    return headers


HEADERS = FIXED_HEADERS | _all_items()
REQUIRED = ("student_code", "full_name")
NOT_TEMPLATE = N_(
    "This file is not the bot's summary template: download it with /sodiem, fill it in and "
    "send it back."
)


@dataclass(frozen=True, slots=True)
class SheetIdentity:
    """Which book a sheet belongs to."""

    school_id: int
    class_id: int
    class_name: str
    school_year: str
    period: Period


@dataclass(frozen=True, slots=True)
class SheetPupil:
    """One pupil row of the template, with the values the book already holds."""

    student_code: str
    full_name: str
    values: Mapping[Item, str] = field(default_factory=dict)


@dataclass(slots=True)
class SheetRow:
    """A pupil's row read back: the spreadsheet's row number and the values by item."""

    number: int
    values: dict[Item, str | None]


@dataclass(slots=True)
class AssessmentSheet:
    """What a returned sheet holds: rows by student code, column titles, problems."""

    rows: dict[str, SheetRow] = field(default_factory=dict)
    titles: dict[Item, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def cell_value(item: Item, value: str) -> str | int:
    """A stored value as the sheet writes it: T/H/C, T/Đ/C or the score as a number."""
    if item.kind is AssessmentKind.SCORE:
        return int(value)
    if item.kind is AssessmentKind.LEVEL:
        return LEVEL_LETTERS[SubjectLevel(value)]
    return QUALITY_LETTERS[QualityLevel(value)]


def build_assessment_sheet(
    school_name: str,
    identity: SheetIdentity,
    grade: int,
    pupils: Sequence[SheetPupil],
    _: Translator,
) -> bytes:
    """Return the class's summary .xlsx for the period, prefilled with the book's values."""
    items = items_for(grade, identity.period)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = _("Class summary of educational assessment results")
    sheet.title = identity.class_name[:31]
    period = assessment.period_name(identity.period, _)
    titles = (
        school_name,
        title,
        _("Class: {class_name}").format(class_name=identity.class_name),
        _("{period}, school year {year}").format(period=period, year=identity.school_year),
        _(
            "Subjects and activities: T = Completed well, H = Completed, C = Not yet completed. "
            "Qualities and competences: T = Good, Đ = Satisfactory, C = Needs more effort. "
            "Scores: whole numbers from 0 to 10. An empty cell means no result."
        ),
    )
    for row, text in enumerate(titles, start=1):
        put(sheet, row, 1, text)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    header = len(titles) + 2
    names = [FIXED_HEADERS[n][0] for n in ("stt", "student_code", "full_name")]
    for column, text in enumerate([*names, *map(column_title, items)], start=1):
        cell = put(sheet, header, column, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for number, pupil in enumerate(pupils, start=1):
        row = header + number
        fixed: tuple[int | str, ...] = (number, pupil.student_code, pupil.full_name)
        for column, value in enumerate(fixed, start=1):
            cell = put(sheet, row, column, value)
            cell.border = BORDER
            if column > 1:
                cell.fill = FIXED_FILL
                cell.number_format = "@"
        for column, item in enumerate(items, start=4):
            stored = pupil.values.get(item)
            cell = put(sheet, row, column, None if stored is None else cell_value(item, stored))
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center")
    _validate(sheet, items, header + 1, header + max(len(pupils), 1))
    for column, width in enumerate((6, 16, 28), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in range(4, 4 + len(items)):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = f"D{header + 1}"
    sheet.page_setup.orientation = "landscape"
    _write_identity(workbook, identity)
    workbook.properties.title = title
    workbook.properties.creator = school_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validate(sheet: Worksheet, items: list[Item], first: int, last: int) -> None:
    """Drop-down lists (a warning only: words are accepted too) and a 0-10 whole-number rule."""
    rules = {
        AssessmentKind.LEVEL: DataValidation(type="list", formula1='"T,H,C"', errorStyle="warning"),
        AssessmentKind.QUALITY: DataValidation(
            type="list", formula1='"T,Đ,C"', errorStyle="warning"
        ),
        AssessmentKind.SCORE: DataValidation(
            type="whole", operator="between", formula1="0", formula2="10"
        ),
    }
    for column, item in enumerate(items, start=4):
        letter = get_column_letter(column)
        rules[item.kind].add(f"{letter}{first}:{letter}{last}")
    for rule in rules.values():
        if rule.sqref:
            sheet.add_data_validation(rule)


def _write_identity(workbook: Workbook, identity: SheetIdentity) -> None:
    sheet = workbook.create_sheet(IDENTITY_SHEET)
    pairs = (
        ("kind", KIND),
        ("school", identity.school_id),
        ("class_id", identity.class_id),
        ("class", identity.class_name),
        ("school_year", identity.school_year),
        ("period", identity.period.value),
    )
    for row, (key, value) in enumerate(pairs, start=1):
        put(sheet, row, 1, key)
        put(sheet, row, 2, str(value)).number_format = "@"
    sheet.sheet_state = "hidden"


def _identity_pairs(path: Path) -> dict[str, str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        workbook = files.open_workbook(path)
    except FileRefused:
        return {}
    try:
        if IDENTITY_SHEET not in workbook.sheetnames:
            return {}
        pairs = files.sheet_pairs(workbook[IDENTITY_SHEET])
        return {cells.text(key): cells.text(value) for key, value in pairs if key}
    except FileRefused:
        return {}
    finally:
        workbook.close()


def read_identity(path: Path) -> SheetIdentity | None:
    """The identity of one of our summary sheets, or None for any other file (blocking)."""
    found = _identity_pairs(path)
    if found.get("kind") != KIND:
        return None
    try:
        return SheetIdentity(
            int(found["school"]),
            int(found["class_id"]),
            found.get("class", ""),
            found["school_year"],
            Period(found["period"]),
        )
    except (KeyError, ValueError):
        return None


def _table(path: Path) -> Table:
    return locate(read_rows(path), HEADERS, REQUIRED)


def is_assessment_sheet(path: Path) -> bool:
    """Whether a file is our template or looks like one (a pupil list with item columns)."""
    if read_identity(path) is not None:
        return True
    try:
        table = _table(path)
    except FileRefused:
        return False
    return any(name not in FIXED_HEADERS for name in table.columns)


def parse_assessment_sheet(
    path: Path, expected: SheetIdentity, grade: int, pupils: Mapping[str, str]
) -> AssessmentSheet:
    """Read a returned sheet and check it against the book it must belong to (blocking)."""
    _check_identity(read_identity(path), expected)
    table = _table(path)
    parsed = AssessmentSheet()
    columns = {Item.from_key(name): name for name in table.columns if name not in FIXED_HEADERS}
    items = {item: name for item, name in columns.items() if item is not None}
    parsed.titles = {item: table.titles[name] for item, name in items.items()}
    expected_items = set(items_for(grade, expected.period))
    seen: dict[str, int] = {}
    for number, row in table.rows:
        written = {item: table.cell(row, name) for item, name in items.items()}
        code_cell = table.cell(row, "student_code")
        if not cells.text(code_cell) and not any(cells.text(v) for v in written.values()):
            continue  # a blank line, a footer or the signatures
        code = _code(table, number, code_cell, pupils, expected, parsed.problems)
        if code is None:
            continue
        if code in seen:
            parsed.problems.append(
                Problem(
                    number,
                    table.titles["student_code"],
                    N_("The student ID {code} is repeated: it is also on row {other}."),
                    {"code": code, "other": seen[code]},
                )
            )
            continue
        seen[code] = number
        values: dict[Item, str | None] = {}
        for item, cell in written.items():
            text = cells.text(cell)
            if not text:
                if item in expected_items:
                    values[item] = None
                continue
            try:
                values[item] = parse_value(item, text, grade=grade, period=expected.period)
            except RuleError as error:
                parsed.problems.append(
                    Problem(number, parsed.titles[item], error.msgid, dict(error.params))
                )
        parsed.rows[code] = SheetRow(number, values)
    return parsed


def _code(
    table: Table,
    number: int,
    cell: object,
    pupils: Mapping[str, str],
    expected: SheetIdentity,
    problems: list[Problem],
) -> str | None:
    column = table.titles["student_code"]
    try:
        code = cells.student_code(cell)
    except CellError as exc:
        problems.append(Problem(number, column, str(exc.args[0])))
        return None
    if code not in pupils:
        restored = [known for known in pupils if known.lstrip("0") == code]
        if len(restored) != 1:
            problems.append(
                Problem(
                    number,
                    column,
                    N_("The student ID {code} is not in class {class_name}."),
                    {"code": code, "class_name": expected.class_name},
                )
            )
            return None
        code = restored[0]
    return code


def _check_identity(found: SheetIdentity | None, expected: SheetIdentity) -> None:
    if found is None:
        raise FileRefused(NOT_TEMPLATE)
    if found.school_id != expected.school_id:
        raise FileRefused(N_("This file was made for another school."))
    if found.class_id != expected.class_id:
        raise FileRefused(
            N_("This file is for class {found}, not class {expected}."),
            found=found.class_name,
            expected=expected.class_name,
        )
    if found.school_year != expected.school_year:
        raise FileRefused(
            N_("This file is for the school year {found}, not {expected}."),
            found=found.school_year,
            expected=expected.school_year,
        )
    if found.period is not expected.period:
        raise FileRefused(
            N_("This file is for {found}, not {expected}."),
            found=found.period,
            expected=expected.period,
        )


def problem_text(problem: Problem, _: Translator) -> str:
    """A problem as one line in the reader's language ("Dòng 8, cột «Toán (điểm)»: ...")."""
    reason = RuleError(problem.reason, **problem.params).message(_)
    if problem.row is None:
        return reason
    return _("Row {row}, column {column}: {reason}").format(
        row=problem.row, column=problem.column, reason=reason
    )
