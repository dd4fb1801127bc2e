"""The school nurse's class spreadsheet of health check results: built prefilled, read back."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Translator
from bot.features.health.growth import parse_height, parse_vision, parse_weight
from storage.exports import put
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.headers import ROSTER_HEADERS
from storage.roster.problems import N_, FileRefused, Problem, first_time
from storage.roster.table import Table, locate, read_rows

T = TypeVar("T")

# These are the Vietnamese column titles of the sheet (data, not user-facing text); the first
# alias of each is the title the bot writes.
HEALTH_HEADERS: dict[str, tuple[str, ...]] = {
    "stt": ROSTER_HEADERS["stt"],
    "student_code": ("Mã học sinh", "Mã định danh", "Mã HS", "Mã định danh Bộ GD&ĐT"),
    "full_name": ROSTER_HEADERS["full_name"],
    "height": ("Chiều cao (cm)", "Chiều cao"),
    "weight": ("Cân nặng (kg)", "Cân nặng"),
    "vision_left": ("Thị lực mắt trái", "Thị lực MT", "Mắt trái"),
    "vision_right": ("Thị lực mắt phải", "Thị lực MP", "Mắt phải"),
    "teeth": ("Răng miệng", "Răng"),
    "spine": ("Cột sống",),
    "notes": ("Ghi chú",),
}
HEALTH_REQUIRED = ("student_code", "height", "weight")
# A row with none of these filled in is a pupil not examined, a blank line or a footer.
MEASURED = ("height", "weight", "vision_left", "vision_right", "teeth", "spine")
TEXTS = ("teeth", "spine", "notes")
TEXT_LIMIT = 500
WIDTHS = {
    "stt": 6,
    "student_code": 16,
    "full_name": 28,
    "height": 11,
    "weight": 11,
    "vision_left": 11,
    "vision_right": 11,
    "teeth": 22,
    "spine": 22,
    "notes": 30,
}

_TITLE_CLASS = re.compile(r"^(?:Lớp|Class)\s+(\S{1,20})$", re.IGNORECASE)
_HEAD_ROWS = 20

HEADER_FILL = PatternFill("solid", start_color="E2EFDA", end_color="E2EFDA")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One pupil's results as the nurse wrote them; vision in tenths, blanks as None."""

    row: int
    student_code: str
    height_cm: float
    weight_kg: float
    vision_left: int | None
    vision_right: int | None
    teeth: str | None
    spine: str | None
    notes: str | None


