"""Attendance (điểm danh): each pupil's morning and afternoon, present or absent with or without
leave (có phép / không phép), as the homeroom teacher records it.

Only absences are stored, one row per pupil, day and session; no row means present. The weekly
notice reads the same rows (bot/features/weekly/notices.py).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.weekly.queries import class_pupils, pupil_class
from storage.models import Absence, DayPart, Student
from storage.queries import audit

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


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """A pupil of the class with their morning and afternoon on one day."""

    student_id: int
    name: str
    morning: AttendanceState
    afternoon: AttendanceState

    def state(self, part: DayPart) -> AttendanceState:
        """The pupil's state for one session."""
        return self.morning if part is DayPart.MORNING else self.afternoon


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


def _state(absence: Absence | None) -> AttendanceState:
    if absence is None:
        return AttendanceState.PRESENT
    return AttendanceState.EXCUSED if absence.excused else AttendanceState.UNEXCUSED


async def day_sheet(session: AsyncSession, class_id: int, day: date) -> list[AttendanceRow]:
    """The class list with each pupil's morning and afternoon on a day."""
    absences = {
        (row.student_id, row.part): row
        for row in await session.scalars(
            select(Absence)
            .join(Student, Student.id == Absence.student_id)
            .where(Student.class_id == class_id, Absence.day == day)
        )
    }
    return [
        AttendanceRow(
            student_id,
            name,
            _state(absences.get((student_id, DayPart.MORNING))),
            _state(absences.get((student_id, DayPart.AFTERNOON))),
        )
        for student_id, _code, name in await class_pupils(session, class_id)
    ]


async def _absence(
    session: AsyncSession, student_id: int, day: date, part: DayPart
) -> Absence | None:
    return await session.scalar(
        select(Absence).where(
            Absence.student_id == student_id, Absence.day == day, Absence.part == part
        )
    )


def _audit(
    session: AsyncSession,
    school_id: int,
    who: str,
    student_id: int,
    day: date,
    part: DayPart,
    before: AttendanceState,
    after: AttendanceState,
) -> None:
    where = {"day": day.isoformat(), "part": part.value}
    audit(
        session,
        school_id=school_id,
        actor=who,
        action="attendance.changed",
        entity="student",
        entity_id=student_id,
        before={**where, "state": before.value},
        after={**where, "state": after.value},
    )


async def cycle(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    day: date,
    part: DayPart,
    who: str,
    *,
    today: date,
) -> AttendanceState | DayRefused | None:
    """Move a pupil's session along (present, excused, not excused); None if not allowed."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    if class_id is None or not may_take_attendance(actor, class_id):
        return None
    refused = check_day(day, today)
    if refused is not None:
        return refused
    absence = await _absence(session, student_id, day, part)
    before = _state(absence)
    after = NEXT[before]
    if absence is None:
        session.add(
            Absence(
                school_id=actor.school_id,
                student_id=student_id,
                day=day,
                part=part,
                excused=True,
                recorded_by=actor.account.id,
            )
        )
    elif after is AttendanceState.UNEXCUSED:
        absence.excused, absence.recorded_by = False, actor.account.id
    else:
        await session.delete(absence)
    await session.flush()
    _audit(session, actor.school_id, who, student_id, day, part, before, after)
    return after


async def mark(
    session: AsyncSession,
    student_id: int,
    school_id: int,
    day: date,
    part: DayPart,
    excused: bool,
    reason: str | None,
    by_account: int | None,
    *,
    who: str | None = None,
) -> None:
    """Record an absence (a confirmed leave request); again with the same values, no change.

    Weekends are skipped: there are no lessons to miss.
    """
    found = await session.scalar(
        select(Student.id).where(Student.id == student_id, Student.school_id == school_id)
    )
    if found is None:
        raise ValueError(f"pupil {student_id} is not in school {school_id}")
    if day.weekday() >= 5:
        return
    reason = (reason.strip()[:REASON_LIMIT] or None) if reason else None
    absence = await _absence(session, student_id, day, part)
    before = _state(absence)
    if absence is None:
        session.add(
            Absence(
                school_id=school_id,
                student_id=student_id,
                day=day,
                part=part,
                excused=excused,
                reason=reason,
                recorded_by=by_account,
            )
        )
    elif absence.excused == excused and (reason is None or absence.reason == reason):
        return
    else:
        absence.excused, absence.recorded_by = excused, by_account
        absence.reason = reason or absence.reason
    await session.flush()
    after = AttendanceState.EXCUSED if excused else AttendanceState.UNEXCUSED
    actor = who or (f"account:{by_account}" if by_account is not None else "system")
    _audit(session, school_id, actor, student_id, day, part, before, after)
