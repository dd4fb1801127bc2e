"""The class summary spreadsheet: built prefilled, filled in, read back, stored all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.documents import (
    NOT_TEMPLATE,
    SheetIdentity,
    SheetPaper,
    SheetPupil,
    build_assessment_sheet,
    problem_text,
)
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.assessment.sheet_import import LOCKED_ITEM, Stored, import_sheet
from storage.models import AssessmentKind, AuditEvent, School, SchoolClass, Student
from tests.features.assessment.test_assessment import YEAR, lock, make_class, make_pupil

LEVEL, SCORE = AssessmentKind.LEVEL, AssessmentKind.SCORE
PUPILS = {"7900000011": "Trần Thị Bích Ngọc", "7900000012": "Lê Hoàng Đức"}
_ = translator("vi")
PAPER = SheetPaper(date(2026, 12, 5), "Xuân Hòa", "Trần Thị Mai", "Lê Văn Nam")


async def book_class(session: AsyncSession, school: School, name: str = "4A") -> SchoolClass:
    klass = await make_class(session, school, name)
    for code, full_name in PUPILS.items():
        await make_pupil(session, klass, code, full_name)
    return klass


def identity(school: School, klass: SchoolClass, period: Period = Period.CK1) -> SheetIdentity:
    return SheetIdentity(school.id, klass.id, klass.name, YEAR, period)


def template(
    tmp_path: Path,
    ident: SheetIdentity,
    grade: int = 4,
    values: dict[str, dict[Item, str]] | None = None,
    optional: tuple[str, ...] = (),
) -> Path:
    values = values or {}
    pupils = [SheetPupil(code, name, values.get(code, {})) for code, name in PUPILS.items()]
    path = tmp_path / "tong-hop.xlsx"
    built = build_assessment_sheet(
        "Trường Tiểu học Thử", ident, grade, pupils, _, paper=PAPER, optional=optional
    )
    path.write_bytes(built)
    return path


def fill(
    path: Path, cells: dict[tuple[str, str], object], rows: list[list[object]] | None = None
) -> Path:
    """Write values by (student code, column title), then add extra rows under the pupils'."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header = next(r for r in sheet.iter_rows() if r[0].value == "STT")
    columns = {cell.value: cell.column for cell in header}
    for (code, title), value in cells.items():
        if title not in columns:  # a column the template does not have
            columns[title] = sheet.max_column + 1
            sheet.cell(header[0].row, columns[title], title)
        row = next(r[0].row for r in sheet.iter_rows() if r[1].value == code)
        sheet.cell(row, columns[title]).value = value
    last = max(r[0].row for r in sheet.iter_rows() if r[1].value in PUPILS)
    for offset, extra in enumerate(rows or [], start=1):
        sheet.insert_rows(last + offset)
        for column, value in enumerate(extra, start=1):
            sheet.cell(last + offset, column).value = value
    workbook.save(path)
    return path


async def stored(session: AsyncSession, klass: SchoolClass) -> dict[int, dict[Item, str]]:
    return await assessment.class_results(session, klass.id, YEAR, Period.CK1)


async def run(
    session: AsyncSession, path: Path, ident: SheetIdentity, klass: SchoolClass
) -> Stored:
    return await import_sheet(session, path, expected=ident, klass=klass, by=None, actor="test")


async def test_a_filled_template_round_trips(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    cells = {
        ("7900000011", "Toán (mức)"): "T",
        ("7900000011", "Toán (điểm)"): 9,
        ("7900000011", "Khoa học (điểm)"): "8",
        ("7900000011", "Yêu nước"): "Đ",
        ("7900000012", "Toán (mức)"): "hoàn thành",
        ("7900000012", "Toán (điểm)"): 10.0,
        ("7900000012", "Trung thực"): "cần cố gắng",
    }
    outcome = await run(session, fill(template(tmp_path, ident), cells), ident, klass)
    assert (outcome.locked, outcome.problems, outcome.pupils, outcome.changed) == (False, [], 2, 7)
    book = await stored(session, klass)
    values = {v for pupil in book.values() for v in pupil.values()}
    assert values == {"hoan_thanh_tot", "9", "8", "dat", "hoan_thanh", "10", "can_co_gang"}
    # The next template is prefilled with the book, as a school writes it, and changes nothing.
    again = template(tmp_path, ident, values=await by_code(session, klass))
    sheet = load_workbook(again).worksheets[0]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "STT")
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "7900000011")
    first = dict(zip(header, row, strict=True))
    assert (first["Toán (mức)"], first["Toán (điểm)"], first["Yêu nước"]) == ("T", 9, "Đ")
    assert first["Đạo đức (mức)"] is None
    outcome = await run(session, again, ident, klass)
    assert (outcome.problems, outcome.pupils, outcome.changed) == ([], 2, 0)
    # An emptied cell removes the value.
    outcome = await run(session, fill(again, {("7900000011", "Yêu nước"): None}), ident, klass)
    assert outcome.changed == 1
    events = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.school_id == school.id)
    )
    assert list(events) == ["assessment.imported"] * 3


async def by_code(session: AsyncSession, klass: SchoolClass) -> dict[str, dict[Item, str]]:
    """The book's values by student code."""
    book = await stored(session, klass)
    return {code: book[sid] for code, sid in (await codes_to_ids(session, klass)).items()}