@dataclass(slots=True)
class HealthSheet:
    """The rows read from a returned sheet and every problem found in it."""

    rows: list[HealthRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def sheet_class(path: Path) -> str | None:
    """The class named in a health sheet's title rows ("" when none); None if not a health sheet.

    Blocking (openpyxl): run it in a thread.
    """
    head: list[str] = []
    for number, row in read_rows(path):
        if number > _HEAD_ROWS:
            break
        head += [cell.strip() for cell in row if isinstance(cell, str)]
    try:
        locate(read_rows(path), HEALTH_HEADERS, HEALTH_REQUIRED)
    except FileRefused:
        return None
    for text in head:
        match = _TITLE_CLASS.match(text)
        if match is not None:
            return match.group(1)
    return ""


def parse_health_sheet(path: Path, pupils: Mapping[str, str]) -> HealthSheet:
    """Read a nurse's sheet and check each row against the class (blocking: openpyxl)."""
    table = locate(read_rows(path), HEALTH_HEADERS, HEALTH_REQUIRED)
    sheet = HealthSheet()
    seen: dict[str, int] = {}
    for number, row in table.rows:
        if not any(cells.text(table.cell(row, name)).strip() for name in MEASURED):
            continue
        before = len(sheet.problems)
        code = _pupil(table, number, row, pupils, seen, sheet.problems)
        record = _results(table, number, row, code or "", sheet.problems)
        if record is not None and len(sheet.problems) == before:
            sheet.rows.append(record)
    return sheet


def _pupil(
    table: Table,
    number: int,
    row: list[object],
    pupils: Mapping[str, str],
    seen: dict[str, int],
    problems: list[Problem],
) -> str | None:
    """Return the row's student ID, or None after filing why it cannot be used."""
    column = table.titles["student_code"]
    try:
        code = cells.known_student_code(table.cell(row, "student_code"), pupils)
    except CellError as exc:
        problems.append(Problem(number, column, str(exc.args[0])))
        return None
    if code not in pupils:
        reason = N_("The student ID {code} is not in this class.")
        problems.append(Problem(number, column, reason, {"code": code}))
        return None
    first_time(seen, code, number, column, problems)  # a repeat is filed; the caller drops it
    return code


def _results(
    table: Table, number: int, row: list[object], code: str, problems: list[Problem]
) -> HealthRow | None:
    """Return the row's measurements, filing a problem for each cell that cannot be used."""

    def check(name: str, convert: Callable[[object], T]) -> T | None:
        try:
            return convert(table.cell(row, name))
        except CellError as exc:
            problems.append(Problem(number, table.titles.get(name, name), str(exc.args[0])))
            return None

    height = check("height", parse_height)
    weight = check("weight", parse_weight)
    left = check("vision_left", _optional_vision)
    right = check("vision_right", _optional_vision)
    teeth, spine, notes = (_text(table, number, row, name, problems) for name in TEXTS)
    if height is None or weight is None:
        return None
    return HealthRow(number, code, height, weight, left, right, teeth, spine, notes)


def _optional_vision(cell: object) -> int | None:
    return parse_vision(cell) if cells.text(cell).strip() else None


def _text(
    table: Table, number: int, row: list[object], name: str, problems: list[Problem]
) -> str | None:
    """Return a free-text cell (None when blank), refusing one over the length limit."""
    value = cells.text(table.cell(row, name)).strip()
    if len(value) > TEXT_LIMIT:
        reason = N_("The text has {length} characters; the limit is {limit}.")
        params: dict[str, object] = {"length": len(value), "limit": TEXT_LIMIT}
        problems.append(Problem(number, table.titles[name], reason, params))
    return value or None


def build_health_template(
    school_name: str, class_name: str, pupils: Sequence[tuple[str, str]], _: Translator
) -> bytes:
    """Return an .xlsx for the nurse: the class's pupils (code, name) and empty result columns."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = _("Health check results")
    sheet.title = title[:31]
    titles = (
        school_name,
        title,
        _("Class {name}").format(name=class_name),
        _("Height in cm, weight in kg, eyesight as 9/10; leave a cell blank if not checked."),
    )
    for row, text in enumerate(titles, start=1):
        put(sheet, row, 1, text)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A4"].font = Font(italic=True)
    header_row = len(titles) + 2  # a blank row between the titles and the header
    _write_header(sheet, header_row)
    for number, (code, name) in enumerate(pupils, start=1):
        _write_pupil(sheet, header_row + number, number, code, name)
    _lay_out(sheet, header_row)
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet: Worksheet, row: int) -> None:
    for column, aliases in enumerate(HEALTH_HEADERS.values(), start=1):
        cell = put(sheet, row, column, aliases[0])
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _write_pupil(sheet: Worksheet, row: int, number: int, code: str, name: str) -> None:
    values: dict[str, int | str] = {"stt": number, "student_code": code, "full_name": name}
    for column, field_name in enumerate(HEALTH_HEADERS, start=1):
        cell = put(sheet, row, column, values.get(field_name))
        cell.border = BORDER
        if field_name not in ("stt", "height", "weight"):
            # Text, so Excel keeps a code's leading zeros and does not turn 9/10 into a date.
            cell.number_format = "@"


def _lay_out(sheet: Worksheet, header_row: int) -> None:
    for column, field_name in enumerate(HEALTH_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[field_name]
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
