"""Attendance rules: who takes a class's attendance, which days may be marked, what a press does.

A pupil's session is present, absent with leave (có phép) or absent without (không phép); one
press of the teacher moves it along that cycle. Only school days up to today are marked (not a
weekend, not a day of a break in the school calendar), and a day written in chat is one of the
week being written or the one before. On a day without lessons (Saturday, a holiday, Tết),
/diemdanh opens the week being written: its last school day so far (the calendar's rule,
`Calendar.writing_week`), so Friday's absences are entered on Saturday.
"""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.features.calendar.rules import Calendar

if TYPE_CHECKING:
    from bot.core.access import Actor

REASON_LIMIT = 200
_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")


class AttendanceState(enum.Enum):
    """A pupil's state for one session."""

    PRESENT = "present"
    EXCUSED = "excused"  # vắng có phép
    UNEXCUSED = "unexcused"  # vắng không phép


class DayRefused(enum.Enum):
    """Why attendance cannot be taken for a day."""

    BAD_FORM = "bad_form"
    FUTURE = "future"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a day of a break in the school calendar
    TOO_OLD = "too_old"


# One press moves a session along: present -> excused -> not excused -> present.
NEXT = {
    AttendanceState.PRESENT: AttendanceState.EXCUSED,
    AttendanceState.EXCUSED: AttendanceState.UNEXCUSED,
    AttendanceState.UNEXCUSED: AttendanceState.PRESENT,
}


def may_take_attendance(actor: Actor, class_id: int) -> bool:
    """Attendance is the class's homeroom teacher's."""
    return actor.linked and class_id in actor.homeroom_classes


def check_day(day: date, today: date, calendar: Calendar | None = None) -> DayRefused | None:
    """Refuse days still to come, weekends, and (with the calendar) the days of a break."""
    if day > today:
        return DayRefused.FUTURE
    if day.weekday() >= 5:
        return DayRefused.WEEKEND
    if calendar is not None and calendar.break_on(day) is not None:
        return DayRefused.HOLIDAY
    return None


def earliest_day(today: date, calendar: Calendar | None = None) -> date:
    """The first day that may still be marked: the Monday of the week before the week being
    written (without a calendar, of last week)."""
    week = calendar.writing_week(today) if calendar is not None else None
    monday = week.start if week is not None else today - timedelta(days=today.weekday())
    return monday - timedelta(days=7)


def recent_day(text: str, today: date, calendar: Calendar | None = None) -> date | DayRefused:
    """Read "dd/mm" as a school day of the week being written or the one before, up to today."""
    found = _DAY_MONTH.fullmatch(text.strip())
    if found is None:
        return DayRefused.BAD_FORM
    day_number, month = int(found[1]), int(found[2])
    earliest = earliest_day(today, calendar)
    candidates = []
    for year in (today.year, today.year - 1):
        try:
            candidates.append(date(year, month, day_number))
        except ValueError:
            continue
    if not candidates:
        return DayRefused.BAD_FORM
    day = next((d for d in candidates if earliest <= d <= today), None)
    if day is None:
        return DayRefused.FUTURE if candidates[0] > today else DayRefused.TOO_OLD
    return check_day(day, today, calendar) or day


def asked_day(args: list[str], today: date, calendar: Calendar | None = None) -> date | DayRefused:
    """The day /diemdanh is about: the one "dd/mm" written after it; else today, or on a day
    without lessons the last school day so far of the week being written."""
    if len(args) > 1:
        return DayRefused.BAD_FORM
    if args:
        return recent_day(args[0], today, calendar)
    refused = check_day(today, today, calendar)
    if refused is None or calendar is None:
        return refused or today
    days = school_days_so_far(calendar, today)
    return days[-1] if days else refused


def school_days_so_far(calendar: Calendar, today: date) -> list[date]:
    """The school days of the week being written, up to today."""
    week = calendar.writing_week(today)
    if week is None:
        return []
    return [day for day in calendar.school_days(week) if day <= today]


def short_reason(reason: str | None) -> str | None:
    """An absence's reason as kept: trimmed and cut to its column, or none."""
    return (reason.strip()[:REASON_LIMIT] or None) if reason else None
