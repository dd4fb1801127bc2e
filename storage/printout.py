"""Spreadsheets that print on A4 as a school files them.

Every .xlsx the product sends is printed by someone: the homeroom teacher's class sheet, the
nurse's check-up list, the Bảng tổng hợp a principal signs. `print_on_a4` sets what Excel and
LibreOffice read when printing: A4, fit to the page's width (as many pages down as needed), the
heading rows and the first columns (STT, name) repeated on every page, and narrow margins.
`wrap_columns` wraps long texts (comments, notes) so they grow downwards instead of being cut.
`signature_block` writes the date line and the signers under the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from storage.exports import put

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top", wrap_text=True)


def print_on_a4(
    sheet: Worksheet,
    *,
    heading_rows: tuple[int, int] | None,
    title_columns: int = 0,
    landscape: bool = False,
) -> None:
    """Print `sheet` on A4, fitted to the page's width.

    `heading_rows` (first, last; 1-based) repeat at the top of every page; `title_columns`
    (how many from A, e.g. 3 for STT, code, name) repeat at the left when the sheet is wider
    than a page.
    """
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.print_options.horizontalCentered = True
    if heading_rows is not None:
        first, last = heading_rows
        sheet.print_title_rows = f"{first}:{last}"
    if title_columns > 0:
        sheet.print_title_cols = f"A:{get_column_letter(title_columns)}"


def wrap_columns(sheet: Worksheet, columns: Sequence[int], first_row: int) -> None:
    """Wrap the text of these columns (1-based) from `first_row` down, aligned to the top."""
    for column in columns:
        for row in range(first_row, sheet.max_row + 1):
            sheet.cell(row, column).alignment = WRAP_TOP


def signature_block(
    sheet: Worksheet,
    *,
    after_row: int,
    width: int,
    place_and_date: str,
    signers: Sequence[tuple[str, str]],
    sign_hint: str,
) -> int:
    """Write the date line and the signers' titles and names below `after_row`.

    `width` is the table's number of columns; `place_and_date` the line as the school writes
    it ("Xuân Hòa, ngày 05 tháng 12 năm 2026"); `signers` (title, name) from left to right,
    e.g. (("GIÁO VIÊN CHỦ NHIỆM", "Trần Thị Mai"), ("HIỆU TRƯỞNG", "Lê Văn Nam")); `sign_hint`
    the line under each title ("(Ký, ghi rõ họ tên)", translated by the caller). Returns the
    last row written.
    """
    date_row = after_row + 2
    put(sheet, date_row, max(1, width - 3), place_and_date).font = Font(italic=True)
    title_row, name_row = date_row + 1, date_row + 6
    span = max(1, width // max(1, len(signers)))
    for index, (title, name) in enumerate(signers):
        column = 1 + index * span + span // 2 if len(signers) > 1 else max(1, width - 2)
        put(sheet, title_row, column, title).font = Font(bold=True)
        put(sheet, title_row + 1, column, sign_hint).font = Font(italic=True)
        put(sheet, name_row, column, name).font = Font(bold=True)
        for row in (title_row, title_row + 1, name_row):
            sheet.cell(row, column).alignment = CENTRED
    return name_row


def local_date_line(place: str, day: date) -> str:
    """ "Xuân Hòa, ngày 05 tháng 12 năm 2026": the date line of an administrative paper."""
    where = f"{place}, " if place else ""
    return f"{where}ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
