"""Text that starts like a formula is written as text in every spreadsheet and CSV the bot makes,
and reads back unchanged through the bot's own readers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.features.archive.queries import build_archive
from bot.features.assessment.documents import (
    HEADERS,
    REQUIRED,
    SheetIdentity,
    SheetPaper,
    SheetPupil,
)
from bot.features.assessment.documents import build_assessment_sheet as build_summary
from bot.features.assessment.rules import Period
from bot.features.health.documents import HEALTH_HEADERS, HEALTH_REQUIRED
from bot.features.health.template import HealthPaper, build_health_template
from bot.features.weekly.documents import SheetPupil as CommentPupil
from bot.features.weekly.documents import SheetWeek, build_comment_sheet, parse_comment_sheet
from storage.exports import csv_field, csv_unquote
from storage.models import CorrectionRequest, School, Student
from storage.roster.table import locate, read_rows
from tests.features.archive.test_archive import YEAR, ZONE, seed_requests

VI = translator("vi")
HOSTILE = ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]
WEEK = SheetWeek(number=12, start=date(2026, 11, 23), end=date(2026, 11, 27))


def saved(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def assert_no_formulas(data: bytes, texts: list[str]) -> None:
    """No cell of any sheet is a formula, and every text is a string cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name
    workbook = load_workbook(io.BytesIO(data))
    found = {
        cell.value: cell.data_type
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in texts
    }
    assert found == dict.fromkeys(texts, "s")


def test_weekly_comments_that_look_like_formulas_stay_text_and_read_back(tmp_path: Path) -> None:
    codes = [f"001234560{n}" for n in range(1, 5)]
    pupils = [
        CommentPupil(code, f"Học sinh {n}", comment=text, note=HOSTILE[-1 - n])
        for n, (code, text) in enumerate(zip(codes, HOSTILE, strict=True))
    ]
    data = build_comment_sheet("Trường Tiểu học Thử", "3A", WEEK, pupils, VI)
    assert_no_formulas(data, HOSTILE)
    parsed = parse_comment_sheet(
        saved(tmp_path / "nx.xlsx", data), "3A", WEEK.start, {p.student_code: "" for p in pupils}
    )
    assert parsed.problems == []
    assert parsed.comments == {p.student_code: (p.comment, p.note) for p in pupils}


def test_pupil_names_that_look_like_formulas_stay_text_in_the_summary_sheet(
    tmp_path: Path,
) -> None:
    pupils = [SheetPupil(f"790000001{n}", name, {}) for n, name in enumerate(HOSTILE)]
    identity = SheetIdentity(1, 2, "4A", "2026-2027", Period.CK1)
    paper = SheetPaper(date(2026, 12, 5), "=Xuân Hòa", "=Trần Thị Mai", "+Lê Văn Nam")
    data = build_summary("=Trường", identity, 4, pupils, VI, paper=paper)
    assert_no_formulas(data, [*HOSTILE, "=Trường", "=Trần Thị Mai", "+Lê Văn Nam"])
    table = locate(read_rows(saved(tmp_path / "th.xlsx", data)), HEADERS, REQUIRED)
    names = [table.cell(row, "full_name") for _n, row in table.rows]
    assert [name for name in names if name] == HOSTILE  # the signature rows below have none


def test_pupil_names_that_look_like_formulas_stay_text_in_the_nurses_template(
    tmp_path: Path,
) -> None:
    pupils = [(f"HS00000{n}", name) for n, name in enumerate(HOSTILE)]
    paper = HealthPaper("=Trường", "3A", nurse="=Lê Thị Mai", principal="+Phạm Văn Hùng")
    data = build_health_template(paper, pupils, VI)
    assert_no_formulas(data, [*HOSTILE, "=Trường"])
    path = saved(tmp_path / "sk.xlsx", data)
    table = locate(read_rows(path), HEALTH_HEADERS, HEALTH_REQUIRED)
    assert [table.cell(row, "full_name") for _n, row in table.rows] == HOSTILE


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_field_that_looks_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert csv_field(text) == "'" + text
    assert csv_unquote(str(csv_field(text))) == text


def test_other_csv_fields_are_left_alone() -> None:
    for value in ("Hoàng Anh Đăng", "'quoted", "08:05 04/01/2027", 12, None):
        assert csv_field(value) == value
    assert csv_unquote("'quoted") == "'quoted"


async def test_the_archive_index_writes_formula_like_texts_as_text(
    session: AsyncSession, school: School
) -> None:
    seeded = await seed_requests(session, school)
    name, note, reason = HOSTILE[0], HOSTILE[1], HOSTILE[3]
    await session.execute(
        update(Student)
        .where(Student.school_id == school.id, Student.full_name == "Hoàng Anh Đăng")
        .values(full_name=name)
    )
    await session.execute(
        update(CorrectionRequest)
        .where(CorrectionRequest.id == seeded.signed)
        .values(decision_note=note, reason_text=reason)
    )
    await session.commit()
    archive = await build_archive(session, school.id, YEAR, ZONE, _=VI)
    raw = zipfile.ZipFile(io.BytesIO(archive.data)).read("index.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    signed = next(row for row in rows if row[VI("Number")] == str(seeded.signed))
    fields = (VI("Pupil"), VI("Decision note"), VI("Explanation"))
    assert [signed[field] for field in fields] == ["'" + name, "'" + note, "'" + reason]
    assert [csv_unquote(signed[field]) for field in fields] == [name, note, reason]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in signed.values())
