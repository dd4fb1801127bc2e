"""The class summary spreadsheet of one period, built prefilled from the assessment book.

Its column titles (the aliases a school writes) and its identity (school, class, school year,
period), kept in a hidden `_schoolbot` sheet as for the weekly comments, are read back by
`reading.py`. The headings, printing and signatures are in `layout.py`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Translator
from bot.features.assessment.documents import layout
from bot.features.assessment.documents.layout import SheetPaper
from bot.features.assessment.queries.items import Item, items_for, period_name
from bot.features.assessment.rules import (
    OPTIONAL,
    PART_NAMES,
    QUALITIES,
    Period,
    QualityLevel,
    SubjectLevel,
    item_name,
    subject_aliases,
    subjects_taught,
)
from bot.features.weekly.documents import BORDER, FIXED_FILL, IDENTITY_SHEET
from storage.exports import put
from storage.models import AssessmentKind
from storage.roster.problems import N_

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
    return f"{item_name(item.code)} ({_SUFFIXES[item.kind][0]})"


def _all_items() -> dict[str, tuple[str, ...]]:
    """Every item of any grade and period, keyed as `Item.key`, with the titles accepted.

    A part's name ("Tin học (điểm)") is the part's column, not its subject's.
    """
    headers: dict[str, tuple[str, ...]] = {}
    taught = {code for grade in (1, 2, 3, 4, 5) for code in subjects_taught(grade)}
    codes = sorted(taught | set(OPTIONAL) | set(PART_NAMES))
    for kind, suffixes in _SUFFIXES.items():
        for code in codes:
            aliases = subject_aliases(code)
            titles = [f"{alias} ({suffix})" for suffix in suffixes for alias in aliases]
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
    *,
    paper: SheetPaper,
    optional: tuple[str, ...] = (),
) -> bytes:
    """Return the class's summary .xlsx for the period, prefilled with the book's values.

    `optional`: the optional subjects the school teaches in the grade (rules.optional_taught).
    """
    items = items_for(grade, identity.period, optional)
    columns = layout.FIXED_COLUMNS + len(items)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = _("Class summary of educational assessment results")
    sheet.title = identity.class_name[:31]
    first_heading = _write_titles(sheet, school_name, title, identity, columns, _)
    header = layout.write_headings(sheet, first_heading, items, optional)
    names = [FIXED_HEADERS[n][0] for n in ("stt", "student_code", "full_name")]
    for column, text in enumerate([*names, *map(column_title, items)], start=1):
        put(sheet, header, column, text)
        layout.title_cell_style(sheet, header, column)
    _write_pupils(sheet, header, items, pupils)
    last = header + max(len(pupils), 1)
    _validate(sheet, items, header + 1, last)
    layout.set_widths(sheet, columns, header)
    sheet.freeze_panes = f"D{header + 1}"
    layout.finish_page(
        sheet,
        first_heading=first_heading,
        title_row=header,
        last_row=header + len(pupils),
        columns=columns,
        paper=paper,
        _=_,
    )
    _write_identity(workbook, identity)
    workbook.properties.title = title
    workbook.properties.creator = school_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_titles(
    sheet: Worksheet,
    school_name: str,
    title: str,
    identity: SheetIdentity,
    columns: int,
    _: Translator,
) -> int:
    """The school, the title, class and period, the legend; return the first heading row."""
    period = period_name(identity.period, _)
    titles = (
        school_name,
        title.upper(),
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
    sheet["A5"].font = Font(italic=True, size=9)
    layout.centre_titles(sheet, (2, 3, 4, 5), columns)
    sheet.row_dimensions[5].height = 30
    return len(titles) + 1


def _write_pupils(
    sheet: Worksheet, header: int, items: list[Item], pupils: Sequence[SheetPupil]
) -> None:
    """One row per pupil under the header: number, code and name fixed, then the values."""
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
