"""The daily reminder of waiting correction requests: the deciding leader gets the requests to
decide, the administrator the approved ones to change in the official system, once a day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.corrections.jobs import remind_waiting
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    LeaderAbsence,
    Notice,
    School,
    SchoolClass,
    Staff,
    Student,
)
from tests.e2e.conftest import ADMIN, TEACHER_1A, linked_person
from tests.e2e.test_notifications import Clock, drain

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE_PRINCIPAL = ("Nguyễn Thị Hồng", "+84901078852")
TUESDAY = datetime(2026, 12, 1, 7, 45, tzinfo=ZONE)


async def two_requests(session: AsyncSession, school: School) -> tuple[int, int]:
    """One request waiting for the decision, one approved and waiting for the administrator."""
    teacher = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.phone == TEACHER_1A[1])
    )
    pupil = (
        await session.execute(
            select(Student.id, Student.class_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.school_id == school.id, SchoolClass.name == "1A")
            .order_by(Student.id)
            .limit(1)
        )
    ).one()
    made = [
        CorrectionRequest(
            school_id=school.id,
            school_year="2026-2027",
            student_id=pupil.id,
            class_id=pupil.class_id,
            period="ck1",
            kind=kind,
            item=item,
            old_value=old,
            new_value=new,
            reason=CorrectionReason.ENTRY_ERROR,
            reason_text="Nhập nhầm dòng.",
            state=state,
            requested_by=teacher,
            created_at=datetime.combine(date(2026, 11, 27), time(9), ZONE).astimezone(UTC),
        )
        for kind, item, old, new, state in (
            (AssessmentKind.SCORE, "TOAN", "8", "9", CorrectionState.PENDING),
            (AssessmentKind.LEVEL, "TV", "hoan_thanh", "hoan_thanh_tot", CorrectionState.APPROVED),
        )
    ]
    session.add_all(made)
    await session.commit()
    return made[0].id, made[1].id


async def test_the_waiting_requests_are_recalled_once_a_school_day(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    principal = await linked_person(make_person, *PRINCIPAL)
    vice = await linked_person(make_person, *VICE_PRINCIPAL)
    admin = await linked_person(make_person, *ADMIN)
    teacher = await linked_person(make_person, *TEACHER_1A)
    pending, approved = await two_requests(session, lists)
    seen = {p: len(await p.messages()) for p in (vice, teacher)}
    services = running_bot.bot_data["services"]
    clock = Clock(TUESDAY.astimezone(UTC))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )

    assert await remind_waiting(services.sessions, lists.id, clock.now) == 2
    await drain(dispatcher, clock)
    decide = await principal.next_message(timeout=10, new_only=True)
    # Named by the pupil, the item and the day it was filed, never by an internal number.
    assert "/duyet" in decide["text"] and "Hoàng Anh Đăng (lớp 1A)" in decide["text"], decide
    assert "Cuối học kỳ I" in decide["text"] and f"Số {pending}" not in decide["text"], decide
    assert "Toán" in decide["text"] and "8 → 9" in decide["text"], decide["text"]
    assert "27/11/2026" in decide["text"], decide["text"]
    change = await admin.next_message(timeout=10, new_only=True)
    assert "Tiếng Việt" in change["text"] and "Hoàn thành tốt" in change["text"], change["text"]
    assert f"Số {approved}" not in change["text"], change["text"]
    assert "/duyet" in change["text"] and "8 → 9" not in change["text"], change["text"]

    # The same morning again: nothing more. Saturday: no reminder at all.
    assert await remind_waiting(services.sessions, lists.id, clock.now + timedelta(hours=2)) == 0
    saturday = datetime(2026, 12, 5, 7, 45, tzinfo=ZONE)
    assert await remind_waiting(services.sessions, lists.id, saturday) == 0
    await drain(dispatcher, clock)
    await asyncio.sleep(0.3)
    assert {p: len(await p.messages()) for p in (vice, teacher)} == seen

    # Wednesday, the principal is away: the vice principal is reminded instead.
    principal_id = await session.scalar(
        select(Staff.id).where(Staff.school_id == lists.id, Staff.phone == PRINCIPAL[1])
    )
    assert principal_id is not None
    wednesday = TUESDAY + timedelta(days=1)
    session.add(
        LeaderAbsence(
            school_id=lists.id,
            staff_id=principal_id,
            first_day=wednesday.date(),
            last_day=wednesday.date() + timedelta(days=2),
        )
    )
    await session.commit()
    seen_by_principal = len(await principal.messages())
    clock.now = wednesday.astimezone(UTC)
    assert await remind_waiting(services.sessions, lists.id, clock.now) == 2
    await drain(dispatcher, clock)
    instead = await vice.next_message(timeout=10, new_only=True)
    assert "/duyet" in instead["text"] and "Hoàng Anh Đăng (lớp 1A)" in instead["text"], instead
    assert "gửi ngày 27/11/2026" in instead["text"], instead["text"]
    await asyncio.sleep(0.3)
    assert len(await principal.messages()) == seen_by_principal
    await session.commit()
    count = select(func.count()).where(Notice.school_id == lists.id, Notice.kind == "corr_reminder")
    assert await session.scalar(count) == 4
