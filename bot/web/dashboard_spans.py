"""What the leaders' dashboard covers: a teaching week of the calendar (the week being written by
default, earlier ones by a select) or an assessment period.

A period spans the teaching weeks after the previous period's test week up to its own test week
(assessment/queries/periods.test_week: mid-term in the middle of each term, the end-of-term
test in the term's last week but one); the end of the year runs to the year's last week. Only
weeks that have begun are counted, so the current period shows its weeks so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.i18n import Translator
from bot.features.assessment.queries import period_name
from bot.features.assessment.queries.periods import test_week
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Calendar, TeachingWeek, week_label

WEEK, PERIOD = "week", "period"


@dataclass(frozen=True, slots=True)
class Span:
    """A week or a period: what the select sends (`kind`, `key`), its name, its weeks."""

    kind: str
    key: str  # the week's number, or the period's code ("ck1")
    label: str
    weeks: tuple[TeachingWeek, ...]

    @property
    def first(self) -> date:
        """The span's first day (a Monday)."""
        return self.weeks[0].start

    @property
    def last(self) -> date:
        """The span's last day (the Sunday of its last week)."""
        return self.weeks[-1].start + timedelta(days=6)

    def moments(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """From the first day's midnight to the midnight after the last, in the school's zone."""
        return (
            datetime.combine(self.first, time(), zone),
            datetime.combine(self.last + timedelta(days=1), time(), zone),
        )


def begun(calendar: Calendar, today: date) -> list[TeachingWeek]:
    """The teaching weeks up to the one being written (all of them after the year's end)."""
    weeks = calendar.weeks()
    current = calendar.writing_week(today)
    if current is None:
        return weeks if weeks and today > weeks[-1].end else []
    return [week for week in weeks if week.number <= current.number]


def period_weeks(
    calendar: Calendar, period: Period, weeks: list[TeachingWeek]
) -> list[TeachingWeek]:
    """The period's weeks among `weeks` (by number)."""
    order = list(Period)
    end = len(calendar.weeks()) if period is Period.CN else test_week(calendar, period)
    index = order.index(period)
    start = test_week(calendar, order[index - 1]) + 1 if index else 1
    return [week for week in weeks if start <= week.number <= end]


def choices(calendar: Calendar, today: date, _: Translator) -> tuple[list[Span], list[Span]]:
    """The weeks (newest first) and the periods that have begun."""
    weeks = begun(calendar, today)
    by_week = [Span(WEEK, str(w.number), week_label(w, _), (w,)) for w in reversed(weeks)]
    by_period = [
        Span(PERIOD, period.value, period_name(period, _), tuple(found))
        for period in Period
        if (found := period_weeks(calendar, period, weeks))
    ]
    return by_week, by_period
