"""A period's deadline for correction requests and its publication to parents.

The last day for correction requests of a period is a school setting; by default it is one week
before the end-of-term test that follows the period (see `default_deadline`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Calendar
from storage.models import AssessmentPeriod
from storage.queries import audit


def test_week(calendar: Calendar, period: Period) -> int:
    """The teaching week of a period's test by default: mid-term and the week before term ends."""
    first, second = calendar.term1_weeks, calendar.term2_weeks
    return {
        Period.GK1: (first + 1) // 2,
        Period.CK1: first - 1,
        Period.GK2: first + (second + 1) // 2,
        Period.CN: first + second - 1,
    }[period]


def test_day(calendar: Calendar, period: Period) -> date:
    """The Friday of the period's test week (the school can set the deadline itself)."""
    weeks = calendar.weeks()
    number = min(max(test_week(calendar, period), 1), len(weeks))
    return weeks[number - 1].end


def default_deadline(calendar: Calendar, period: Period) -> date:
    """One week before the end-of-term test that follows the period (the schools' rule).

    GK1 closes a week before the CK1 test; CK1 and GK2 a week before the end-of-year test; CN,
    whose test is the last, at the year's last teaching day.
    """
    if period is Period.GK1:
        return test_day(calendar, Period.CK1) - timedelta(days=7)
    if period in (Period.CK1, Period.GK2):
        return test_day(calendar, Period.CN) - timedelta(days=7)
    return calendar.weeks()[-1].end


async def period_row(
    session: AsyncSession, school_id: int, school_year: str, period: Period
) -> AssessmentPeriod:
    """The period's row, created on first use."""
    row = await session.scalar(
        select(AssessmentPeriod).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.period == period.value,
        )
    )
    if row is None:
        row = AssessmentPeriod(school_id=school_id, school_year=school_year, period=period.value)
        session.add(row)
        await session.flush()
    return row


async def deadline(
    session: AsyncSession, school_id: int, school_year: str, period: Period, calendar: Calendar
) -> date:
    """The last day for correction requests of a period: the school's setting or the default."""
    row = await session.scalar(
        select(AssessmentPeriod.deadline).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.period == period.value,
        )
    )
    return row if row is not None else default_deadline(calendar, period)


async def set_deadline(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    day: date | None,
    actor: str,
) -> None:
    """Set (or, with None, reset to the default) the last day for a period's requests."""
    row = await period_row(session, school_id, school_year, period)
    before = row.deadline
    row.deadline = day
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.deadline",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}",
        before={"deadline": _iso(before)},
        after={"deadline": _iso(day)},
    )
    await session.flush()


async def publish(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    by: int | None,
    actor: str,
    now: datetime,
) -> bool:
    """Let parents see the period's results; False when it was already published."""
    row = await period_row(session, school_id, school_year, period)
    if row.published_at is not None:
        return False
    row.published_at = now
    row.published_by = by
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.publish",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}",
    )
    await session.flush()
    return True


async def published(session: AsyncSession, school_id: int, school_year: str) -> list[Period]:
    """The periods parents may see, in the year's order."""
    rows = await session.scalars(
        select(AssessmentPeriod.period).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.published_at.is_not(None),
        )
    )
    done = set(rows)
    return [period for period in Period if period.value in done]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
