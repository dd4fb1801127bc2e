"""Attendance (điểm danh): each pupil's morning and afternoon, present or absent with or without
leave (có phép / không phép), as the homeroom teacher records it.

Only absences are stored, one row per pupil, day and session; no row means present. The weekly
notice reads the same rows (bot/features/weekly/notices.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.attendance.rules import (
    NEXT,
    REASON_LIMIT,
    AttendanceState,
    DayRefused,
    asked_day,
    check_day,
    may_take_attendance,
    recent_day,
    short_reason,
)
from bot.features.weekly.queries import class_pupils, homeroom_class, pupil_class
from storage.models import Absence, DayPart, Student
from storage.queries import audit, class_name

__all__ = [
    "REASON_LIMIT",
    "AttendanceRow",
    "AttendanceSheet",
    "AttendanceState",
    "DayRefused",
    "check_day",
    "cycle",
    "day_sheet",
    "mark",
    "may_take_attendance",
    "open_sheet",
    "pupil_sheet",
    "recent_day",
    "start_day",
]


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


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    """A class's day as the teacher presses through it."""

    class_id: int
    class_name: str
    rows: list[AttendanceRow]


async def start_day(
    session: AsyncSession, actor: Actor, args: list[str], today: date
) -> tuple[int, str, date] | DayRefused | None:
    """The teacher's class (id, name) and the day /diemdanh asks for; None if not a teacher."""
    klass = await homeroom_class(session, actor)
    if klass is None or not may_take_attendance(actor, klass.id):
        return None
    day = asked_day(args, today)
    return day if isinstance(day, DayRefused) else (klass.id, klass.name, day)


async def open_sheet(
    session: AsyncSession, actor: Actor, class_id: int, day: date, today: date
) -> AttendanceSheet | DayRefused | None:
    """The class's day for its homeroom teacher; None if the actor is not that teacher."""
    if not may_take_attendance(actor, class_id):
        return None
    refused = check_day(day, today)
    if refused is not None:
        return refused
    name = await class_name(session, class_id) or ""
    return AttendanceSheet(class_id, name, await day_sheet(session, class_id, day))


async def pupil_sheet(
    session: AsyncSession, actor: Actor, student_id: int, day: date
) -> AttendanceSheet:
    """The day of a pupil's class, after a press on the pupil."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    assert class_id is not None
    name = await class_name(session, class_id) or ""
    return AttendanceSheet(class_id, name, await day_sheet(session, class_id, day))


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
    reason = short_reason(reason)
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
