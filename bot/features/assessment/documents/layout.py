"""The printed face of the class summary sheet, as the official Bảng tổng hợp has it.

Above the column titles, two heading rows group the columns as the official form does: "Môn
học và hoạt động giáo dục" over the subjects (each subject's name over its level, score and
parts), "Phẩm chất chủ yếu" over the five qualities, "Năng lực cốt lõi" over the general
("Năng lực chung") and specific ("Năng lực đặc thù") competences. Only the grade's own items
have columns. The sheet prints on A4 landscape, fitted to the width, with the headings and the
STT, code and name columns repeated on every page; the date line and the signatures of the
homeroom teacher and the principal follow the table. The column titles stay one row of full
names ("Toán (mức)"), so the sheet reads back by the same reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Translator
from bot.features.assessment.queries.items import Item
from bot.features.assessment.rules import OPTIONAL, PART_OF, item_name
from bot.features.weekly.documents import BORDER, HEADER_FILL
from storage.exports import put
from storage.models import AssessmentKind
from storage.printout import local_date_line, print_on_a4, signature_block

# The official group headings (data, as the form prints them, not UI text).
SUBJECTS_GROUP = "Môn học và hoạt động giáo dục"
QUALITIES_GROUP = "Phẩm chất chủ yếu"
COMPETENCES_GROUP = "Năng lực cốt lõi"
GENERAL = "Năng lực chung"
SPECIFIC = "Năng lực đặc thù"
OPTIONAL_MARK = " (tự chọn)"
HOMEROOM_TITLE = "GIÁO VIÊN CHỦ NHIỆM"
PRINCIPAL_TITLE = "HIỆU TRƯỞNG"
FIXED_COLUMNS = 3
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
UPRIGHT = Alignment(horizontal="center", vertical="bottom", wrap_text=True, text_rotation=90)


@dataclass(frozen=True, slots=True)
class SheetPaper:
    """What the printed sheet says under the table: place, date and the two signers."""

    day: date
    place: str = ""
    homeroom_teacher: str = ""
    principal: str = ""


def group_of(item: Item) -> tuple[str, str]:
    """The (group, subgroup) heading of an item's column."""
    if item.kind is AssessmentKind.QUALITY:
        if item.code.startswith("pc_"):
            return QUALITIES_GROUP, ""
        return COMPETENCES_GROUP, GENERAL if item.code.startswith("nlc_") else SPECIFIC
    return SUBJECTS_GROUP, item_name(PART_OF.get(item.code, item.code))


def write_headings(
    sheet: Worksheet, first: int, items: Sequence[Item], optional: tuple[str, ...]
) -> int:
    """Write the group and subgroup rows from row `first`; return the column titles' row."""
    top, middle, titles = first, first + 1, first + 2
    sheet.merge_cells(start_row=top, start_column=1, end_row=middle, end_column=FIXED_COLUMNS)
    _box(sheet, top, 1, middle, FIXED_COLUMNS, "")
    column = FIXED_COLUMNS + 1
    groups = groupby(items, key=lambda item: group_of(item)[0])
    for group, grouped in groups:
        members = list(grouped)
        end = column + len(members) - 1
        subgroups = [
            (name, len(list(under)))
            for name, under in groupby(members, key=lambda item: _subgroup(item, optional))
        ]
        if all(not name for name, _width in subgroups):  # the qualities: one heading, two rows
            _box(sheet, top, column, middle, end, group)
            column = end + 1
            continue
        _box(sheet, top, column, top, end, group)
        for name, width in subgroups:
            # A subject of one column is named by its column title alone: its name would not
            # fit above a narrow column.
            _box(sheet, middle, column, middle, column + width - 1, name if width > 1 else "")
            column += width
    return titles


def _subgroup(item: Item, optional: tuple[str, ...]) -> str:
    subgroup = group_of(item)[1]
    chosen = item.kind is not AssessmentKind.QUALITY and item.code in optional
    return subgroup + (OPTIONAL_MARK if chosen and item.code in OPTIONAL else "")


def _box(sheet: Worksheet, row: int, column: int, end_row: int, end_column: int, text: str) -> None:
    """A bordered heading cell, merged over its columns (and rows)."""
    if (end_row, end_column) != (row, column):
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=end_row, end_column=end_column
        )
    put(sheet, row, column, text or None)
    for r in range(row, end_row + 1):
        for c in range(column, end_column + 1):
            cell = sheet.cell(r, c)
            cell.border = BORDER
            cell.fill = HEADER_FILL
    head = sheet.cell(row, column)
    head.font = Font(bold=True)
    head.alignment = CENTRED


def title_cell_style(sheet: Worksheet, row: int, column: int) -> None:
    """The column titles: bold, bordered; the items' titles upright to keep columns narrow."""
    cell = sheet.cell(row, column)
    cell.font = Font(bold=True)
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = CENTRED if column <= FIXED_COLUMNS else UPRIGHT


def set_widths(sheet: Worksheet, columns: int, title_row: int) -> None:
    """Narrow item columns under upright titles, and room for the names."""
    for column, width in enumerate((5, 13, 24), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in range(FIXED_COLUMNS + 1, columns + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 5
    sheet.row_dimensions[title_row].height = 105
    sheet.row_dimensions[title_row - 1].height = 30


def finish_page(
    sheet: Worksheet,
    *,
    first_heading: int,
    title_row: int,
    last_row: int,
    columns: int,
    paper: SheetPaper,
    _: Translator,
) -> None:
    """Set up printing and write the date line and signatures under the table."""
    print_on_a4(
        sheet, heading_rows=(first_heading, title_row), title_columns=FIXED_COLUMNS, landscape=True
    )
    signature_block(
        sheet,
        after_row=last_row,
        width=columns,
        place_and_date=local_date_line(paper.place, paper.day),
        signers=((HOMEROOM_TITLE, paper.homeroom_teacher), (PRINCIPAL_TITLE, paper.principal)),
        sign_hint=_("(Signature and full name)"),
    )


def centre_titles(sheet: Worksheet, rows: Sequence[int], columns: int) -> None:
    """Merge the title lines over the table's width, centred."""
    for row in rows:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        sheet.cell(row, 1).alignment = CENTRED
