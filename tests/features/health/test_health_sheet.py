"""The nurse's spreadsheet: the prefilled template, read back, with every problem reported."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.core.i18n import translator
from bot.features.health.documents import HealthRow, parse_health_sheet
from bot.features.health.eyesight import TWICE_WITH_GLASSES, VISION_FORMAT
from bot.features.health.growth import HEIGHT_RANGE, WEIGHT_RANGE
from bot.features.health.template import HealthPaper, build_health_template
from storage.roster.problems import FileRefused, Problem
from tests.factories import write_table

SCHOOL = "Trường Tiểu học Nguyễn Du"
PUPILS = {
    "0123456789": "Nguyễn Văn An",
    "HS000002": "Trần Thị Bình",
    "HS000003": "Lê Minh Châu",
}
HEADER = ["STT", "Mã HS", "Họ tên", "Chiều cao", "Cân nặng", "Mắt trái", "Mắt phải", "Ghi chú"]
NOT_IN_CLASS = "The student ID {code} is not in this class."
REPEATED = "The student ID {code} is repeated: it is also on row {other}."
TOO_LONG = "The text has {length} characters; the limit is {limit}."


PAPER = HealthPaper(
    SCHOOL, "3A", "Lê Thị Mai", "Phạm Văn Hùng", "Phường Xuân Hòa", date(2026, 9, 15)
)


def template(tmp_path: Path, paper: HealthPaper = PAPER) -> tuple[Path, Workbook]:
    data = build_health_template(paper, list(PUPILS.items()), translator("vi"))
    path = tmp_path / "suc-khoe-3A.xlsx"
    path.write_bytes(data)
    return path, load_workbook(io.BytesIO(data))


def test_template_lists_the_class_under_a_bold_frozen_header(tmp_path: Path) -> None:
    sheet = template(tmp_path)[1].worksheets[0]
    assert sheet["A1"].value == SCHOOL
    assert "3A" in str(sheet["A3"].value)
    header = [cell.value for cell in sheet[6]]
    assert header == [
        "STT",
        "Mã học sinh",
        "Họ và tên",
        "Chiều cao (cm)",
        "Cân nặng (kg)",
        "Thị lực mắt trái (không kính)",
        "Thị lực mắt phải (không kính)",
        "Thị lực mắt trái (có kính)",
        "Thị lực mắt phải (có kính)",
        "Răng miệng",
        "Cột sống",
        "Ghi chú",
    ]
    assert all(cell.font.bold for cell in sheet[6])
    assert sheet.freeze_panes == "A7"
    rows = [[cell.value for cell in row[:3]] for row in sheet.iter_rows(min_row=7, max_row=9)]
    assert rows == [[number, code, name] for number, (code, name) in enumerate(PUPILS.items(), 1)]
    assert sheet["B7"].number_format == "@" and sheet["F7"].number_format == "@"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_filled_template_reads_back(tmp_path: Path) -> None:
    path, workbook = template(tmp_path)
    sheet = workbook.worksheets[0]
    sheet["D7"], sheet["E7"], sheet["F7"], sheet["G7"] = "125,5", 25, "9/10", "10/10"
    sheet["J7"] = "Sâu răng"
    sheet["D8"], sheet["E8"], sheet["L8"] = 130, "28,5", "Đeo kính"
    sheet["F8"], sheet["G8"], sheet["H8"], sheet["I8"] = "4/10", "ĐNT 3m", "10/10", "1/20"
    sheet["L9"] = "Vắng"  # absent on the day: not examined, so skipped
    workbook.save(path)
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.problems == []
    assert parsed.rows == [
        HealthRow(7, "0123456789", 125.5, 25.0, "9/10", "10/10", "Sâu răng", None, None),
        HealthRow(
            8, "HS000002", 130.0, 28.5, "4/10", "ĐNT 3m", None, None, "Đeo kính", "10/10", "1/20"
        ),
    ]


def test_the_signatures_under_the_table_are_not_read_as_pupils(tmp_path: Path) -> None:
    path, workbook = template(tmp_path)
    sheet = workbook.worksheets[0]
    sheet["D7"], sheet["E7"] = 125, 25
    workbook.save(path)
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.problems == []
    assert [row.student_code for row in parsed.rows] == ["0123456789"]


def test_the_sheet_prints_on_a4_with_the_nurse_and_the_principal_signing(tmp_path: Path) -> None:
    sheet = template(tmp_path)[1].worksheets[0]
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$6:$6" and sheet.print_title_cols == "$A:$C"
    assert sheet["L7"].alignment.wrap_text and sheet["J7"].alignment.wrap_text
    below = [str(c.value) for row in sheet.iter_rows(min_row=10) for c in row if c.value]
    assert any(t.startswith("Phường Xuân Hòa, ngày 15 tháng") and "2026" in t for t in below)
    for signer in ("NHÂN VIÊN Y TẾ", "Lê Thị Mai", "HIỆU TRƯỞNG", "Phạm Văn Hùng"):
        assert signer in below
    assert below.index("HIỆU TRƯỞNG") < below.index("NHÂN VIÊN Y TẾ")
    # The hint row says how eyesight is written.
    assert "7/10-2" in str(sheet["A4"].value) and "ĐNT 3m" in str(sheet["A4"].value)


@pytest.mark.parametrize(
    ("left", "glasses", "problem"),
    [
        ("11/10x", None, (7, "Thị lực mắt trái (không kính)", VISION_FORMAT)),
        ("0/10", None, (7, "Thị lực mắt trái (không kính)", VISION_FORMAT)),
        ("10/10", "10/0", (7, "Thị lực mắt trái (có kính)", VISION_FORMAT)),
        ("6/10 có kính 9/10", "10/10", (7, "Thị lực mắt trái (có kính)", TWICE_WITH_GLASSES)),
    ],
)
def test_nonsense_eyesight_is_refused_naming_the_cell(
    tmp_path: Path, left: str, glasses: str | None, problem: tuple[int, str, str]
) -> None:
    path, workbook = template(tmp_path)
    sheet = workbook.worksheets[0]
    sheet["D7"], sheet["E7"], sheet["F7"], sheet["H7"] = 125, 25, left, glasses
    workbook.save(path)
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.rows == []
    assert parsed.problems == [Problem(*problem)]


def test_every_problem_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [1, "HS000002", "Trần Thị Bình", 130, 28, "9/10", "8/10", None],
        [2, "HS999999", "Người Lạ", 130, 28, None, None, None],
        [3, "HS000002", "Trần Thị Bình", 131, 28, None, None, None],
        [4, "HS000003", "Lê Minh Châu", 1500, 0, "11/10x", "9/10", None],
        [None, None, None, None, None, None, None, None],
        [5, "0123456789", "Nguyễn Văn An", 120, 22, None, None, "x" * 501],
        [6, None, None, 120, 22, None, None, None],
    ]
    path = write_table(tmp_path / "health.xlsx", rows, header=HEADER, titles=[[SCHOOL], []])
    parsed = parse_health_sheet(path, PUPILS)
    assert [row.row for row in parsed.rows] == [4]
    assert parsed.problems == [
        Problem(5, "Mã HS", NOT_IN_CLASS, {"code": "HS999999"}),
        Problem(6, "Mã HS", REPEATED, {"code": "HS000002", "other": 4}),
        Problem(7, "Chiều cao", HEIGHT_RANGE),
        Problem(7, "Cân nặng", WEIGHT_RANGE),
        Problem(7, "Mắt trái", VISION_FORMAT),
        Problem(9, "Ghi chú", TOO_LONG, {"length": 501, "limit": 500}),
        Problem(10, "Mã HS", "The student ID is missing."),
    ]


def test_missing_height_or_weight_is_a_problem(tmp_path: Path) -> None:
    rows = [[1, "HS000002", "Trần Thị Bình", None, 28, "9/10", None, None]]
    path = write_table(tmp_path / "health.csv", rows, header=HEADER, titles=[])
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.rows == []
    assert parsed.problems == [Problem(2, "Chiều cao", "The height is missing.")]


def test_a_code_excel_turned_into_a_number_keeps_its_leading_zero(tmp_path: Path) -> None:
    rows = [[1, 123456789, "Nguyễn Văn An", 120, 22, 10, 10, None]]
    path = write_table(tmp_path / "health.xlsx", rows, header=HEADER, titles=[])
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.problems == []
    assert [(row.student_code, row.vision_left) for row in parsed.rows] == [("0123456789", "10/10")]


def test_a_sheet_without_the_header_is_refused(tmp_path: Path) -> None:
    rows = [[1, "HS000002", "Trần Thị Bình", "3A"]]
    header = ["STT", "Mã học sinh", "Họ và tên", "Lớp"]
    path = write_table(tmp_path / "roster.xlsx", rows, header=header, titles=[])
    with pytest.raises(FileRefused):
        parse_health_sheet(path, PUPILS)


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "health.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(FileRefused):
        parse_health_sheet(path, PUPILS)
