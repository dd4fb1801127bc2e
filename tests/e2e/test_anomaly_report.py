"""The monthly anomaly report reaches the principal and vice principal, once, and no parent."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.administration.jobs import send_monthly_report
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Notice,
    School,
    SchoolClass,
    Staff,
    Student,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.e2e.test_notifications import Clock, drain

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE_PRINCIPAL = ("Nguyễn Thị Hồng", "+84901078852")
FIRST_SCHOOL_DAY = datetime(2026, 12, 1, 7, 15, tzinfo=ZONE)  # a Tuesday


async def five_requests(session: AsyncSession, school: School) -> None:
    """Five November requests from the 1A teacher, written straight into the database."""
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
    session.add_all(
        CorrectionRequest(
            school_id=school.id,
            school_year="2026-2027",
            student_id=pupil.id,
            class_id=pupil.class_id,
            period="ck1",
            kind=AssessmentKind.LEVEL,
            item=item,
            old_value="hoan_thanh",
            new_value="hoan_thanh_tot",
            reason=CorrectionReason.ENTRY_ERROR,
            reason_text="Nhập nhầm dòng.",
            state=CorrectionState.PENDING,
            requested_by=teacher,
            created_at=datetime.combine(date(2026, 11, day), time(9), ZONE).astimezone(UTC),
        )
        for day, item in zip((3, 9, 12, 17, 24), ("TV", "TOAN", "DD", "TNXH", "NT"), strict=True)
    )
    await session.commit()


async def test_the_anomaly_report_names_a_teacher_with_five_corrections_in_a_month(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    principal = await linked_person(make_person, *PRINCIPAL)
    vice = await linked_person(make_person, *VICE_PRINCIPAL)
    parent = await linked_person(make_person, *MOTHER)
    seen_by_parent = len(await parent.messages())
    await five_requests(session, lists)
    services = running_bot.bot_data["services"]
    clock = Clock(FIRST_SCHOOL_DAY.astimezone(UTC))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )

    assert await send_monthly_report(services.sessions, lists.id, clock.now)
    await drain(dispatcher, clock)
    for leader in (principal, vice):
        report = await leader.next_message(timeout=10, new_only=True)
        assert TEACHER_1A[0] in report["text"] and "11/2026" in report["text"]
        line = next(row for row in report["text"].splitlines() if TEACHER_1A[0] in row)
        assert "5" in line and "1A" in line

    seen_by_principal = len(await principal.messages())

    # The next school day finds November's report sent and sends nothing more.
    clock.now += timedelta(days=1)
    assert not await send_monthly_report(services.sessions, lists.id, clock.now)
    await drain(dispatcher, clock)
    assert await dispatcher.tick() == 0
    await session.commit()
    notices = select(func.count()).where(Notice.school_id == lists.id, Notice.kind == "anomalies")
    assert await session.scalar(notices) == 1
    await asyncio.sleep(0.3)
    assert len(await parent.messages()) == seen_by_parent
    assert len(await principal.messages()) == seen_by_principal
