"""Spreadsheets print on A4: read the settings back as Excel would."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook, load_workbook

from storage.printout import (
    grow_rows,
    local_date_line,
    print_on_a4,
    share_columns,
    signature_block,
    starts_signature,
    wrap_columns,
    wrapped_lines,
)


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


def test_the_date_line_follows_nghi_dinh_30_for_months() -> None:
    assert local_date_line("Phường Xuân Hòa", date(2027, 3, 5)) == (
        "Phường Xuân Hòa, ngày 05 tháng 3 năm 2027"
    )
    assert local_date_line("", date(2027, 2, 15)) == "ngày 15 tháng 02 năm 2027"


def test_a_reader_knows_where_the_signatures_begin() -> None:
    assert starts_signature([None, "Xuân Hòa, ngày 05 tháng 12 năm 2026", None])
    assert starts_signature(["", "hiệu trưởng"])
    assert not starts_signature([1, "7900000001", "Con ngoan, ngày nào cũng đọc sách."])


def test_columns_are_shared_between_signers_and_texts_wrap_by_width() -> None:
    assert share_columns(5, 2) == [(1, 2), (3, 5)]
    assert share_columns(1, 2) == [(1, 1), (2, 2)]
    assert wrapped_lines("một hai ba", 100) == 1
    assert wrapped_lines("x" * 50, 10) == 5
    assert wrapped_lines("dòng một\ndòng hai", 60) == 2


def test_a_signature_block_that_would_cross_a_page_starts_a_new_one() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 34):  # about a landscape page of 15-point rows
        sheet.append([row, f"Học sinh {row}"])
    print_on_a4(sheet, heading_rows=(1, 1), landscape=True)
    grow_rows(sheet, 1)
    signature_block(
        sheet,
        after_row=33,
        width=2,
        place_and_date=local_date_line("", date(2026, 12, 5)),
        signers=(("HIỆU TRƯỞNG", ""), ("GIÁO VIÊN CHỦ NHIỆM", "")),
        sign_hint="(Ký, ghi rõ họ tên)",
    )
    assert [brk.id for brk in sheet.row_breaks.brk] == [34]
