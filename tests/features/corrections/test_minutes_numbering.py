"""The minutes' number (Nghị định 30/2020: "Số: 01/BB-THNK"): per school and calendar year from
01, given once with the third signature, never the database id; and minutes made after the
third signature's commit, so that a crash in between still ends in one set of minutes.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, date, datetime

from docx import Document
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.core.i18n import Translator, translator
from bot.features.corrections import minutes
from bot.features.corrections.documents import Minutes, build_minutes
from storage.db import session_factory
from storage.models import (
    AssessmentKind,
    CorrectionFile,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Notice,
    School,
)
from storage.queries import ensure_school
from tests.features.assessment.test_assessment import YEAR, make_class, make_pupil

SIGNED_AT = datetime(2027, 2, 5, 3, 15, tzinfo=UTC)


async def a_school(session: AsyncSession, abbreviation: str) -> School:
    school = await ensure_school(session, f"t{uuid.uuid4().hex[:10]}", "Trường Tiểu học Thử")
    school.settings = {
        "governing_body": "UBND PHƯỜNG XUÂN HÒA",
        "place": "Xuân Hòa",
        "abbreviation": abbreviation,
    }
    await session.commit()
    return school


async def signed_request(
    session: AsyncSession, school: School, code: str, *, vice: bool = False
) -> CorrectionRequest:
    """A request signed by all three (the state the third signature leaves), not numbered."""
    klass = await make_class(session, school, f"1{code[-1]}")
    pupil = await make_pupil(session, klass, code)
    request = CorrectionRequest(
        school_id=school.id,
        school_year=YEAR,
        student_id=pupil.id,
        class_id=klass.id,
        period="cn",
        kind=AssessmentKind.SCORE,
        item="TOAN",
        old_value="6",
        new_value="8",
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Gõ nhầm.",
        state=CorrectionState.SIGNED,
        decided_role="vice_principal" if vice else "principal",
        completed_at=SIGNED_AT,
        created_at=SIGNED_AT,
    )
    session.add(request)
    await session.flush()
    return request


async def numbered(session: AsyncSession, request: CorrectionRequest, day: date) -> str:
    await minutes.give_number(session, request, day)
    shown = f"{request.minutes_number:02d}/{request.minutes_year}"
    await session.commit()
    return shown


async def number_on_paper(session: AsyncSession, request: CorrectionRequest) -> str:
    """The "Số: …" line of the request's minutes, built as the bot builds them (in Vietnamese,
    whatever anyone's language) and read back from the .docx."""
    facts = await minutes.minutes_of(session, request, now=SIGNED_AT)
    document = Document(io.BytesIO(build_minutes(facts, translator("vi"))))
    return str(document.tables[0].rows[1].cells[0].text)


async def test_numbers_count_per_school_and_calendar_year_from_01(session: AsyncSession) -> None:
    first, second = await a_school(session, "THNK"), await a_school(session, "THLQD")
    a = await signed_request(session, first, "7900000001")
    b = await signed_request(session, first, "7900000002")
    c = await signed_request(session, second, "7900000003")
    d = await signed_request(session, first, "7900000004")
    assert await numbered(session, a, date(2027, 2, 5)) == "01/2027"
    assert await numbered(session, b, date(2027, 5, 20)) == "02/2027"
    assert await numbered(session, c, date(2027, 5, 20)) == "01/2027"  # its own count
    assert await numbered(session, d, date(2028, 1, 3)) == "01/2028"  # a new year
    assert await numbered(session, a, date(2028, 1, 3)) == "01/2027"  # given once
    # Read back from the documents: the school's second minutes, the other school's first.
    assert await number_on_paper(session, a) == "Số: 01/BB-THNK"
    assert await number_on_paper(session, b) == "Số: 02/BB-THNK"
    assert await number_on_paper(session, c) == "Số: 01/BB-THLQD"
    assert await number_on_paper(session, d) == "Số: 01/BB-THNK"


async def test_two_signers_at_once_never_share_a_number(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        school = await a_school(session, "THNK")
        ids = [(await signed_request(session, school, f"790000001{n}")).id for n in range(4)]
        await session.commit()

    async def sign(request_id: int) -> int:
        async with sessions() as session, session.begin():
            request = await session.get(CorrectionRequest, request_id)
            assert request is not None
            await minutes.give_number(session, request, date(2027, 2, 5))
            assert request.minutes_number is not None
            return request.minutes_number

    assert sorted(await asyncio.gather(*(sign(i) for i in ids))) == [1, 2, 3, 4]


async def test_minutes_lost_to_a_crash_are_made_once_afterwards(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        school = await a_school(session, "THNK")
        request = await signed_request(session, school, "7900000021", vice=True)
        await minutes.give_number(session, request, date(2027, 2, 5))
        rid, school_id = request.id, school.id
        await session.commit()  # the third signature committed; the bot died before the rest

    built: list[bytes] = []

    def build(m: Minutes, _: Translator) -> bytes:
        built.append(content := build_minutes(m, _))
        return content

    now = datetime(2027, 2, 8, 0, 45, tzinfo=UTC)
    made = await asyncio.gather(
        minutes.finish_signed(sessions, school_id, now),
        minutes.produce(sessions, rid, now, build),
    )
    assert sum(int(n) for n in made) == 1
    assert await minutes.finish_signed(sessions, school_id, now) == 0  # nothing left to make
    async with sessions() as session:
        kept = (
            await session.scalars(
                select(CorrectionFile).where(
                    CorrectionFile.request_id == rid, CorrectionFile.kind == "minutes"
                )
            )
        ).all()
        queued = await session.scalar(
            select(func.count(Notice.id)).where(
                Notice.school_id == school_id, Notice.media_kind == "stored"
            )
        )
    assert len(kept) == 1 and queued == 1
    (file,) = kept
    assert file.name == "bien-ban-so-01-2027.docx"
    document = Document(io.BytesIO(file.content))
    assert document.tables[0].rows[1].cells[0].text == "Số: 01/BB-THNK"
    heading = document.tables[0].rows[0].cells[0].text
    assert heading.startswith("UBND PHƯỜNG XUÂN HÒA\n")
    assert document.tables[0].rows[1].cells[1].text.startswith("Xuân Hòa, ngày 05 tháng 02")
    signatures = [p.text for p in document.tables[2].rows[0].cells[0].paragraphs if p.text]
    assert signatures[:2] == ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]  # Vietnamese, as the school's
