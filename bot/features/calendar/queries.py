"""The school calendar: teaching weeks numbered as teachers say them ("Tuần 12").

Week 1 is the Monday-to-Friday week of the school-year start (the next one when the year starts
on a weekend). A week that a break covers from Monday to Friday is not a teaching week and gets
no number; term I has `term1_weeks` teaching weeks (18 by default), term II `term2_weeks` (17).
Each Sở GD&ĐT sets its own dates (domain-vn.md section 3), so everything is per school.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.datefmt import everyday, short
from bot.core.i18n import Translator
from storage.models import School, SchoolBreak
from storage.queries import audit

NATIONAL_OPENING = (9, 5)  # khai giảng, 05/9, when a school has not set its own start


@dataclass(frozen=True, slots=True)
class Break:
    """A break (Tết, mid-term) from its first to its last day."""

    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class TeachingWeek:
    """A numbered teaching week: Monday to Friday, in term 1 or 2."""

    number: int
    term: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Calendar:
    """A school year's start, term lengths and breaks."""

    year_start: date
    term1_weeks: int = 18
    term2_weeks: int = 17
    breaks: tuple[Break, ...] = ()

    def weeks(self) -> list[TeachingWeek]:
        """Every teaching week of the year, in order."""
        monday = self.year_start - timedelta(days=self.year_start.weekday())
        if self.year_start.weekday() >= 5:
            monday += timedelta(days=7)
        weeks: list[TeachingWeek] = []
        total = self.term1_weeks + self.term2_weeks
        while len(weeks) < total:
            friday = monday + timedelta(days=4)
            if not any(b.start <= monday and friday <= b.end for b in self.breaks):
                number = len(weeks) + 1
                term = 1 if number <= self.term1_weeks else 2
                weeks.append(TeachingWeek(number, term, monday, friday))
            monday += timedelta(days=7)
        return weeks

    def week_of(self, day: date) -> TeachingWeek | None:
        """The teaching week a day falls in (Saturday and Sunday count with their week)."""
        monday = day - timedelta(days=day.weekday())
        return next((week for week in self.weeks() if week.start == monday), None)

    def working_week(self, day: date) -> TeachingWeek | None:
        """The week comments are written for: this week until Friday, then the next one."""
        return next((week for week in self.weeks() if week.end >= day), None)

    def break_on(self, day: date) -> Break | None:
        """The break a day falls in, if any."""
        return next((b for b in self.breaks if b.start <= day <= b.end), None)


def school_year_start(today: date) -> date:
    """The national opening day of the school year `today` belongs to (it turns in August)."""
    year = today.year if today.month >= 8 else today.year - 1
    return date(year, *NATIONAL_OPENING)


def week_label(week: TeachingWeek, _: Translator) -> str:
    """ "Tuần 12, 23/11–27/11" as teachers write it."""
    return _("Week {number}, {start}–{end}").format(
        number=week.number, start=week.start.strftime("%d/%m"), end=week.end.strftime("%d/%m")
    )


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


MAX_TERM_WEEKS = 25
BREAK_NAME_LIMIT = 60  # the column's width
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class CalendarProblem(enum.Enum):
    """Why a calendar cannot be kept."""

    TERM_WEEKS = "term_weeks"
    BREAK_NAME = "break_name"
    BREAK_ORDER = "break_order"
    BREAK_OUTSIDE = "break_outside"
    BREAK_OVERLAP = "break_overlap"


@dataclass(frozen=True, slots=True)
class CalendarRefusal:
    """A refused calendar, the problem and the break it concerns."""

    problem: CalendarProblem
    calendar: Calendar
    brk: Break | None = None


def parse_day(text: str) -> date | None:
    """Read a dd/mm/yyyy date (day first, as Vietnamese people write it); None if not a date."""
    found = _DAY.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


def year_end(calendar: Calendar) -> date:
    """The Friday of the year's last teaching week."""
    return calendar.weeks()[-1].end


async def school_year(session: AsyncSession, school_id: int, today: date) -> tuple[date, date]:
    """The first and last day of the school year `today` belongs to, by the school's calendar."""
    school = await session.get(School, school_id)
    assert school is not None
    calendar = await load_calendar(session, school, today)
    return calendar.year_start, year_end(calendar)