BAD_CELLS = [
    (("Toán (điểm)", 11), "Toán (điểm)", "10: 11"),
    (("Toán (điểm)", 7.5), "Toán (điểm)", "7.5"),
    (("Toán (mức)", "Giỏi"), "Toán (mức)", "Giỏi"),
    (("Yêu nước", "H"), "Yêu nước", "“H”"),
    (("Đạo đức (điểm)", 8), "Đạo đức (điểm)", "Đạo đức"),  # no test in Đạo đức
]


@pytest.mark.parametrize(("cell", "column", "shown"), BAD_CELLS)
async def test_a_bad_cell_is_a_row_error_and_nothing_is_stored(
    session: AsyncSession,
    school: School,
    tmp_path: Path,
    cell: tuple[str, object],
    column: str,
    shown: str,
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    good = {("7900000012", "Toán (mức)"): "T"}
    path = fill(template(tmp_path, ident), good | {("7900000011", cell[0]): cell[1]})
    outcome = await run(session, path, ident, klass)
    (problem,) = outcome.problems
    assert (problem.row, problem.column) == (9, column)
    text = problem_text(problem, _)
    assert text.startswith("Row 9, column") or text.startswith("Dòng 9")
    assert shown in text
    assert await stored(session, klass) == {}


async def test_a_score_where_the_grade_has_no_test_is_refused(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school, "1A")
    ident = identity(school, klass, Period.GK1)  # grade 1 has no mid-term test
    path = fill(template(tmp_path, ident, grade=1), {("7900000011", "Toán (điểm)"): 8})
    outcome = await run(session, path, ident, klass)
    (problem,) = outcome.problems
    assert problem.column == "Toán (điểm)" and problem.params["grade"] == 1
    assert await assessment.class_results(session, klass.id, YEAR, Period.GK1) == {}


async def test_unknown_and_repeated_pupils_are_row_errors(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    extra = [[3, "7900009999", "Người Lạ", "T"], [4, "7900000011", "Trần Thị Bích Ngọc", "H"]]
    path = fill(template(tmp_path, ident), {("7900000012", "Toán (mức)"): "T"}, extra)
    outcome = await run(session, path, ident, klass)
    assert [(p.row, p.column, p.params.get("code")) for p in outcome.problems] == [
        (11, "Mã học sinh", "7900009999"),
        (12, "Mã học sinh", "7900000011"),
    ]
    assert await stored(session, klass) == {}


@pytest.mark.parametrize("other", ["class", "year", "period", "school"])
async def test_a_sheet_of_another_book_is_refused_as_a_whole(
    session: AsyncSession, school: School, tmp_path: Path, other: str
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    found = {
        "class": SheetIdentity(school.id, klass.id + 1000, "4B", YEAR, Period.CK1),
        "year": SheetIdentity(school.id, klass.id, klass.name, "2025-2026", Period.CK1),
        "period": SheetIdentity(school.id, klass.id, klass.name, YEAR, Period.GK2),
        "school": SheetIdentity(school.id + 1000, klass.id, klass.name, YEAR, Period.CK1),
    }[other]
    path = fill(template(tmp_path, found), {("7900000011", "Toán (mức)"): "T"})
    outcome = await run(session, path, ident, klass)
    (problem,) = outcome.problems
    assert problem.row is None
    if other == "period":
        assert problem_text(problem, translator("en")).endswith("not End of term I.")
    assert await stored(session, klass) == {}


async def test_a_file_that_is_not_our_template_is_refused(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["STT", "Mã học sinh", "Họ và tên", "Toán (mức)"])
    sheet.append([1, "7900000011", "Trần Thị Bích Ngọc", "T"])
    path = tmp_path / "tu-lam.xlsx"
    workbook.save(path)
    outcome = await run(session, path, identity(school, klass), klass)
    assert [p.reason for p in outcome.problems] == [NOT_TEMPLATE]
    assert await stored(session, klass) == {}


async def test_a_locked_period_refuses_the_whole_import(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    await lock(session, school, "grade:4", True)
    path = fill(template(tmp_path, ident), {("7900000011", "Toán (mức)"): "T"})
    outcome = await run(session, path, ident, klass)
    assert outcome.locked
    assert await stored(session, klass) == {}


async def test_an_item_a_correction_locked_again_is_a_row_error(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    pupils = await codes_to_ids(session, klass)
    await assessment.record(
        session,
        school_id=school.id,
        student_id=pupils["7900000011"],
        class_id=klass.id,
        school_year=YEAR,
        period=Period.CK1,
        values={Item(SCORE, "TOAN"): "8"},
        by=None,
        relock=True,
    )
    prefilled = {"7900000011": {Item(SCORE, "TOAN"): "8"}}
    same = fill(template(tmp_path, ident, values=prefilled), {("7900000012", "Toán (mức)"): "T"})
    assert (await run(session, same, ident, klass)).changed == 1  # the relocked 8 is unchanged
    changed = fill(same, {("7900000011", "Toán (điểm)"): 9, ("7900000012", "Toán (mức)"): "H"})
    outcome = await run(session, changed, ident, klass)
    assert [(p.row, p.column, p.reason) for p in outcome.problems] == [
        (9, "Toán (điểm)", LOCKED_ITEM)
    ]
    book = await stored(session, klass)
    assert book[pupils["7900000011"]][Item(SCORE, "TOAN")] == "8"
    assert book[pupils["7900000012"]][Item(LEVEL, "TOAN")] == "hoan_thanh_tot"


async def codes_to_ids(session: AsyncSession, klass: SchoolClass) -> dict[str, int]:
    rows = await session.execute(
        select(Student.student_code, Student.id).where(Student.class_id == klass.id)
    )
    return {code: sid for code, sid in rows}
