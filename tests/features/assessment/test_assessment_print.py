"""The Bảng tổng hợp prints as the official one: read the workbook back as Excel would."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment.rules import Period
from storage.models import School
from tests.features.assessment.test_assessment_sheet import (
    PUPILS,
    book_class,
    fill,
    identity,
    run,
    stored,
    template,
)

GROUPS = ("Môn học và hoạt động giáo dục", "Phẩm chất chủ yếu", "Năng lực cốt lõi")


def sheet_of(path: Path) -> Worksheet:
    sheet = load_workbook(path).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def merged_texts(sheet: Worksheet, row: int) -> dict[str, tuple[int, int]]:
    """The merged headings of a row: text -> (first column, last column)."""
    found = {}
    for merged in sorted(sheet.merged_cells.ranges, key=lambda merged: merged.min_col):
        if merged.min_row == row:
            text = sheet.cell(row, merged.min_col).value
            if text:
                found[str(text)] = (merged.min_col, merged.max_col)
    return found


def titles(sheet: Worksheet) -> list[str]:
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "STT")
    return [str(value) for value in header if value]


async def test_the_sheet_prints_on_a4_landscape_fitted_to_width_with_titles_repeated(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    sheet = sheet_of(template(tmp_path, identity(school, klass)))
    setup = sheet.page_setup
    assert str(setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert setup.orientation == "landscape"
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # The group headings, the subject names and the column titles repeat on every page, and
    # the STT, code and name columns at the left of every page.
    assert sheet.print_title_rows == "$6:$8"
    assert sheet.print_title_cols == "$A:$C"
    assert sheet.cell(8, 1).value == "STT"


async def test_the_official_group_headings_are_merged_over_their_columns(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    sheet = sheet_of(template(tmp_path, identity(school, klass)))
    groups = merged_texts(sheet, 6)
    assert tuple(groups) == GROUPS
    columns = titles(sheet)
    subjects, qualities, competences = (groups[name] for name in GROUPS)
    assert columns[subjects[0] - 1] == "Tiếng Việt (mức)"
    assert columns[subjects[1] - 1] == "Hoạt động trải nghiệm (mức)"
    assert columns[qualities[0] - 1 : qualities[1]] == [
        *("Yêu nước", "Nhân ái", "Chăm chỉ", "Trung thực", "Trách nhiệm"),
    ]
    assert competences[1] == len(columns)
    under = merged_texts(sheet, 7)
    assert {"Năng lực chung", "Năng lực đặc thù", "Toán", "Tin học và Công nghệ"} <= set(under)
    assert "Nghệ thuật" in under  # over its own level and its two parts'
    first, last = under["Nghệ thuật"]
    assert columns[first - 1 : last] == ["Nghệ thuật (mức)", "Âm nhạc (mức)", "Mĩ thuật (mức)"]


async def test_no_columns_for_what_the_grade_does_not_have(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school, "1A")
    sheet = sheet_of(template(tmp_path, identity(school, klass, Period.GK1), grade=1))
    columns = titles(sheet)
    assert not [title for title in columns if "(điểm)" in title]  # no test at GK1 in grade 1
    for absent in ("Lịch sử và Địa lí (mức)", "Khoa học (mức)", "Tin học (mức)", "Tin học"):
        assert absent not in columns
    assert "Ngoại ngữ 1 (mức)" not in columns  # optional, and not set as taught
    assert "Công nghệ" not in columns and "Khoa học" in columns  # competences of grade 1


async def test_the_signed_sheet_reads_back_by_our_own_reader(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    path = template(tmp_path, ident)
    sheet = sheet_of(path)
    texts = {str(cell.value) for row in sheet.iter_rows(min_row=9) for cell in row if cell.value}
    assert {"GIÁO VIÊN CHỦ NHIỆM", "HIỆU TRƯỞNG", "Trần Thị Mai", "Lê Văn Nam"} <= texts
    assert "Xuân Hòa, ngày 05 tháng 12 năm 2026" in texts
    code = next(iter(PUPILS))
    filled = fill(path, {(code, "Toán (mức)"): "T", (code, "Yêu nước"): "Đ"})
    outcome = await run(session, filled, ident, klass)
    assert (outcome.problems, outcome.pupils, outcome.changed) == ([], 2, 2)
    assert len(await stored(session, klass)) == 1