def calendar_problems(calendar: Calendar) -> list[CalendarRefusal]:
    """Everything not sound in a calendar: term lengths, then each break."""
    problems: list[CalendarRefusal] = []
    if not all(1 <= n <= MAX_TERM_WEEKS for n in (calendar.term1_weeks, calendar.term2_weeks)):
        return [CalendarRefusal(CalendarProblem.TERM_WEEKS, calendar)]
    for b in calendar.breaks:
        if not b.name.strip() or len(b.name) > BREAK_NAME_LIMIT:
            problems.append(CalendarRefusal(CalendarProblem.BREAK_NAME, calendar, b))
        elif b.end < b.start:
            problems.append(CalendarRefusal(CalendarProblem.BREAK_ORDER, calendar, b))
    if problems:
        return problems
    last = year_end(calendar)
    problems += [
        CalendarRefusal(CalendarProblem.BREAK_OUTSIDE, calendar, b)
        for b in calendar.breaks
        if b.start < calendar.year_start or b.end > last
    ]
    ordered = sorted(calendar.breaks, key=_start)
    problems += [
        CalendarRefusal(CalendarProblem.BREAK_OVERLAP, calendar, second)
        for first, second in pairwise(ordered)
        if second.start <= first.end
    ]
    return problems


def check_calendar(calendar: Calendar) -> CalendarRefusal | None:
    """The first reason a calendar is not sound, or None."""
    return next(iter(calendar_problems(calendar)), None)


def calendar_record(calendar: Calendar) -> dict[str, Any]:
    """A calendar as the audit log keeps it."""
    return {
        "year_start": calendar.year_start.isoformat(),
        "term1_weeks": calendar.term1_weeks,
        "term2_weeks": calendar.term2_weeks,
        "breaks": [
            {"name": b.name, "start": b.start.isoformat(), "end": b.end.isoformat()}
            for b in calendar.breaks
        ],
    }


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
    after = Calendar(
        year_start or before.year_start,
        before.term1_weeks if term1_weeks is None else term1_weeks,
        before.term2_weeks if term2_weeks is None else term2_weeks,
        before.breaks
        if breaks is None
        else tuple(sorted((Break(b.name.strip(), b.start, b.end) for b in breaks), key=_start)),
    )
    # A change may leave a problem it found (last year's break), never bring a new one.
    known = {(p.problem, p.brk) for p in calendar_problems(before)}
    refusal = next((p for p in calendar_problems(after) if (p.problem, p.brk) not in known), None)
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


def _start(b: Break) -> date:
    return b.start


def refusal_text(refusal: CalendarRefusal, _: Translator) -> str:
    """Say why a calendar change was refused."""
    b = refusal.brk
    name = b.name if b is not None else ""
    if refusal.problem is CalendarProblem.TERM_WEEKS:
        return _("A term has between 1 and {most} teaching weeks.").format(most=MAX_TERM_WEEKS)
    if refusal.problem is CalendarProblem.BREAK_NAME:
        return _("Give the break a name of at most {limit} characters.").format(
            limit=BREAK_NAME_LIMIT
        )
    if refusal.problem is CalendarProblem.BREAK_ORDER:
        return _("The break “{name}” ends before it starts.").format(name=name)
    if refusal.problem is CalendarProblem.BREAK_OUTSIDE:
        return _(
            "The break “{name}” is outside the school year, which runs from {start} to {end}."
        ).format(
            name=name,
            start=short(refusal.calendar.year_start),
            end=short(year_end(refusal.calendar)),
        )
    return _("The break “{name}” overlaps another break.").format(name=name)


def describe_calendar(calendar: Calendar, today: date, _: Translator) -> list[str]:
    """The calendar as staff read it: start, terms, breaks and where today falls."""
    weeks = calendar.weeks()
    lines = [_("School year start: {day}").format(day=everyday(calendar.year_start, _))]
    for term, label in ((1, _("Term I")), (2, _("Term II"))):
        in_term = [w for w in weeks if w.term == term]
        lines.append(
            _("{term}: {count} weeks (week {first}–{last}), {start}–{end}").format(
                term=label,
                count=len(in_term),
                first=in_term[0].number,
                last=in_term[-1].number,
                start=short(in_term[0].start),
                end=short(in_term[-1].end),
            )
        )
    if calendar.breaks:
        lines.append(_("Breaks:"))
        lines += [
            _("{number}. {name}: {start}–{end}").format(
                number=number, name=b.name, start=short(b.start), end=short(b.end)
            )
            for number, b in enumerate(calendar.breaks, 1)
        ]
    else:
        lines.append(_("No breaks entered yet."))
    week = calendar.week_of(today)
    monday = today - timedelta(days=today.weekday())
    brk = calendar.break_on(today) or calendar.break_on(monday)
    if week is not None:
        lines.append(_("This week: {week}").format(week=week_label(week, _)))
    elif brk is not None:
        lines.append(_("Today is in a break: {name}.").format(name=brk.name))
    else:
        lines.append(_("Today is outside the school year."))
    return lines
