"""The school calendar's rules: teaching weeks numbered as teachers say them ("Tuần 12"), the
days with lessons, the week a teacher is writing, what a sound calendar is, and who may read or
change it. How a change asked in chat reads is in changes.py.

Week 1 is the Monday-to-Friday week of the school-year start (the next one when the year starts
on a weekend). A week that a break covers from Monday to Friday is not a teaching week and gets
no number; term I has `term1_weeks` teaching weeks (18 by default), term II `term2_weeks` (17).
Each Sở GD&ĐT sets its own dates (domain-vn.md section 3), so everything is per school.

The week a teacher is writing (`Calendar.writing_week`) is the one rule every weekly screen,
attendance, the notices and /lichhoc follow: a school day belongs to its own week; from the end
of a week's last school day until the next week's first school day begins, it is the week just
ended (the weekend, a holiday, Tết).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bot.core.i18n import Translator
from storage.models import Role

if TYPE_CHECKING:
    from bot.core.access import Actor

NATIONAL_OPENING = (9, 5)  # khai giảng, 05/9, when a school has not set its own start
MAX_TERM_WEEKS = 25
BREAK_NAME_LIMIT = 60  # the column's width
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


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

    def break_on(self, day: date) -> Break | None:
        """The break a day falls in, if any."""
        return next((b for b in self.breaks if b.start <= day <= b.end), None)

    def school_days(self, week: TeachingWeek) -> list[date]:
        """The days of a teaching week with lessons: Monday to Friday, outside any break."""
        days = (week.start + timedelta(days=n) for n in range(5))
        return [day for day in days if self.break_on(day) is None]

    def is_school_day(self, day: date) -> bool:
        """Whether there are lessons on a day (a weekday of a teaching week, not in a break)."""
        week = self.week_of(day)
        return week is not None and day in self.school_days(week)

    def last_school_day(self, week: TeachingWeek) -> date:
        """The week's last day with lessons (its Friday if a break took them all)."""
        days = self.school_days(week)
        return days[-1] if days else week.end

    def writing_week(self, day: date) -> TeachingWeek | None:
        """The week a teacher is writing on `day`: comments, attendance, the notice.

        A school day belongs to its own week; after a week's last school day, and until the
        next week's first school day, it is the week just ended (the weekend, a holiday, Tết).
        Before the year's first school day there is none, nor after the last week's weekend.
        """
        weeks = self.weeks()
        found: TeachingWeek | None = None
        for week in weeks:
            days = self.school_days(week)
            if not days:
                continue
            if days[0] > day:
                break
            found = week
        if found is not None and found is weeks[-1] and day > found.start + timedelta(days=6):
            return None  # the summer
        return found

    # The name the other features first knew it by.
    working_week = writing_week


class Denied(enum.Enum):
    """Who may not do what with the calendar."""

    NOT_STAFF = "not_staff"  # reading it
    NOT_ADMIN = "not_admin"  # changing it


def may_read_calendar(actor: Actor) -> bool:
    """The calendar is for the school's staff."""
    return actor.has(*(role for role in Role if role is not Role.PARENT))


def may_change_calendar(actor: Actor) -> bool:
    """Only the system administrator changes it."""
    return actor.has(Role.ADMIN)


def school_year_start(today: date) -> date:
    """The national opening day of the school year `today` belongs to (it turns in August)."""
    year = today.year if today.month >= 8 else today.year - 1
    return date(year, *NATIONAL_OPENING)


def week_label(week: TeachingWeek, _: Translator) -> str:
    """ "Tuần 12, 23/11–27/11" as teachers write it."""
    return _("Week {number}, {start}–{end}").format(
        number=week.number, start=week.start.strftime("%d/%m"), end=week.end.strftime("%d/%m")
    )


def parse_day(text: str) -> date | None:
    """Read a dd/mm/yyyy date (day first, as Vietnamese people write it); None if not a date."""
    found = _DAY.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


def week_is_over(calendar: Calendar, week: TeachingWeek, today: date) -> bool:
    """Whether a week's news may reach parents: from its last school day on, never before."""
    return today >= calendar.last_school_day(week)


def year_end(calendar: Calendar) -> date:
    """The Friday of the year's last teaching week."""
    return calendar.weeks()[-1].end


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


def new_problem(before: Calendar, after: Calendar) -> CalendarRefusal | None:
    """The first problem a change brings: it may leave one it found (last year's break)."""
    known = {(p.problem, p.brk) for p in calendar_problems(before)}
    return next((p for p in calendar_problems(after) if (p.problem, p.brk) not in known), None)


def changed(
    before: Calendar,
    *,
    year_start: date | None = None,
    term1_weeks: int | None = None,
    term2_weeks: int | None = None,
    breaks: Sequence[Break] | None = None,
) -> Calendar:
    """The calendar with the parts given changed; breaks, when given, replace the others."""
    return Calendar(
        year_start or before.year_start,
        before.term1_weeks if term1_weeks is None else term1_weeks,
        before.term2_weeks if term2_weeks is None else term2_weeks,
        before.breaks
        if breaks is None
        else tuple(sorted((Break(b.name.strip(), b.start, b.end) for b in breaks), key=_start)),
    )


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


def _start(b: Break) -> date:
    return b.start
