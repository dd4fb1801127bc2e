"""Feedback waiting for the school: the open items, those overdue (reminded each working
morning, listed for the leaders by /gopy_bgh), those in a person's inbox, and the counts per
class and topic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.queries import Calendar, load_calendar
from bot.features.feedback.rules import ANSWER_WITHIN, About, add_working_days, may_answer
from storage.models import (
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    School,
    SchoolClass,
    Student,
)
from storage.queries import told_apart_in_class


@dataclass(frozen=True, slots=True)
class Waiting:
    """An open item, since when it waits for the school, and the parent's last message."""

    item: Feedback
    since: datetime
    last: FeedbackMessage
    about: About


async def unanswered(session: AsyncSession, school_id: int) -> list[Waiting]:
    """Every open item of the school, oldest first."""
    return await _latest(session, school_id, (FeedbackState.OPEN,))


async def in_inbox(session: AsyncSession, actor: Actor) -> list[Waiting]:
    """The items this person answers that are not marked handled yet, oldest first."""
    states = (FeedbackState.OPEN, FeedbackState.ANSWERED)
    found = await _latest(session, actor.school_id, states)
    return [waiting for waiting in found if may_answer(actor, waiting.item)]


async def _latest(
    session: AsyncSession, school_id: int, states: tuple[FeedbackState, ...]
) -> list[Waiting]:
    """Items in these states, each with the parent's last message, oldest first."""
    rows = await session.execute(
        select(Feedback, FeedbackMessage, Student.full_name, SchoolClass.name)
        .join(FeedbackMessage, FeedbackMessage.feedback_id == Feedback.id)
        .join(Student, Student.id == Feedback.student_id)
        .join(SchoolClass, SchoolClass.id == Feedback.class_id)
        .where(
            Feedback.school_id == school_id,
            Feedback.state.in_(states),
            FeedbackMessage.from_parent,
        )
        .order_by(Feedback.id, FeedbackMessage.id)
    )
    found = rows.all()
    labels = await told_apart_in_class(session, {row[0].student_id for row in found})
    last: dict[int, Waiting] = {}
    for item, message, student, klass in found:
        since = max(message.created_at, item.deliver_at or message.created_at)
        about = About(student, klass, labels.get(item.student_id, ""))
        last[item.id] = Waiting(item, since, message, about)
    return list(last.values())


async def overdue(
    session: AsyncSession, school_id: int, now: datetime, zone: ZoneInfo, calendar: Calendar
) -> list[Waiting]:
    """Open items unanswered for ANSWER_WITHIN working days (or already reminded)."""
    return [
        waiting
        for waiting in await unanswered(session, school_id)
        if waiting.item.reminded_at is not None
        or add_working_days(waiting.since, ANSWER_WITHIN, zone, calendar) <= now
    ]


async def school_zone(session: AsyncSession, school_id: int) -> ZoneInfo:
    """The school's time zone."""
    school = await session.get(School, school_id)
    assert school is not None
    return ZoneInfo(school.timezone)


async def school_overdue(session: AsyncSession, school_id: int, now: datetime) -> list[Waiting]:
    """`overdue` in the school's own time zone and calendar."""
    school = await session.get(School, school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone)
    calendar = await load_calendar(session, school, now.astimezone(zone).date())
    return await overdue(session, school_id, now, zone, calendar)


async def counts(session: AsyncSession, school_id: int) -> dict[str, Counter[FeedbackTopic]]:
    """Items per class name and topic."""
    found: dict[str, Counter[FeedbackTopic]] = {}
    for klass, topic in await session.execute(
        select(SchoolClass.name, Feedback.topic)
        .join(SchoolClass, SchoolClass.id == Feedback.class_id)
        .where(Feedback.school_id == school_id)
    ):
        found.setdefault(klass, Counter())[topic] += 1
    return dict(sorted(found.items()))


async def state_counts(session: AsyncSession, school_id: int) -> dict[str, Counter[FeedbackState]]:
    """Items per class name and state (open, answered, closed)."""
    found: dict[str, Counter[FeedbackState]] = {}
    for klass, state in await session.execute(
        select(SchoolClass.name, Feedback.state)
        .join(SchoolClass, SchoolClass.id == Feedback.class_id)
        .where(Feedback.school_id == school_id)
    ):
        found.setdefault(klass, Counter())[state] += 1
    return found
