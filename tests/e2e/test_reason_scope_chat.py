"""Correction reasons within their legal scope, in the chat (issue 17, TT27 Điều 7 and 11): in
/suadiem a teacher is not offered "Kiểm tra lại (Điều 7)" for a mid-term test score or for a
level, nor "Đánh giá bổ sung (Điều 11)" at mid-term or for a pupil who completed the grade; a
forged press of either is refused in Vietnamese, nothing is stored, and the form goes on with a
reason that fits."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections.chat.buttons import PickReason
from bot.features.corrections.rules import ADDITIONAL_SCOPE, RETEST_SCOPE
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    PendingInput,
    School,
    SchoolClass,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import TEACHER_1A, BotClock, forge, linked_person, vn
from tests.e2e.menus import inline
from tests.e2e.test_corrections import (
    CHILD,
    book,  # noqa: F401  (a fixture)
    edited,
    reply,
    start_request,
    with_flow,
    year,
)
from tests.e2e.test_corrections import vi as vietnamese
from tests.e2e.test_leave import pupil_id

TEACHER_5C = ("Huỳnh Ngọc Ánh", "+84853883170")  # tests/data/staff.csv
SCORE_TOAN = Item(AssessmentKind.SCORE, "TOAN")
LEVEL_TOAN = Item(AssessmentKind.LEVEL, "TOAN")
RETEST, ADDITIONAL = CorrectionReason.RETEST, CorrectionReason.ADDITIONAL
WRITTEN_IN = "v1:corr:why:entry_error"  # "Nhập sai": fits every item


def chat_label(reason: CorrectionReason) -> str:
    return vietnamese(CORRECTION_REASON_LABELS[reason].chat)


@pytest.fixture
async def mid_term(lists: School, session: AsyncSession) -> School:
    """A 5C pupil's mid-term I results (Toán 7 at the mid-term test of grade 5), the period
    locked for the school, its deadline ahead."""
    student = await session.scalar(
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.school_id == lists.id, SchoolClass.name == "5C")
        .order_by(Student.id)
    )
    assert student is not None
    values: dict[Item, str | None] = {}
    for item in assessment.items_for(5, Period.GK1):
        if item.kind is AssessmentKind.SCORE:
            values[item] = "7"
        elif item.kind is AssessmentKind.QUALITY:
            values[item] = "dat"
        else:
            values[item] = "hoan_thanh"
    assert SCORE_TOAN in values  # grade 5 has a mid-term test of Toán (TT27 Điều 7)
    await assessment.record(
        session,
        school_id=lists.id,
        student_id=student.id,
        class_id=student.class_id,
        school_year=year(),
        period=Period.GK1,
        values=values,
        by=None,
    )
    await assessment.set_lock(
        session,
        school_id=lists.id,
        school_year=year(),
        period=Period.GK1,
        scope="school",
        locked=True,
        by=None,
        actor="test",
    )
    await session.commit()
    return lists


async def stored(session: AsyncSession, school_id: int) -> int:
    await session.rollback()
    count = await session.scalar(
        select(func.count())
        .select_from(CorrectionRequest)
        .where(CorrectionRequest.school_id == school_id)
    )
    return int(count or 0)


async def draft_of(session: AsyncSession, school_id: int, person: PersonClient) -> dict[str, Any]:
    """The teacher's open form (the pending input's data)."""
    await session.rollback()
    account = select(TelegramAccount.id).where(
        TelegramAccount.school_id == school_id,
        TelegramAccount.telegram_user_id == person.person_id,
    )
    data = await session.scalar(
        select(PendingInput.data).where(PendingInput.account_id.in_(account))
    )
    assert data is not None
    return dict(data)


async def refused_reasons(
    sandbox: RunningSandbox,
    teacher: PersonClient,
    asked: dict[str, Any],
    forged: dict[CorrectionReason, str],
) -> None:
    """Forge each reason's press on the form whose reason buttons `asked` carries: each is
    refused with its scope's message in Vietnamese."""
    flow = with_flow(asked, WRITTEN_IN).rsplit(":", 1)[1]
    for reason, msgid in forged.items():
        alert = await forge(sandbox, teacher, PickReason(reason.value, flow).data())
        assert alert == vietnamese(msgid), (reason, alert)
        assert alert != msgid  # the Vietnamese catalog holds it: not the English msgid


async def goes_on_with_a_fitting_reason(teacher: PersonClient) -> None:
    """The form is still open: "Nhập sai" asks for the details."""
    for message in reversed(await teacher.messages()):
        if message["from_bot"] and message.get("buttons"):
            data = with_flow(message, WRITTEN_IN)
            await teacher.press(data=data, message_id=message["message_id"])
            break
    details = await edited(teacher)
    assert chat_label(CorrectionReason.ENTRY_ERROR) in details["text"], details["text"]


async def test_a_mid_term_score_offers_neither_a_retest_nor_an_additional_assessment(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    mid_term: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    school_id = mid_term.id
    teacher = await linked_person(make_person, *TEACHER_5C)
    student = await session.scalar(
        select(Student.id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.school_id == school_id, SchoolClass.name == "5C")
        .order_by(Student.id)
    )
    assert student is not None
    value = await start_request(sandbox, teacher, student, Period.GK1, SCORE_TOAN, grade=5)
    assert not isinstance(value, str), value
    await teacher.send("9")
    asked = await reply(teacher)
    labels = inline(asked)
    assert chat_label(CorrectionReason.ENTRY_ERROR) in labels, labels
    assert chat_label(RETEST) not in labels and chat_label(ADDITIONAL) not in labels, labels

    await refused_reasons(
        sandbox, teacher, asked, {RETEST: RETEST_SCOPE, ADDITIONAL: ADDITIONAL_SCOPE}
    )
    assert "reason" not in await draft_of(session, school_id, teacher)
    assert await stored(session, school_id) == 0
    await goes_on_with_a_fitting_reason(teacher)
    assert (await draft_of(session, school_id, teacher))["reason"] == "entry_error"
    assert await stored(session, school_id) == 0


async def test_a_level_of_a_pupil_who_completed_the_year_offers_neither(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """Toán's end-of-year level of a grade-1 pupil who completed the grade ("Hoàn thành
    tốt"): a level is never re-tested, and the pupil needs no additional assessment."""
    BotClock(running_bot, vn(2026, 12, 5))
    school_id = book.id
    teacher = await linked_person(make_person, *TEACHER_1A)
    student = await pupil_id(session, book, CHILD)
    levels = await start_request(sandbox, teacher, student, Period.CN, LEVEL_TOAN)
    assert not isinstance(levels, str), levels
    data = with_flow(levels, "v1:corr:val:hoan_thanh")
    await teacher.press(data=data, message_id=levels["message_id"])
    asked = await edited(teacher)
    labels = inline(asked)
    assert chat_label(CorrectionReason.ENTRY_ERROR) in labels, labels
    assert chat_label(RETEST) not in labels and chat_label(ADDITIONAL) not in labels, labels

    await refused_reasons(
        sandbox, teacher, asked, {RETEST: RETEST_SCOPE, ADDITIONAL: ADDITIONAL_SCOPE}
    )
    assert "reason" not in await draft_of(session, school_id, teacher)
    assert await stored(session, school_id) == 0
    await goes_on_with_a_fitting_reason(teacher)
    assert await stored(session, school_id) == 0
