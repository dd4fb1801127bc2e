"""Spreadsheets that print on A4 as a school files them.

Every .xlsx the product sends is printed by someone: the homeroom teacher's class sheet, the
nurse's check-up list, the Bảng tổng hợp a principal signs. `print_on_a4` sets what Excel and
LibreOffice read when printing: A4, fit to the page's width (as many pages down as needed), the
heading rows and the first columns (STT, name) repeated on every page, and narrow margins.
`wrap_columns` wraps long texts (comments, notes) so they grow downwards instead of being cut.
`signature_block` writes the date line and the signers under the table, and `starts_signature`
lets a reader of a sheet sent back stop where the signatures begin.

The date line and the signers' titles are Vietnamese whatever the reader's language: they are
the school's paper, like the column headings (Nghị định 30/2020 for the date line's form).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from storage.exports import put

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top", wrap_text=True)
SIGN_HINT = "(Ký, ghi rõ họ tên)"
HOMEROOM_TEACHER = "GIÁO VIÊN CHỦ NHIỆM"
PRINCIPAL = "HIỆU TRƯỞNG"
# Titles a signature block of ours may carry; a reader stops at a row holding one of them.
SIGNER_TITLES = frozenset(
    {
        HOMEROOM_TEACHER,
        PRINCIPAL,
        "KT. HIỆU TRƯỞNG",
        "PHÓ HIỆU TRƯỞNG",
        "NGƯỜI LẬP BẢNG",
        "NHÂN VIÊN Y TẾ",
        "GIÁO VIÊN",
    }
)
DATE_LINE = re.compile(r"(?:.+,\s*)?ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE)
SIGNING_ROOM = 4  # empty rows between the hint and the name, for the signature and the stamp
LINE = 15.0  # points: one line of 11-point text, as Excel sizes a row
MARGIN_SIDES, MARGIN_ENDS = 0.4, 0.5  # inches
A4_POINTS = (595.0, 842.0)  # width, height
DEFAULT_WIDTH = 8.43  # Excel's column width when none is set
# A column's width counts the digit 0; a line of Vietnamese text holds a little more letters.
CHARACTERS_PER_WIDTH = 1.1
# How much smaller than computed the page may print: the office's fonts are not ours.
SHRINK_DOUBT = 0.8


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
    sheet.page_margins = PageMargins(
        left=MARGIN_SIDES, right=MARGIN_SIDES, top=MARGIN_ENDS, bottom=MARGIN_ENDS
    )
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


def grow_rows(sheet: Worksheet, first_row: int, last_row: int | None = None) -> None:
    """Give each row the height its wrapped texts need, counted from the columns' widths.

    Excel grows such rows by itself, LibreOffice does not always: a set height prints the same
    in both, and lets `keep_together` know where the pages end.
    """
    for row in range(first_row, (last_row or sheet.max_row) + 1):
        height = LINE
        for cell in sheet[row]:
            if not isinstance(cell.value, str):
                continue
            size = max(1.0, float(cell.font.sz or 11) / 11)
            lines = 1
            if cell.alignment.wrap_text:
                lines = wrapped_lines(cell.value, _width(sheet, cell.column))
            height = max(height, lines * LINE * size)
        sheet.row_dimensions[row].height = height


def wrapped_lines(text: str, width: float) -> int:
    """How many lines a text takes in a column `width` characters wide (words kept whole)."""
    room = max(1, int(width * CHARACTERS_PER_WIDTH))
    count = 0
    for paragraph in text.splitlines() or [""]:
        used = 0
        count += 1
        for word in paragraph.split():
            if used and used + 1 + len(word) > room:
                count += 1
                used = 0
            used = used + 1 + len(word) if used else len(word)
            while used > room:  # a word longer than the column breaks anywhere
                count += 1
                used -= room
    return count


def keep_together(sheet: Worksheet, first_row: int, last_row: int) -> None:
    """Start a new page before `first_row` when rows first..last would print across two pages
    (the signatures under a table), as the page set up by `print_on_a4` lays them out."""
    landscape = sheet.page_setup.orientation == "landscape"
    page_width, page_height = reversed(A4_POINTS) if landscape else A4_POINTS
    columns = sum(_width(sheet, column) * 7 + 5 for column in range(1, sheet.max_column + 1))
    scale = min(1.0, (page_width - 2 * 72 * MARGIN_SIDES) / (columns * 0.75))
    room = (page_height - 2 * 72 * MARGIN_ENDS) / scale
    if any(_straddles(sheet, first_row, last_row, room / doubt) for doubt in (1, SHRINK_DOUBT)):
        sheet.row_breaks.append(Break(id=first_row - 1))


def _straddles(sheet: Worksheet, first_row: int, last_row: int, room: float) -> bool:
    """Tell whether rows first..last fall on two pages of `room` points each."""
    repeated = sum(_height(sheet, row) for row in _title_rows(sheet))
    used, page, first_page = 0.0, 0, 0
    for row in range(1, last_row + 1):
        height = _height(sheet, row)
        if used + height > room:
            page, used = page + 1, repeated
        used += height
        if row == first_row:
            first_page = page
    return page != first_page


def _title_rows(sheet: Worksheet) -> range:
    rows = (sheet.print_title_rows or "").replace("$", "")
    first, _sep, last = rows.partition(":")
    return range(int(first), int(last) + 1) if first.isdigit() and last.isdigit() else range(0)


def _width(sheet: Worksheet, column: int) -> float:
    width = sheet.column_dimensions[get_column_letter(column)].width
    return float(width) if width else DEFAULT_WIDTH


def _height(sheet: Worksheet, row: int) -> float:
    height = sheet.row_dimensions[row].height
    return float(height) if height else LINE


def signature_block(
    sheet: Worksheet,
    *,
    after_row: int,
    width: int,
    place_and_date: str,
    signers: Sequence[tuple[str, str]],
    sign_hint: str,
    spans: Sequence[tuple[int, int]] | None = None,
) -> int:
    """Write the date line and the signers' titles and names below `after_row`.

    `width` is the table's number of columns; `place_and_date` the line as the school writes
    it ("Xuân Hòa, ngày 05 tháng 12 năm 2026"), above the right-hand signer as administrative
    papers have it; `signers` (title, name) from left to right, e.g. (("HIỆU TRƯỞNG", "Lê Văn
    Nam"), ("GIÁO VIÊN CHỦ NHIỆM", "Trần Thị Mai")), a blank name leaving the line to fill in
    by hand; `sign_hint` the line under each title (`SIGN_HINT`). `spans` are the columns
    (first, last; 1-based) each signer is centred over, merged; by default the table's width
    shared out. Nothing is written right of `width`. Call it after `print_on_a4` and
    `grow_rows`: the block then starts a new page rather than print across two. Returns the
    last row written.
    """
    spans = list(spans) if spans is not None else share_columns(width, len(signers))
    date_row = after_row + 2
    title_row = date_row + 1
    name_row = title_row + 2 + SIGNING_ROOM
    if spans:
        cell = _centred(sheet, date_row, spans[-1], place_and_date)
        cell.font = Font(italic=True)
    for (title, name), span in zip(signers, spans, strict=True):
        _centred(sheet, title_row, span, title).font = Font(bold=True)
        _centred(sheet, title_row + 1, span, sign_hint).font = Font(italic=True)
        _centred(sheet, name_row, span, name).font = Font(bold=True)
    grow_rows(sheet, date_row, name_row)
    keep_together(sheet, date_row, name_row)
    return name_row


def share_columns(width: int, parts: int) -> list[tuple[int, int]]:
    """Share columns 1..width into `parts` runs as even as can be (the last ones get more;
    a table narrower than its signers is taken as one column per signer)."""
    if parts <= 0:
        return []
    width = max(width, parts)
    base, extra = divmod(width, parts)
    spans, first = [], 1
    for index in range(parts):
        size = base + (1 if index >= parts - extra else 0)
        spans.append((first, first + size - 1))
        first += size
    return spans


def _centred(sheet: Worksheet, row: int, span: tuple[int, int], text: str) -> Cell | MergedCell:
    first, last = span
    cell = put(sheet, row, first, text)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell.alignment = CENTRED
    return cell


def starts_signature(cells: Sequence[object]) -> bool:
    """Tell whether a row read back from a sheet is where its date line or signers begin."""
    for cell in cells:
        if not isinstance(cell, str):
            continue
        text = " ".join(unicodedata.normalize("NFC", cell).split())
        if text.upper() in SIGNER_TITLES or DATE_LINE.fullmatch(text):
            return True
    return False


def local_date_line(place: str, day: date) -> str:
    """ "Xuân Hòa, ngày 05 tháng 12 năm 2026": the date line of an administrative paper.

    As Nghị định 30/2020 writes it: a day below 10 and the months January and February take a
    leading zero, other months do not ("ngày 09 tháng 3 năm 2027").
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    where = f"{place}, " if place else ""
    return f"{where}ngày {day.day:02d} tháng {month} năm {day.year}"
