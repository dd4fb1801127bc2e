"""The nurse's weekly health note through the sandbox: the weekly notice only says there is one,
its button shows it to the child's guardians, and nobody else."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.weekly.jobs import send_due
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CommentKind, School, WeeklyComment
from tests.e2e.test_health import button, children_in, everything_new, last_alert
from tests.e2e.test_notifications import Clock, drain, parents_of
from tests.e2e.test_weekly import (
    ZONE,
    class_pupils,
    school_year,  # noqa: F401  (a fixture)
    working_week,
)

NOTE = "Con bị viêm họng <nhẹ> & sốt 38 độ ngày thứ Ba; gia đình cho con uống đủ nước."


async def test_the_weekly_notice_keeps_the_nurses_note_behind_a_button(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    school = school_year
    school_id = school.id
    week = working_week()
    (parent,) = await parents_of(session, school, make_person, "1A", 1)
    (stranger,) = await parents_of(session, school, make_person, "5C", 1)
    names = dict(await class_pupils(session, school, "1A"))
    child = sorted(await children_in(session, school, parent, "1A"))[0]
    child_id = next(i for i, n in names.items() if n == child)
    for kind, text in ((CommentKind.HOMEROOM, "Con chăm ngoan."), (CommentKind.HEALTH, NOTE)):
        session.add(
            WeeklyComment(
                school_id=school_id,
                student_id=child_id,
                week_start=week.start,
                kind=kind,
                text=text,
            )
        )
    await session.commit()
    note_id = await session.scalar(
        select(WeeklyComment.id).where(
            WeeklyComment.school_id == school_id,
            WeeklyComment.student_id == child_id,
            WeeklyComment.kind == CommentKind.HEALTH,
        )
    )

    friday = datetime.combine(week.end, time(16, 30), tzinfo=ZONE).astimezone(UTC)
    services = running_bot.bot_data["services"]
    await send_due(services.sessions, school_id, friday)
    clock = Clock(friday + timedelta(minutes=1))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )
    await drain(dispatcher, clock)
    (notice,) = [
        m for m in await everything_new(parent) if child in m["text"] and "Sổ liên lạc" in m["text"]
    ]
    assert "Con chăm ngoan." in notice["text"]
    assert "viêm họng" not in notice["text"] and "Sức khỏe" in notice["text"]
    assert button(notice, "v1:hlth:wn:") == f"v1:hlth:wn:{note_id}"

    await parent.press(data=f"v1:hlth:wn:{note_id}", message_id=notice["message_id"])
    shown = await parent.next_message(timeout=10, new_only=True)
    assert NOTE in shown["text"] and child in shown["text"]

    await stranger.press(data=f"v1:hlth:wn:{note_id}", forged=True)
    assert "không dành cho" in await last_alert(sandbox, stranger)
    assert await everything_new(stranger) == []
