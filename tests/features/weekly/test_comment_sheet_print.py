"""The weekly-comments sheet prints on A4 and is signed; a signed sheet reads back the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import translator
from bot.features.weekly.documents import (
    SheetPaper,
    SheetPupil,
    SheetWeek,
    build_comment_sheet,
    parse_comment_sheet,
)

SCHOOL = "Trường Tiểu học Nguyễn Khuyến"
WEEK = SheetWeek(number=12, start=date(2026, 11, 23), end=date(2026, 11, 27))
PUPILS = {f"00123456{n:02d}": f"Nguyễn Hoàng Bảo Ngọc Anh {n}" for n in range(1, 41)}
PAPER = SheetPaper(date(2026, 11, 27), "Phường Xuân Hòa", "Trần Thị Mai", "Lê Văn Nam")
LONG = "Con chăm ngoan, tích cực phát biểu; cần rèn thêm chữ viết cho đều và sạch. " * 4


def build(tmp_path: Path, paper: SheetPaper | None = PAPER) -> Path:
    pupils = [
        SheetPupil(code, name, LONG if n % 3 else "")
        for n, (code, name) in enumerate(PUPILS.items())
    ]
    path = tmp_path / "nhan-xet.xlsx"
    path.write_bytes(build_comment_sheet(SCHOOL, "3A", WEEK, pupils, translator("vi"), paper=paper))
    return path


def texts(sheet: Worksheet, first_row: int) -> list[object]:
    return [c.value for row in sheet.iter_rows(min_row=first_row) for c in row if c.value]


def test_the_sheet_prints_on_a4_with_headings_and_names_repeated(tmp_path: Path) -> None:
    sheet = load_workbook(build(tmp_path)).worksheets[0]

    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$6:$6"  # the column headings
    assert sheet.print_title_cols == "$A:$C"  # STT, code and name
    assert [c.value for c in sheet[6]] == ["STT", "Mã học sinh", "Họ và tên", "Nhận xét", "Ghi chú"]
    second = sheet.cell(8, 4)
    assert second.value == LONG.strip() or second.value == LONG
    assert second.alignment.wrap_text and sheet.cell(8, 5).alignment.wrap_text
    # The row is as tall as its wrapped comment, so LibreOffice prints it whole too.
    assert (sheet.row_dimensions[8].height or 0) >= 3 * 15
    assert sheet.max_column == 5  # no empty column, nothing printed beside the table


def test_the_sheet_is_dated_and_signed_by_the_principal_and_the_homeroom_teacher(
    tmp_path: Path,
) -> None:
    sheet = load_workbook(build(tmp_path)).worksheets[0]
    last_pupil = 6 + len(PUPILS)

    footer = texts(sheet, last_pupil + 1)
    assert footer[0] == "Phường Xuân Hòa, ngày 27 tháng 11 năm 2026"
    assert footer[1:3] == ["HIỆU TRƯỞNG", "GIÁO VIÊN CHỦ NHIỆM"]
    assert footer[-2:] == ["Lê Văn Nam", "Trần Thị Mai"]
    assert footer.count("(Ký, ghi rõ họ tên)") == 2
    # Nothing in the name column alone: whoever fills the sheet by its names meets no signer.
    assert all(sheet.cell(row, 3).value is None for row in range(last_pupil + 1, sheet.max_row + 1))
    # The block starts a page of its own when it would not fit under the table.
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert breaks in ([], [last_pupil + 1])


def test_blank_names_leave_the_lines_to_fill_by_hand(tmp_path: Path) -> None:
    sheet = load_workbook(build(tmp_path, SheetPaper(date(2027, 3, 5)))).worksheets[0]
    footer = texts(sheet, 6 + len(PUPILS) + 1)
    assert footer[0] == "ngày 05 tháng 3 năm 2027"  # Nghị định 30: no zero before March
    assert "Lê Văn Nam" not in footer


def test_a_signed_sheet_reads_back_the_same(tmp_path: Path) -> None:
    path = build(tmp_path)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet.cell(7, 4).value = "Con đọc to, rõ ràng."
    workbook.save(path)

    parsed = parse_comment_sheet(path, "3A", WEEK.start, PUPILS)

    assert parsed.problems == []
    assert parsed.comments["0012345601"] == ("Con đọc to, rõ ràng.", "")
    assert len(parsed.comments) + len(parsed.blank) == len(PUPILS)


def test_a_pupil_row_under_the_signatures_is_still_read(tmp_path: Path) -> None:
    path = build(tmp_path)
    workbook = load_workbook(path)
    workbook.worksheets[0].append([None, "0012345601", None, "Con ngoan.", None])
    workbook.save(path)

    parsed = parse_comment_sheet(path, "3A", WEEK.start, PUPILS)

    (problem,) = parsed.problems
    assert problem.params == {"code": "0012345601", "other": 7}  # read, and found repeated


def test_without_paper_there_is_no_signature(tmp_path: Path) -> None:
    sheet = load_workbook(build(tmp_path, None)).worksheets[0]
    assert sheet.max_row == 6 + len(PUPILS)
    assert sheet.print_title_rows == "$6:$6"
