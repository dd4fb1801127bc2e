"""The family's contact book on the web, read for one of the person's own children.

Every read takes the actor and answers only about the actor's own children (a pupil id from a
URL or a form grants nothing); the notices are those the bot delivered to this very account,
so the page shows what the chat showed, in the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import Translator
from bot.features.assessment import parent_view
from bot.features.assessment import queries as assessment
from bot.features.feedback.rules import pupil_of_ref
from bot.features.health import queries as health
from bot.features.weekly.notices import KIND as WEEKLY
from storage.models import Absence, DayPart, Delivery, HealthCheck, Notice
from storage.queries import students_with_ids

SCHOOL_KINDS = ("urgent", "notice")  # the school's messages to families (bot/features/urgent)
WEEKS_SHOWN = 12
MESSAGES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Child:
    """One of the person's children, as the switcher shows them."""

    student_id: int
    name: str
    class_name: str


@dataclass(frozen=True, slots=True)
class Delivered:
    """A notice as this account received it: its text in the person's language, its receipt."""

    delivery_id: int
    text: str  # Telegram HTML, made by the bot
    week: date | None
    due_at: datetime
    read_at: datetime | None
    requires_ack: bool
    urgent: bool


@dataclass(frozen=True, slots=True)
class Missed:
    """A session the child missed."""

    day: date
    part: DayPart
    excused: bool


async def children(session: AsyncSession, actor: Actor) -> list[Child]:
    """The person's own children, in class-list order."""
    rows = await students_with_ids(session, actor.children)
    return [Child(student_id, name, klass) for student_id, name, klass in rows]


def _delivered(delivery: Delivery, notice: Notice, language: str) -> Delivered:
    text = notice.translations.get(language) if language != "vi" else None
    parts = (notice.ref or "").split(":")
    week = date.fromisoformat(parts[1]) if notice.kind == WEEKLY and len(parts) == 4 else None
    return Delivered(
        delivery.id,
        str(text or notice.text),
        week,
        delivery.due_at,
        delivery.read_at,
        notice.requires_ack,
        notice.urgent,
    )


async def weekly_notices(
    session: AsyncSession, actor: Actor, student_id: int, now: datetime, language: str
) -> list[Delivered]:
    """The child's weekly notices this account received, newest week first."""
    if student_id not in actor.children:
        return []
    rows = await session.execute(
        select(Delivery, Notice)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(
            Delivery.account_id == actor.account.id,
            Delivery.due_at <= now,
            Notice.kind == WEEKLY,
            Notice.ref.like(f"{WEEKLY}:%:{student_id}"),
        )
        .order_by(Notice.ref.desc())
        .limit(WEEKS_SHOWN)
    )
    return [
        _delivered(delivery, notice, language)
        for delivery, notice in rows
        if pupil_of_ref(notice.ref) == student_id
    ]


async def school_messages(
    session: AsyncSession, actor: Actor, now: datetime, language: str
) -> list[Delivered]:
    """The school's messages to families this account received, newest first."""
    if not actor.children:
        return []
    rows = await session.execute(
        select(Delivery, Notice)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(
            Delivery.account_id == actor.account.id,
            Delivery.due_at <= now,
            Notice.kind.in_(SCHOOL_KINDS),
        )
        .order_by(Delivery.due_at.desc(), Delivery.id.desc())
        .limit(MESSAGES_SHOWN)
    )
    return [_delivered(delivery, notice, language) for delivery, notice in rows]


async def absences(
    session: AsyncSession, actor: Actor, student_id: int, since: date
) -> list[Missed]:
    """The sessions the child missed since a day (the school year's start), newest first."""
    if student_id not in actor.children:
        return []
    rows = await session.execute(
        select(Absence.day, Absence.part, Absence.excused)
        .where(Absence.student_id == student_id, Absence.day >= since)
        .order_by(Absence.day.desc(), Absence.part)
    )
    return [Missed(day, part, excused) for day, part, excused in rows]


async def health_checks(
    session: AsyncSession, actor: Actor, student_id: int
) -> list[tuple[HealthCheck, str, str]]:
    """The child's health checks, newest first, each re-checked by the health feature's rule."""
    if student_id not in actor.children:
        return []
    ids = await session.scalars(
        select(HealthCheck.id)
        .where(HealthCheck.student_id == student_id, HealthCheck.school_id == actor.school_id)
        .order_by(HealthCheck.measured_on.desc())
        .limit(6)
    )
    shown = [await health.check_for(session, actor, check_id) for check_id in ids]
    return [found for found in shown if found is not None]


async def published_results(
    session: AsyncSession, actor: Actor, student_id: int, today: date, _: Translator
) -> list[tuple[str, str]]:
    """The child's results of each published period of this school year, newest first:
    (the period's name, the text /ketqua shows), only to the child's guardians."""
    found = await assessment.child_of(session, actor, student_id)
    if found is None or student_id not in actor.children:
        return []
    student, klass = found
    year = assessment.school_year_of(today)
    shown = []
    for period in reversed(await assessment.published(session, actor.school_id, year)):
        results = await assessment.pupil_results(session, student_id, year, period)
        values = {item: row.value for item, row in results.items()}
        text = parent_view.results_text(_, student, klass, year, period, values)
        shown.append((assessment.period_name(period, _), text))
    return shown
