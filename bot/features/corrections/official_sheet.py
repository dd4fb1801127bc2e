"""The list of approved corrections as an .xlsx that prints on A4 (storage/printout.py): the
school above the title, the period, one row per correction in the national database's order,
then the date line and the signatures of the person who made the list and of the principal.

The headings are the school's paper, in Vietnamese whatever the reader's language, like the
other printouts' titles; every cell is written as text (storage/exports.put).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.features.corrections.official import OfficialList, OfficialRow
from storage.exports import put
from storage.printout import (
    PRINCIPAL,
    SIGN_HINT,
    grow_rows,
    local_date_line,
    print_on_a4,
    signature_block,
    wrap_columns,
)

MAKER = "NGƯỜI LẬP BẢNG"
TITLE = "DANH SÁCH SỬA ĐIỂM, SỬA MỨC ĐÁNH GIÁ ĐÃ ĐƯỢC DUYỆT"
SUBTITLE = "Để cập nhật trên hệ thống cơ sở dữ liệu ngành (học bạ số)"
PERIOD_LINE = "{period} — Năm học {year}"
# (heading, width): STT, then the order of the national database's screens, then a note.
COLUMNS = (
    ("STT", 5),
    ("Lớp", 7),
    ("Mã học sinh", 14),
    ("Họ và tên", 24),
    ("Nội dung sửa", 30),
    ("Kết quả đã ghi", 14),
    ("Kết quả sửa", 14),
    ("Ngày duyệt", 12),
    ("Số biên bản", 14),
    ("Ghi chú", 18),
)
TITLE_COLUMNS = 4  # STT, class, code, name: repeated on every page
WRAPPED = (4, 5, 6, 7, 10)  # name, item, values, note
HEADER_FILL = PatternFill("solid", start_color="E2EFDA", end_color="E2EFDA")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHEET_NAME = "Sửa điểm"


def build_official_sheet(data: OfficialList) -> bytes:
    """Return the list as an .xlsx laid out to print on A4, landscape."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    header_row = _heading(sheet, data)
    for number, row in enumerate(data.rows, start=1):
        _write_row(sheet, header_row + number, number, row)
    last_row = header_row + len(data.rows)
    for column, (_heading_text, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    wrap_columns(sheet, WRAPPED, header_row + 1)
    print_on_a4(
        sheet, heading_rows=(header_row, header_row), title_columns=TITLE_COLUMNS, landscape=True
    )
    grow_rows(sheet, header_row + 1, last_row)
    signature_block(
        sheet,
        after_row=last_row,
        width=len(COLUMNS),
        place_and_date=local_date_line(data.place, data.day),
        signers=((MAKER, data.maker), (PRINCIPAL, data.principal)),
        sign_hint=SIGN_HINT,
    )
    workbook.properties.title = TITLE
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Worksheet, data: OfficialList) -> int:
    """The governing body and the school, the title, the period; returns the header's row."""
    lines = [line.upper() for line in (data.authority or "").splitlines() if line.strip()]
    lines.append(data.school_name.upper())
    for row, text in enumerate(lines, start=1):
        put(sheet, row, 1, text).font = Font(bold=row == len(lines))
    row = len(lines) + 2
    for text, font in (
        (TITLE, Font(bold=True, size=14)),
        (SUBTITLE, Font(italic=True)),
        (PERIOD_LINE.format(period=data.period_name, year=data.school_year), Font(bold=True)),
    ):
        cell = put(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        row += 1
    header_row = row + 1
    for column, (text, _width) in enumerate(COLUMNS, start=1):
        cell = put(sheet, header_row, column, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    return header_row


def _write_row(sheet: Worksheet, row: int, number: int, entry: OfficialRow) -> None:
    values: tuple[int | str, ...] = (
        number,
        entry.class_name,
        entry.student_code,
        entry.pupil,
        entry.item,
        entry.old,
        entry.new,
        entry.decided,
        entry.minutes,
        entry.note,
    )
    for column, value in enumerate(values, start=1):
        cell = put(sheet, row, column, value)
        cell.border = BORDER
        if column > 1:
            cell.number_format = "@"  # a code keeps its zeros, a score stays as it was typed
