"""Schedules stored per school, run by PTB's JobQueue (APScheduler) in the school's time zone.

Features register what a kind of schedule does (`register("weekly_notice", callback)`); the
`schedules` table says when, per school. `rebuild()` (at start, and after a change) replaces
the jobs, named `schedule:<school id>:<kind>`. Where several processes share PostgreSQL, a job
runs only in the process that leads the bot's sending (bot/delivery/leader.py), so it
fires once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Job

from bot.core.context import BotApplication, BotContext, Services
from storage.models import Schedule, School

log = logging.getLogger(__name__)

PREFIX = "schedule:"
ScheduledWork = Callable[[BotContext, int], Awaitable[None]]  # (context, school id)
_registry: dict[str, ScheduledWork] = {}
SCHOOL_DAYS = 0  # a `weekday` of 0 runs the job every Monday to Friday
# Every school starts with these (kind: ISO weekday, time); the administrator changes them.
DEFAULTS = {
    "correction_anomalies": (SCHOOL_DAYS, "07:15"),  # the first school day of a month
    "correction_reminder": (SCHOOL_DAYS, "07:45"),  # correction requests still waiting
    "feedback_reminder": (SCHOOL_DAYS, "07:30"),  # feedback unanswered for 2 working days
    "leave_reminder": (SCHOOL_DAYS, "07:35"),  # leave requests unanswered for 2 working days
    "link_request_reminder": (SCHOOL_DAYS, "07:40"),  # link requests open for 2 working days
    "weekly_reminder": (4, "16:30"),  # Thursday: comments still missing
    "weekly_notice": (5, "16:30"),  # Friday: the weekly notice to every family
    "weekly_summary": (6, "09:00"),  # Saturday: the leaders' summary per class
}


def register(kind: str, work: ScheduledWork) -> None:
    """Say what a kind of schedule does; features call this at import time."""
    _registry[kind] = work


def registered() -> dict[str, ScheduledWork]:
    """The kinds known to this process."""
    return dict(_registry)


@dataclass(frozen=True, slots=True)
class Planned:
    """A job as planned from the table: for the log and the tests."""

    name: str
    school_id: int
    kind: str
    weekday: int
    at: time


def job_name(school_id: int, kind: str) -> str:
    """The structured job name: schedule:<school id>:<kind>."""
    return f"{PREFIX}{school_id}:{kind}"


def ptb_day(iso_weekday: int) -> int:
    """PTB counts 0 = Sunday .. 6 = Saturday; ISO (and Vietnamese "Thứ") 1 = Monday .. 7."""
    return iso_weekday % 7


Work = Callable[[async_sessionmaker[AsyncSession], int, datetime], Awaitable[object]]


def job(work: Work) -> ScheduledWork:
    """A scheduled job that does `work` for a school at this moment, then wakes the sender.

    Features write `work(sessions, school_id, now)`, so that tests run it at a moment of their
    choosing; the job gives it the bot's clock (`Services.clock`).
    """

    async def run(context: BotContext, school_id: int) -> None:
        await work(context.db, school_id, context.now())
        dispatcher = context.services.dispatcher
        if dispatcher is not None:
            dispatcher.wake()

    return run


async def ensure_defaults(session: AsyncSession, school_id: int) -> None:
    """Give the school the default schedules it does not have yet."""
    have = set(await session.scalars(select(Schedule.kind).where(Schedule.school_id == school_id)))
    session.add_all(
        Schedule(school_id=school_id, kind=kind, weekday=day, at=at, enabled=True)
        for kind, (day, at) in DEFAULTS.items()
        if kind not in have
    )
    await session.flush()


async def rebuild(application: BotApplication) -> list[Planned]:
    """Replace the scheduled jobs with those of the `schedules` table for the bot's school
    (another school's schedules run in that school's own bot, whichever process runs it)."""
    services: Services = application.bot_data["services"]
    queue = application.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    for job in queue.jobs():
        if job.name and job.name.startswith(PREFIX):
            job.schedule_removal()
    async with services.sessions() as session:
        rows = (
            await session.execute(
                select(Schedule, School.timezone)
                .join(School, School.id == Schedule.school_id)
                .where(Schedule.enabled, Schedule.school_id == services.school_id)
                .order_by(Schedule.school_id, Schedule.kind)
            )
        ).all()
    planned = []
    for schedule, zone in rows:
        if schedule.kind not in _registry:
            log.warning("no work is registered for schedules of kind %r", schedule.kind)
            continue
        hour, minute = (int(part) for part in schedule.at.split(":"))
        at = time(hour, minute, tzinfo=ZoneInfo(zone))
        name = job_name(schedule.school_id, schedule.kind)
        days = (1, 2, 3, 4, 5) if schedule.weekday == SCHOOL_DAYS else (schedule.weekday,)
        queue.run_daily(
            run_scheduled,
            time=at,
            days=tuple(ptb_day(day) for day in days),
            name=name,
            data=(schedule.school_id, schedule.kind),
        )
        planned.append(Planned(name, schedule.school_id, schedule.kind, schedule.weekday, at))
    return planned


async def run_scheduled(context: BotContext) -> None:
    """Run one scheduled job, only in the process that leads (it fires once)."""
    job: Job[BotContext] | None = context.job
    assert job is not None
    data = job.data
    assert isinstance(data, tuple)
    school_id, kind = int(data[0]), str(data[1])
    dispatcher = context.services.dispatcher
    if dispatcher is not None and dispatcher.leadership is not None:
        if not await dispatcher.leadership.check():
            log.info("%s: another process leads; skipped here", job.name)
            return
    elif dispatcher is None:
        log.info("%s: this process does not send; skipped", job.name)
        return
    await _registry[kind](context, school_id)
