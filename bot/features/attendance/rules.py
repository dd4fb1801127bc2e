"""Attendance rules: who takes a class's attendance, which days may be marked, what a press does.

A pupil's session is present, absent with leave (có phép) or absent without (không phép); one
press of the teacher moves it along that cycle. Only school days up to today are marked, and a
day written in chat is one of this week or last week.
"""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

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


def check_day(day: date, today: date) -> DayRefused | None:
    """Refuse days still to come and weekends (no lessons)."""
    if day > today:
        return DayRefused.FUTURE
    if day.weekday() >= 5:
        return DayRefused.WEEKEND
    return None


def recent_day(text: str, today: date) -> date | DayRefused:
    """Read "dd/mm" as a school day of this week or last week, up to today."""
    found = _DAY_MONTH.fullmatch(text.strip())
    if found is None:
        return DayRefused.BAD_FORM
    day_number, month = int(found[1]), int(found[2])
    earliest = today - timedelta(days=today.weekday() + 7)
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
    return check_day(day, today) or day


def asked_day(args: list[str], today: date) -> date | DayRefused:
    """The day /diemdanh is about: today, or the one "dd/mm" written after it."""
    if len(args) > 1:
        return DayRefused.BAD_FORM
    if args:
        return recent_day(args[0], today)
    return check_day(today, today) or today


def short_reason(reason: str | None) -> str | None:
    """An absence's reason as kept: trimmed and cut to its column, or none."""
    return (reason.strip()[:REASON_LIMIT] or None) if reason else None
