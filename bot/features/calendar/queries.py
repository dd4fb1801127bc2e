"""The school calendar in the database: read, checked and changed (audited), per school.

The week arithmetic and the checks are in bot/features/calendar/rules.py, the wording in
texts.py; their names are importable from here too, as other features and the command line
use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.changes import BadChange, Change, breaks_after
from bot.features.calendar.rules import (
    BREAK_NAME_LIMIT,
    MAX_TERM_WEEKS,
    NATIONAL_OPENING,
    Break,
    Calendar,
    CalendarProblem,
    CalendarRefusal,
    Denied,
    TeachingWeek,
    calendar_problems,
    calendar_record,
    changed,
    check_calendar,
    may_change_calendar,
    may_read_calendar,
    new_problem,
    parse_day,
    school_year_start,
    week_label,
    year_end,
)
from bot.features.calendar.texts import describe_calendar, refusal_text
from storage.models import School, SchoolBreak
from storage.queries import audit

__all__ = [
    "BREAK_NAME_LIMIT",
    "MAX_TERM_WEEKS",
    "NATIONAL_OPENING",
    "Break",
    "Calendar",
    "CalendarProblem",
    "CalendarRefusal",
    "TeachingWeek",
    "calendar_problems",
    "calendar_record",
    "change_as",
    "change_calendar",
    "check_calendar",
    "describe_calendar",
    "load_calendar",
    "parse_day",
    "read_calendar",
    "refusal_text",
    "school_calendar",
    "school_year",
    "school_year_start",
    "set_calendar",
    "week_label",
    "year_end",
]


async def load_calendar(session: AsyncSession, school: School, today: date) -> Calendar:
    """The school's calendar; without a stored start, the national opening of this year."""
    breaks = await session.scalars(
        select(SchoolBreak).where(SchoolBreak.school_id == school.id).order_by(SchoolBreak.start)
    )
    return Calendar(
        school.year_start or school_year_start(today),
        school.term1_weeks,
        school.term2_weeks,
        tuple(Break(b.name, b.start, b.end) for b in breaks),
    )


async def school_calendar(session: AsyncSession, school_id: int, today: date) -> Calendar:
    """The calendar of a school, by its id."""
    school = await session.get(School, school_id)
    assert school is not None
    return await load_calendar(session, school, today)


async def school_year(session: AsyncSession, school_id: int, today: date) -> tuple[date, date]:
    """The first and last day of the school year `today` belongs to, by the school's calendar."""
    calendar = await school_calendar(session, school_id, today)
    return calendar.year_start, year_end(calendar)


async def read_calendar(session: AsyncSession, actor: Actor, today: date) -> Calendar | Denied:
    """The calendar of the actor's school, for its staff."""
    if not may_read_calendar(actor):
        return Denied.NOT_STAFF
    return await school_calendar(session, actor.school_id, today)


async def set_calendar(
    session: AsyncSession,
    school: School,
    *,
    year_start: date | None = None,
    term1_weeks: int | None = None,
    term2_weeks: int | None = None,
    breaks: Sequence[Break] | None = None,
) -> None:
    """Change the parts given; breaks, when given, replace the stored ones."""
    if year_start is not None:
        school.year_start = year_start
    if term1_weeks is not None:
        school.term1_weeks = term1_weeks
    if term2_weeks is not None:
        school.term2_weeks = term2_weeks
    if breaks is not None:
        for old in await session.scalars(
            select(SchoolBreak).where(SchoolBreak.school_id == school.id)
        ):
            await session.delete(old)
        session.add_all(
            SchoolBreak(school_id=school.id, name=b.name, start=b.start, end=b.end) for b in breaks
        )
    await session.flush()


async def change_calendar(
    session: AsyncSession,
    school: School,
    today: date,
    who: str,
    *,
    year_start: date | None = None,
    term1_weeks: int | None = None,
    term2_weeks: int | None = None,
    breaks: Sequence[Break] | None = None,
) -> CalendarRefusal | None:
    """Check and store a change to the school's calendar, audited; nothing is stored if refused."""
    before = await load_calendar(session, school, today)
    after = changed(
        before,
        year_start=year_start,
        term1_weeks=term1_weeks,
        term2_weeks=term2_weeks,
        breaks=breaks,
    )
    refusal = new_problem(before, after)
    unchanged = after == before and year_start in (None, school.year_start)
    if refusal is not None or unchanged:
        return refusal
    await set_calendar(
        session,
        school,
        year_start=year_start,
        term1_weeks=term1_weeks,
        term2_weeks=term2_weeks,
        breaks=after.breaks if breaks is not None else None,
    )
    audit(
        session,
        school_id=school.id,
        actor=who,
        action="calendar.changed",
        entity="school",
        entity_id=school.id,
        before=calendar_record(before),
        after=calendar_record(after),
    )
    return None


async def change_as(
    session: AsyncSession, actor: Actor, today: date, who: str, change: Change | BadChange
) -> Denied | BadChange | CalendarRefusal | None:
    """Make a change the administrator asked in chat; the first reason it is not made, if any."""
    if not may_change_calendar(actor):
        return Denied.NOT_ADMIN
    if isinstance(change, BadChange):
        return change
    school = await session.get(School, actor.school_id)
    assert school is not None
    breaks = breaks_after(await load_calendar(session, school, today), change)
    if isinstance(breaks, BadChange):
        return breaks
    return await change_calendar(
        session,
        school,
        today,
        who,
        year_start=change.year_start,
        term1_weeks=change.term1_weeks,
        term2_weeks=change.term2_weeks,
        breaks=breaks,
    )
