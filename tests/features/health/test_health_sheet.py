"""The nurse's spreadsheet: the prefilled template, read back, with every problem reported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.core.i18n import translator
from bot.features.health.documents import (
    HealthRow,
    build_health_template,
    parse_health_sheet,
)
from bot.features.health.growth import HEIGHT_RANGE, VISION_FORMAT, WEIGHT_RANGE
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


def template(tmp_path: Path) -> tuple[Path, Workbook]:
    data = build_health_template(SCHOOL, "3A", list(PUPILS.items()), translator("vi"))
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
        "Thị lực mắt trái",
        "Thị lực mắt phải",
        "Răng miệng",
        "Cột sống",
        "Ghi chú",
    ]
    assert all(cell.font.bold for cell in sheet[6])
    assert sheet.freeze_panes == "A7"
    rows = [[cell.value for cell in row[:3]] for row in sheet.iter_rows(min_row=7)]
    assert rows == [[number, code, name] for number, (code, name) in enumerate(PUPILS.items(), 1)]
    assert sheet["B7"].number_format == "@" and sheet["F7"].number_format == "@"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_filled_template_reads_back(tmp_path: Path) -> None:
    path, workbook = template(tmp_path)
    sheet = workbook.worksheets[0]
    sheet["D7"], sheet["E7"], sheet["F7"], sheet["G7"] = "125,5", 25, "9/10", "10/10"
    sheet["H7"] = "Sâu răng"
    sheet["D8"], sheet["E8"], sheet["J8"] = 130, "28,5", "Đeo kính"
    sheet["J9"] = "Vắng"  # absent on the day: not examined, so skipped
    workbook.save(path)
    parsed = parse_health_sheet(path, PUPILS)
    assert parsed.problems == []
    assert parsed.rows == [
        HealthRow(7, "0123456789", 125.5, 25.0, 9, 10, "Sâu răng", None, None),
        HealthRow(8, "HS000002", 130.0, 28.5, None, None, None, None, "Đeo kính"),
    ]


def test_every_problem_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [1, "HS000002", "Trần Thị Bình", 130, 28, "9/10", "8/10", None],
        [2, "HS999999", "Người Lạ", 130, 28, None, None, None],
        [3, "HS000002", "Trần Thị Bình", 131, 28, None, None, None],
        [4, "HS000003", "Lê Minh Châu", 1500, 0, "11/10", "9/10", None],
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
    assert [(row.student_code, row.vision_left) for row in parsed.rows] == [("0123456789", 10)]


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
