"""A worker that dies before Friday 16:30: the other runs the school's schedule and sends.

Two sending processes of one school's bot (as two district workers) on PostgreSQL: the one that
leads dies (its database connection, and so its advisory lock, gone without a release) a minute
before the Friday notice. At 16:30 on the bots' clock the survivor's JobQueue fires the weekly
job, the survivor takes the lead, and its sender delivers the week to the family, once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_application, shutdown, startup
from bot.core import schedules
from bot.core.context import BotApplication, Services
from bot.core.settings import load_settings
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import (
    ClassWeek,
    CommentKind,
    Delivery,
    DeliveryState,
    Notice,
    School,
    WeeklyComment,
)
from tests.e2e.conftest import MOTHER, BotClock, linked_person, vn
from tests.e2e.test_school_days import WEEK_13, notices, school_days, student

__all__ = ["school_days"]  # the fixture, used by name


async def sending_worker(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, database_url: str, school: School
) -> BotApplication:
    """Another process of the same bot that sends and runs schedules (no updates: the test's
    running bot takes those)."""
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        send_outbox=True,
    )
    application = build_application(settings)
    await startup(application)
    return application


def services_of(application: BotApplication) -> Services:
    services = application.bot_data["services"]
    assert isinstance(services, Services)
    return services


async def test_a_dead_leaders_friday_notice_is_sent_by_the_other_worker_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    database_url: str,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    school = school_days
    mother = await linked_person(make_person, *MOTHER)
    dang = await student(session, school, "Hoàng Anh Đăng")
    session.add(
        WeeklyComment(
            school_id=school.id,
            student_id=dang,
            week_start=WEEK_13.start,
            kind=CommentKind.HOMEROOM,
            text="Con ngoan.",
        )
    )
    await session.commit()
    dead = await sending_worker(sandbox, sandbox_bot, database_url, school)
    survivor: BotApplication | None = None
    try:
        leading = services_of(dead).dispatcher
        assert leading is not None and leading.leadership is not None
        if not leading.leadership.shared:
            pytest.skip("SQLite: one process sends, there is no other worker to take over")
        assert await leading.leadership.check()  # the first worker up leads the bot
        survivor = await sending_worker(sandbox, sandbox_bot, database_url, school)
        waiting = services_of(survivor).dispatcher
        assert waiting is not None and waiting.leadership is not None
        assert not await waiting.leadership.check()  # and the other waits
        clock = BotClock(survivor, vn(2026, 12, 4, 16, 29))
        await schedules.rebuild(survivor)  # planned on its clock: the next Friday 16:30

        # 16:29 on Friday: the leader dies. Its connection goes without a release (as with
        # SIGKILL), and the process no longer runs anything.
        held = leading.leadership.holder
        assert held.connection is not None
        await held.connection.invalidate()
        held.connection = None
        await shutdown(dead)

        assert await clock.run_until(vn(2026, 12, 4, 16, 29) + timedelta(seconds=59)) == 0
        assert await clock.run_until(vn(2026, 12, 4, 16, 31)) >= 1  # 16:30: the weekly job
        notice = await mother.next_message(timeout=10)
        assert "Sổ liên lạc tuần 13" in notice["text"] and "Con ngoan." in notice["text"]

        weeks = await session.scalars(
            select(ClassWeek.sent_at).where(
                ClassWeek.school_id == school.id, ClassWeek.week_start == WEEK_13.start
            )
        )
        assert set(weeks) == {vn(2026, 12, 4, 16, 30)}  # sent by the survivor's schedule
        for _ in range(100):  # every delivery settled, none left to the dead worker
            await session.commit()
            states = dict(
                (
                    await session.execute(
                        select(Delivery.state, func.count())
                        .join(Notice, Notice.id == Delivery.notice_id)
                        .where(Notice.school_id == school.id, Notice.kind == "weekly")
                        .group_by(Delivery.state)
                    )
                ).all()
            )
            if set(states) == {DeliveryState.SENT}:
                break
            await asyncio.sleep(0.05)
        assert set(states) == {DeliveryState.SENT} and await notices(session, school, "weekly")
        texts = [m["text"] for m in await mother.messages() if m["from_bot"]]
        assert sum("Sổ liên lạc tuần 13" in text for text in texts) == 1  # once
    finally:
        if survivor is not None:
            await shutdown(survivor)
        if services_of(dead).dispatcher_task is not None:
            await shutdown(dead)
