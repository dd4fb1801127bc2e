"""The weekly-comments sheet: built prefilled, filled in by the teacher, read back and checked."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.core.i18n import translator
from bot.features.weekly.documents import (
    CommentSheet,
    SheetPupil,
    SheetWeek,
    build_comment_sheet,
    parse_comment_sheet,
    summary_missing,
)
from storage.roster.problems import FileRefused, Problem

SCHOOL = "Trường Tiểu học Nguyễn Du"
CLASS = "3A"
WEEK = SheetWeek(number=12, start=date(2026, 11, 23), end=date(2026, 11, 27))
PUPILS = {
    "0012345601": "Nguyễn Văn An",
    "0012345602": "Trần Thị Bích Ngọc",
    "0012345603": "Lê Hoàng Đức",
    "0012345604": "Phạm Minh Châu",
    "0012345605": "Đỗ Thu Thủy",
}
HEADER = ["STT", "Mã học sinh", "Họ và tên", "Nhận xét", "Ghi chú"]


def build(
    tmp_path: Path,
    *,
    class_name: str = CLASS,
    week: SheetWeek = WEEK,
    prefilled: dict[str, str] | None = None,
) -> Path:
    """Write the bot's sheet for the five pupils and return its path."""
    prefilled = prefilled or {}
    pupils = [SheetPupil(code, name, prefilled.get(code, "")) for code, name in PUPILS.items()]
    path = tmp_path / "nhan-xet.xlsx"
    path.write_bytes(build_comment_sheet(SCHOOL, class_name, week, pupils, translator("vi")))
    return path


def fill(path: Path, comments: dict[str, str], extra: list[list[object]] | None = None) -> Path:
    """Open the sheet, write comments next to the codes and extra rows below, and save."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        code = row[1].value
        if isinstance(code, str) and code in comments:
            row[3].value = comments[code]
    for cells in extra or []:
        sheet.append(cells)
    workbook.save(path)
    return path


def parse(path: Path, week_start: date = WEEK.start, **kw: int) -> CommentSheet:
    return parse_comment_sheet(path, CLASS, week_start, PUPILS, **kw)


def teacher_made(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    """Write a sheet the teacher typed: just a header and rows, no identity."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
        return path
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def test_filled_sheet_gives_comments_and_blanks(tmp_path: Path) -> None:
    path = fill(
        build(tmp_path),
        {
            "0012345601": "  Con đọc to, rõ ràng; cần viết cẩn thận hơn.  ",
            "0012345603": "Con tích cực phát biểu.",
            "0012345605": "Con tiến bộ trong môn Toán.",
        },
    )
    parsed = parse(path)
    assert parsed.problems == []
    assert parsed.comments == {
        "0012345601": ("Con đọc to, rõ ràng; cần viết cẩn thận hơn.", ""),
        "0012345603": ("Con tích cực phát biểu.", ""),
        "0012345605": ("Con tiến bộ trong môn Toán.", ""),
    }
    assert parsed.blank == ["0012345602", "0012345604"]


def test_sheet_keeps_codes_as_text_in_class_order(tmp_path: Path) -> None:
    sheet = load_workbook(build(tmp_path)).worksheets[0]
    header = next(r for r in sheet.iter_rows() if r[0].value == "STT")[0].row
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert [row[:3] for row in rows] == [
        (number, code, name) for number, (code, name) in enumerate(PUPILS.items(), start=1)
    ]
    assert sheet.cell(header + 1, 2).number_format == "@"
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.column_dimensions["D"].width == 60


def test_title_names_school_class_and_week(tmp_path: Path) -> None:
    pupils = [SheetPupil(code, name) for code, name in PUPILS.items()]
    data = build_comment_sheet(SCHOOL, CLASS, WEEK, pupils, translator("en"))
    path = tmp_path / "week.xlsx"
    path.write_bytes(data)
    sheet = load_workbook(path).worksheets[0]
    titles = [sheet.cell(row, 1).value for row in range(1, 5)]
    assert titles == [SCHOOL, "Weekly comments", "Class: 3A", "Week 12 (23/11–27/11/2026)"]


def test_comment_written_in_chat_is_prefilled_and_kept(tmp_path: Path) -> None:
    path = build(tmp_path, prefilled={"0012345602": "Con ngoan, lễ phép."})
    fill(path, {"0012345601": "Con chăm chỉ."})
    parsed = parse(path)
    assert parsed.comments["0012345602"] == ("Con ngoan, lễ phép.", "")
    assert set(parsed.comments) == {"0012345601", "0012345602"}


def test_file_of_another_class_is_refused_with_both_names(tmp_path: Path) -> None:
    path = fill(build(tmp_path, class_name="3B"), {"0012345601": "Con chăm chỉ."})
    with pytest.raises(FileRefused) as refused:
        parse(path)
    assert refused.value.problem.params == {"found": "3B", "expected": "3A"}
    assert "class" in refused.value.problem.reason


