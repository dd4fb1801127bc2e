"""The weekly schedule's work: Thursday's reminder, Friday's notice, Saturday's summary.

Each job runs once per school in the leading process (bot/core/schedules.py) and only
in a teaching week of the school's calendar. Messages to staff go through the outbox too.
"""

from __future__ import annotations

import html
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.core.i18n import translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.calendar.queries import TeachingWeek, load_calendar
from bot.features.weekly.notices import KIND, ClassSent, gather, send_week
from bot.features.weekly.rules import SCHOOL
from storage.models import (
    ClassWeek,
    CommentKind,
    Delivery,
    DeliveryState,
    Notice,
    Role,
    School,
    Student,
    WeeklyComment,
)

log = logging.getLogger(__name__)


def register() -> None:
    """Tell the scheduler what the weekly kinds do."""
    schedules.register("weekly_reminder", schedules.job(remind_due))
    schedules.register("weekly_notice", schedules.job(send_due))
    schedules.register("weekly_summary", schedules.job(summarise_due))


async def this_week(session: AsyncSession, school_id: int, now: datetime) -> TeachingWeek | None:
    """The teaching week of `now` in the school's time zone, or None (a break, the summer)."""
    school = await session.get(School, school_id)
    assert school is not None
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    return (await load_calendar(session, school, today)).week_of(today)


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
        week = await this_week(session, school_id, now)
        if week is None:
            log.info("school %s: no teaching week, no weekly notice", school_id)
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
            missing = [p.name for p in batch.pupils if not p.homeroom]
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


async def class_figures(
    session: AsyncSession, school_id: int, week_start: date
) -> dict[int, tuple[int, int, int, int]]:
    """Per class: (pupils, comments written, notices delivered, notices read)."""
    pupils = dict(
        (
            await session.execute(
                select(Student.class_id, func.count())
                .where(Student.school_id == school_id)
                .group_by(Student.class_id)
            )
        ).all()
    )
    written = dict(
        (
            await session.execute(
                select(Student.class_id, func.count())
                .join(WeeklyComment, WeeklyComment.student_id == Student.id)
                .where(
                    WeeklyComment.school_id == school_id,
                    WeeklyComment.week_start == week_start,
                    WeeklyComment.kind == CommentKind.HOMEROOM,
                )
                .group_by(Student.class_id)
            )
        ).all()
    )
    sent: dict[int, tuple[int, int]] = {}
    rows = await session.execute(
        select(Notice.ref, func.count(), func.count(Delivery.read_at))
        .join(Delivery, Delivery.notice_id == Notice.id)
        .where(
            Notice.school_id == school_id,
            Notice.ref.like(f"{KIND}:{week_start.isoformat()}:%"),
            Delivery.state == DeliveryState.SENT,
        )
        .group_by(Notice.ref)
    )
    for ref, delivered, read in rows:
        class_id = int(str(ref).split(":")[2])
        before = sent.get(class_id, (0, 0))
        sent[class_id] = (before[0] + delivered, before[1] + read)
    return {
        class_id: (count, written.get(class_id, 0), *sent.get(class_id, (0, 0)))
        for class_id, count in pupils.items()
    }


async def summarise_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> None:
    """Saturday: the principal and vice principal get one summary per class of the week."""
    _ = translator("vi")
    async with sessions() as session, session.begin():
        week = await this_week(session, school_id, now)
        if week is None:
            return
        figures = await class_figures(session, school_id, week.start)
        names = {b.class_id: b.class_name for b in await gather(session, school_id, week)}
        lines = [
            "<b>"
            + _("Weekly contact book, week {number}: summary per class").format(number=week.number)
            + "</b>"
        ]
        for class_id, name in sorted(names.items(), key=lambda item: item[1]):
            pupils, written, delivered, read = figures.get(class_id, (0, 0, 0, 0))
            lines.append(
                _(
                    "{class_name}: comments {written}/{pupils}, delivered {delivered}, read {read}"
                ).format(
                    class_name=html.escape(name),
                    written=written,
                    pupils=pupils,
                    delivered=delivered,
                    read=read,
                )
            )
        await enqueue_notice(
            session,
            school_id,
            Audience.staff(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
            "weekly_summary",
            "\n".join(lines),
            requires_ack=False,
            now=now,
        )
