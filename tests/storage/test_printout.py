"""Spreadsheets print on A4: read the settings back as Excel would."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook, load_workbook

from storage.printout import local_date_line, print_on_a4, signature_block, wrap_columns


def test_a_sheet_prints_on_a4_fitted_to_width_with_titles_repeated() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 60):
        sheet.append([row, f"Học sinh {row}", "nhận xét rất dài " * 20])
    print_on_a4(sheet, heading_rows=(1, 2), title_columns=2, landscape=True)
    wrap_columns(sheet, [3], first_row=3)
    last = signature_block(
        sheet,
        after_row=59,
        width=3,
        place_and_date=local_date_line("Xuân Hòa", date(2026, 12, 5)),
        signers=(("GIÁO VIÊN CHỦ NHIỆM", "Trần Thị Mai"), ("HIỆU TRƯỞNG", "Lê Văn Nam")),
        sign_hint="(Ký, ghi rõ họ tên)",
    )
    stream = BytesIO()
    book.save(stream)
    read = load_workbook(BytesIO(stream.getvalue())).active
    assert read is not None
    assert str(read.page_setup.paperSize) == str(read.PAPERSIZE_A4)
    assert read.page_setup.orientation == "landscape"
    assert (read.page_setup.fitToWidth, read.page_setup.fitToHeight) == (1, 0)
    assert read.sheet_properties.pageSetUpPr is not None
    assert read.sheet_properties.pageSetUpPr.fitToPage
    assert read.print_title_rows == "$1:$2"
    assert read.print_title_cols == "$A:$B"
    assert read.cell(30, 3).alignment.wrap_text
    texts = [cell.value for row in read.iter_rows(min_row=60, max_row=last) for cell in row]
    assert "Xuân Hòa, ngày 05 tháng 12 năm 2026" in texts
    assert {"GIÁO VIÊN CHỦ NHIỆM", "HIỆU TRƯỞNG", "Trần Thị Mai", "Lê Văn Nam"} <= set(texts)


def test_the_date_line_without_a_place() -> None:
    assert local_date_line("", date(2027, 1, 9)) == "ngày 09 tháng 01 năm 2027"
