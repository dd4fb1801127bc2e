"""The school nurse's class spreadsheet of health check results: built prefilled, read back."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from openpyxl.styles import Border, PatternFill, Side

from bot.features.health.eyesight import Eye, Sight, parse_eye, with_glasses_column
from bot.features.health.growth import parse_height, parse_weight
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
    "vision_left": (
        "Thị lực mắt trái (không kính)",
        "Thị lực mắt trái",
        "Thị lực MT",
        "Mắt trái",
        "MT không kính",
    ),
    "vision_right": (
        "Thị lực mắt phải (không kính)",
        "Thị lực mắt phải",
        "Thị lực MP",
        "Mắt phải",
        "MP không kính",
    ),
    "vision_left_glasses": ("Thị lực mắt trái (có kính)", "Mắt trái có kính", "MT có kính"),
    "vision_right_glasses": ("Thị lực mắt phải (có kính)", "Mắt phải có kính", "MP có kính"),
    "teeth": ("Răng miệng", "Răng"),
    "spine": ("Cột sống",),
    "notes": ("Ghi chú",),
}
HEALTH_REQUIRED = ("student_code", "height", "weight")
# A row with none of these filled in is a pupil not examined, a blank line or a footer.
EYES = ("vision_left", "vision_right", "vision_left_glasses", "vision_right_glasses")
MEASURED = ("height", "weight", *EYES, "teeth", "spine")
TEXTS = ("teeth", "spine", "notes")
TEXT_LIMIT = 500
WIDTHS = {
    "stt": 6,
    "student_code": 16,
    "full_name": 28,
    "height": 11,
    "weight": 11,
    "vision_left": 12,
    "vision_right": 12,
    "vision_left_glasses": 12,
    "vision_right_glasses": 12,
    "teeth": 22,
    "spine": 22,
    "notes": 30,
}

# The signers under the table (bot/features/health/template.py): Vietnamese whatever the
# reader's language, as the column titles; the reader stops at the row holding them.
NURSE_TITLE = "NHÂN VIÊN Y TẾ"
PRINCIPAL_TITLE = "HIỆU TRƯỞNG"
_DATE_LINE = re.compile(r"(?:.+,\s*)?ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}$")
_TITLE_CLASS = re.compile(r"^(?:Lớp|Class)\s+(\S{1,20})$", re.IGNORECASE)
_HEAD_ROWS = 20

HEADER_FILL = PatternFill("solid", start_color="E2EFDA", end_color="E2EFDA")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One pupil's results as the nurse wrote them; eyesight in its canonical written form
    ("7/10-2", "1/20", "ĐNT 3m"; bot/features/health/eyesight.py), blanks as None."""

    row: int
    student_code: str
    height_cm: float
    weight_kg: float
    vision_left: str | None
    vision_right: str | None
    teeth: str | None
    spine: str | None
    notes: str | None
    vision_left_glasses: str | None = None
    vision_right_glasses: str | None = None


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
        if signatures_begin(row):
            break
        if not any(cells.text(table.cell(row, name)).strip() for name in MEASURED):
            continue
        before = len(sheet.problems)
        code = _pupil(table, number, row, pupils, seen, sheet.problems)
        record = _results(table, number, row, code or "", sheet.problems)
        if record is not None and len(sheet.problems) == before:
            sheet.rows.append(record)
    return sheet


def signatures_begin(row: list[object]) -> bool:
    """The date line or a signer's title: the table above is over."""
    written = [cells.text(cell).strip() for cell in row]
    return any(text in (NURSE_TITLE, PRINCIPAL_TITLE) or _DATE_LINE.match(text) for text in written)


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
    left, right = (_eye(table, number, row, side, problems) for side in EYES[:2])
    teeth, spine, notes = (_text(table, number, row, name, problems) for name in TEXTS)
    if height is None or weight is None:
        return None
    return HealthRow(
        number,
        code,
        height,
        weight,
        _written(left.bare),
        _written(right.bare),
        teeth,
        spine,
        notes,
        _written(left.glasses),
        _written(right.glasses),
    )


def _eye(table: Table, number: int, row: list[object], side: str, problems: list[Problem]) -> Eye:
    """One eye: its cell ("6/10", or "6/10 có kính 10/10") and its column with glasses, if the
    sheet has one; an unreadable cell is filed with its column's title and the eye left blank."""
    title = table.titles.get(side, side)
    try:
        eye = parse_eye(table.cell(row, side))
    except CellError as exc:
        problems.append(Problem(number, title, str(exc.args[0])))
        return Eye()
    glasses = f"{side}_glasses"
    try:
        return with_glasses_column(eye, table.cell(row, glasses))
    except CellError as exc:
        problems.append(Problem(number, table.titles.get(glasses, glasses), str(exc.args[0])))
        return eye


def _written(sight: Sight | None) -> str | None:
    return None if sight is None else sight.written


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