def test_file_of_another_week_is_refused_with_both_dates(tmp_path: Path) -> None:
    path = build(tmp_path)
    with pytest.raises(FileRefused) as refused:
        parse(path, week_start=date(2026, 11, 30))
    assert refused.value.problem.params == {"found": "23/11/2026", "expected": "30/11/2026"}


def test_unknown_code_is_reported_at_its_row(tmp_path: Path) -> None:
    path = fill(build(tmp_path), {}, extra=[[6, "0099999999", "Vũ Thị Lan", "Con ngoan."]])
    parsed = parse(path)
    assert parsed.problems == [
        Problem(
            12,
            "Mã học sinh",
            "The student ID {code} is not in class {class_name}.",
            {"code": "0099999999", "class_name": "3A"},
        )
    ]
    assert parsed.comments == {}


def test_pupil_listed_twice_is_reported(tmp_path: Path) -> None:
    path = fill(
        build(tmp_path),
        {"0012345601": "Con chăm chỉ."},
        extra=[[6, "0012345601", "Nguyễn Văn An", "Con hay giúp bạn."]],
    )
    parsed = parse(path)
    assert [(p.row, p.params) for p in parsed.problems] == [
        (12, {"code": "0012345601", "other": 7})
    ]
    assert parsed.comments == {"0012345601": ("Con chăm chỉ.", "")}


def test_comment_over_the_limit_is_refused_with_limit_and_length(tmp_path: Path) -> None:
    path = fill(build(tmp_path), {"0012345603": "a" * 1001})
    parsed = parse(path)
    assert [(p.row, p.column, p.params) for p in parsed.problems] == [
        (9, "Nhận xét", {"length": 1001, "limit": 1000})
    ]
    assert "0012345603" not in parsed.comments


def test_comment_without_a_code_is_a_problem_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    path = fill(
        build(tmp_path), {}, extra=[[], [None, None, "Ghi thêm", None], [None, "", "", "Tốt"]]
    )
    parsed = parse(path)
    assert [(p.row, p.reason) for p in parsed.problems] == [(14, "The student ID is missing.")]


def test_comment_is_nfc_and_keeps_its_line_breaks(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Ưu điểm: đọc tốt.\n\n  Cần cố gắng:   viết chữ. ")
    parsed = parse(fill(build(tmp_path), {"0012345604": decomposed}))
    assert parsed.comments["0012345604"] == ("Ưu điểm: đọc tốt.\nCần cố gắng: viết chữ.", "")


def test_teacher_made_sheet_without_identity_is_accepted(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [1, "0012345601", "Nguyễn Văn An", "Con chăm chỉ.", "Quên vở"],
        [2, "0012345602", "Trần Thị Bích Ngọc", ""],
    ]
    parsed = parse(teacher_made(tmp_path / "cua-co.xlsx", rows))
    assert parsed.problems == []
    assert parsed.comments == {"0012345601": ("Con chăm chỉ.", "Quên vở")}
    assert parsed.blank == ["0012345602"]


def test_teacher_made_sheet_of_another_class_is_reported_per_row(tmp_path: Path) -> None:
    header = ["Lớp", "Mã HS", "Họ tên", "Nhận xét tuần"]
    rows: list[list[object]] = [
        ["3 a", "0012345601", "Nguyễn Văn An", "Con chăm chỉ."],
        ["3B", "0012345602", "Trần Thị Bích Ngọc", "Con ngoan."],
    ]
    parsed = parse(teacher_made(tmp_path / "lop.xlsx", rows, header))
    assert [(p.row, p.column, p.params) for p in parsed.problems] == [
        (3, "Lớp", {"found": "3B", "expected": "3A"})
    ]
    assert list(parsed.comments) == ["0012345601"]


def test_code_excel_turned_into_a_number_is_recognised(tmp_path: Path) -> None:
    rows: list[list[object]] = [[1, 12345604, "Phạm Minh Châu", "Con vẽ đẹp."]]
    parsed = parse(teacher_made(tmp_path / "so.xlsx", rows))
    assert parsed.comments == {"0012345604": ("Con vẽ đẹp.", "")}


def test_csv_with_the_same_headers_is_accepted(tmp_path: Path) -> None:
    rows: list[list[object]] = [[1, "0012345605", "Đỗ Thu Thủy", "Con hát hay.", ""]]
    parsed = parse(teacher_made(tmp_path / "nhan-xet.csv", rows))
    assert parsed.problems == []
    assert parsed.comments == {"0012345605": ("Con hát hay.", "")}


def test_file_that_is_not_a_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anh.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    with pytest.raises(FileRefused) as refused:
        parse(path)
    assert refused.value.problem.reason == "The file cannot be opened as an Excel workbook."


def test_missing_pupils_are_named_in_class_list_order() -> None:
    missing = summary_missing(PUPILS, ["0012345601", "0012345603"])
    assert missing == ["Phạm Minh Châu", "Trần Thị Bích Ngọc", "Đỗ Thu Thủy"]
