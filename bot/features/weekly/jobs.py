"""The weekly schedule's work: Thursday's reminder, Friday's notice, Saturday's summary (its
text, then the week's charts as photos: bot/features/weekly/pictures.py).

Each job runs once per school in the leading process (bot/core/schedules.py) and only
in a teaching week of the school's calendar. Messages to staff go through the outbox too.
"""

from __future__ import annotations

import html
import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.core.i18n import Translator, translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.calendar.queries import Calendar, TeachingWeek, load_calendar
from bot.features.weekly import pictures
from bot.features.weekly.figures import class_figures
from bot.features.weekly.notice_text import ClassBatch
from bot.features.weekly.notices import ClassSent, gather, send_week
from bot.features.weekly.rules import SCHOOL, notice_moment
from storage.models import (
    ClassWeek,
    Role,
    Schedule,
    School,
)

log = logging.getLogger(__name__)
NOTICE_KIND = "weekly_notice"


def register() -> None:
    """Tell the scheduler what the weekly kinds do."""
    schedules.register("weekly_reminder", schedules.job(remind_due))
    schedules.register(NOTICE_KIND, schedules.job(send_due))
    schedules.register("weekly_summary", schedules.job(summarise_due))
    pictures.register()


async def this_week(session: AsyncSession, school_id: int, now: datetime) -> TeachingWeek | None:
    """The week a scheduled job of `now` is about: the week being written (the calendar's rule),
    when today is one of its days; None in a break or the summer, so nothing repeats there."""
    calendar, local = await _calendar(session, school_id, now)
    return _scheduled_week(calendar, local.date())


def _scheduled_week(calendar: Calendar, today: date) -> TeachingWeek | None:
    week = calendar.writing_week(today)
    return week if week is not None and calendar.week_of(today) == week else None


async def _calendar(
    session: AsyncSession, school_id: int, now: datetime
) -> tuple[Calendar, datetime]:
    """The school's calendar and `now` on the school's clock."""
    school = await session.get(School, school_id)
    assert school is not None
    local = now.astimezone(ZoneInfo(school.timezone))
    return await load_calendar(session, school, local.date()), local


async def notice_due(session: AsyncSession, school_id: int, now: datetime) -> TeachingWeek | None:
    """The week whose notice the schedule sends at `now`: none before the schedule's moment of
    the week (Friday 16:30 by default), in the school's time zone."""
    calendar, local = await _calendar(session, school_id, now)
    week = _scheduled_week(calendar, local.date())
    if week is None:
        return None
    row = await session.scalar(
        select(Schedule).where(Schedule.school_id == school_id, Schedule.kind == NOTICE_KIND)
    )
    weekday, at = (row.weekday, row.at) if row is not None else schedules.DEFAULTS[NOTICE_KIND]
    day, moment = notice_moment(calendar, week, weekday, time.fromisoformat(at))
    if (local.date(), local.time()) < (day, moment):
        log.info("school %s: the notice of week %s goes at %s %s", school_id, week.number, day, at)
        return None
    return week


def teacher_summary(result: ClassSent, week: TeachingWeek) -> str:
    """What the homeroom teacher is told once the class's notices are queued (in Vietnamese)."""
    _ = translator("vi")
    lines = [
        _(
            "The contact book of week {number} for class {class_name} is being sent: "
            "{notices} pupils, {deliveries} parents."
        ).format(
            number=week.number,
            class_name=html.escape(result.class_name),
            notices=result.notices,
            deliveries=result.deliveries,
        )
    ]
    if result.held:
        lines.append(
            _("Held back (no comment yet): {names}.").format(
                names=html.escape(", ".join(result.held))
            )
        )
    if result.not_linked:
        lines.append(
            _("No parent linked yet (please call the family): {names}.").format(
                names=html.escape(", ".join(result.not_linked))
            )
        )
    return "\n".join(lines)


async def tell_teachers(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    results: list[ClassSent],
    now: datetime,
) -> None:
    """Queue each homeroom teacher's summary of what went out for their class."""
    for result in results:
        if result.already_sent or result.teacher_staff_id is None:
            continue
        await enqueue_notice(
            session,
            school_id,
            Audience.staff_members(result.teacher_staff_id),
            "weekly_teacher",
            teacher_summary(result, week),
            requires_ack=False,
            now=now,
        )


async def send_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> list[ClassSent]:
    """Friday: queue every class's weekly notices not sent yet, and tell the teachers."""
    async with sessions() as session, session.begin():
        week = await notice_due(session, school_id, now)
        if week is None:
            log.info("school %s: no weekly notice due", school_id)
            return []
        results = await send_week(session, school_id, week, SCHOOL, now=now)
        await tell_teachers(session, school_id, week, results, now)
    return results


async def remind_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> None:
    """The day before: tell each homeroom teacher whose class still misses comments."""
    _ = translator("vi")
    async with sessions() as session, session.begin():
        week = await this_week(session, school_id, now)
        if week is None:
            return
        for batch in await gather(session, school_id, week):
            missing = [p.label or p.name for p in batch.pupils if not p.homeroom]
            if batch.sent or not missing or batch.teacher_staff_id is None:
                continue
            text = _(
                "Reminder: class {class_name} still has {missing} of {total} pupils without a "
                "comment for week {number}: {names}. The contact book goes out tomorrow; send "
                "/nhanxet to write them."
            ).format(
                class_name=html.escape(batch.class_name),
                missing=len(missing),
                total=len(batch.pupils),
                number=week.number,
                names=html.escape(", ".join(missing)),
            )
            await enqueue_notice(
                session,
                school_id,
                Audience.staff_members(batch.teacher_staff_id),
                "weekly_reminder",
                text,
                requires_ack=False,
                now=now,
            )
        await session.execute(
            update(ClassWeek)
            .where(ClassWeek.school_id == school_id, ClassWeek.week_start == week.start)
            .values(reminded_at=now)
        )


async def summarise_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> None:
    """Saturday: the principal and vice principal get one summary per class of the week, with
    the pupils absent by name, then the week's charts as photos."""
    _ = translator("vi")
    async with sessions() as session, session.begin():
        week = await this_week(session, school_id, now)
        if week is None:
            return
        figures = await class_figures(session, school_id, week.start)
        lines = [
            "<b>"
            + _("Weekly contact book, week {number}: summary per class").format(number=week.number)
            + "</b>"
        ]
        for batch in await gather(session, school_id, week):
            lines += class_summary(batch, figures.get(batch.class_id, (0, 0, 0, 0)), _)
        await enqueue_notice(
            session,
            school_id,
            Audience.staff(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
            "weekly_summary",
            "\n".join(lines),
            requires_ack=False,
            now=now,
        )
        await pictures.queue_charts(session, school_id, week, now)


def class_summary(
    batch: ClassBatch, figures: tuple[int, int, int, int], _: Translator
) -> list[str]:
    """A class's lines of the leaders' summary: the figures, then who was absent (HTML)."""
    pupils, written, delivered, read = figures
    lines = [
        _("{class_name}: comments {written}/{pupils}, delivered {delivered}, read {read}").format(
            class_name=html.escape(batch.class_name),
            written=written,
            pupils=pupils,
            delivered=delivered,
            read=read,
        )
    ]
    absent = [
        _.ngettext("{name} ({count} session)", "{name} ({count} sessions)", len(p.absences)).format(
            name=p.label or p.name, count=len(p.absences)
        )
        for p in batch.pupils
        if p.absences
    ]
    if absent:
        lines.append("  " + html.escape(_("Absent: {names}").format(names=", ".join(absent))))
    return lines
