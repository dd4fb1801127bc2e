"""Attendance (điểm danh): each pupil's morning and afternoon, present or absent with or without
leave (có phép / không phép), as the homeroom teacher records it.

Only absences are stored, one row per pupil, day and session; no row means present. The weekly
notice reads the same rows (bot/features/weekly/notices.py); an absence entered or changed after
the notice went out reaches the family as an addendum (bot/features/weekly/addenda.py). Days are
checked against the school calendar (weekends and breaks have no lessons).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
from bot.features.calendar.queries import school_calendar
from bot.features.weekly.addenda import tell_changes
from bot.features.weekly.notice_text import ATTENDANCE_PART
from bot.features.weekly.notices import sent_at
from bot.features.weekly.queries import class_roll, homeroom_class, pupil_class
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
    "set_state",
    "start_day",
    "tell_absences",
    "week_days",
]


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """A pupil of the class with their morning and afternoon on one day."""

    student_id: int
    name: str
    morning: AttendanceState
    afternoon: AttendanceState
    label: str = ""  # the name as the teacher reads it: namesakes told apart

    def state(self, part: DayPart) -> AttendanceState:
        """The pupil's state for one session."""
        return self.morning if part is DayPart.MORNING else self.afternoon


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    """A class's day as the teacher presses through it."""

    class_id: int
    class_name: str
    rows: list[AttendanceRow]
    sent: bool = False  # the week's notice went out: changes reach the families as addenda


async def start_day(
    session: AsyncSession, actor: Actor, args: list[str], today: date
) -> tuple[int, str, date] | DayRefused | None:
    """The teacher's class (id, name) and the day /diemdanh asks for; None if not a teacher."""
    klass = await homeroom_class(session, actor)
    if klass is None or not may_take_attendance(actor, klass.id):
        return None
    day = asked_day(args, today, await school_calendar(session, actor.school_id, today))
    return day if isinstance(day, DayRefused) else (klass.id, klass.name, day)


async def week_days(session: AsyncSession, school_id: int, day: date, today: date) -> list[date]:
    """The school days of a day's week up to today: the days a teacher may switch to."""
    calendar = await school_calendar(session, school_id, today)
    week = calendar.week_of(day)
    return [] if week is None else [d for d in calendar.school_days(week) if d <= today]


async def open_sheet(
    session: AsyncSession, actor: Actor, class_id: int, day: date, today: date
) -> AttendanceSheet | DayRefused | None:
    """The class's day for its homeroom teacher; None if the actor is not that teacher."""
    if not may_take_attendance(actor, class_id):
        return None
    calendar = await school_calendar(session, actor.school_id, today)
    refused = check_day(day, today, calendar)
    if refused is not None:
        return refused
    name = await class_name(session, class_id) or ""
    week = calendar.week_of(day)
    sent = week is not None and await sent_at(session, class_id, week) is not None
    return AttendanceSheet(class_id, name, await day_sheet(session, class_id, day), sent)


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
            pupil.student_id,
            pupil.name,
            _state(absences.get((pupil.student_id, DayPart.MORNING))),
            _state(absences.get((pupil.student_id, DayPart.AFTERNOON))),
            pupil.label,
        )
        for pupil in await class_roll(session, class_id)
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
    now: datetime | None = None,
) -> AttendanceState | DayRefused | None:
    """Move a pupil's session along (present, excused, not excused); None if not allowed.

    With `now`, a change to a week whose notice went out reaches the family as an addendum.
    """
    after = NEXT[_state(await _absence(session, student_id, day, part))]
    return await set_state(session, actor, student_id, day, part, after, who, today=today, now=now)


async def set_state(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    day: date,
    part: DayPart,
    after: AttendanceState,
    who: str,
    *,
    today: date,
    now: datetime | None = None,
) -> AttendanceState | DayRefused | None:
    """Set a pupil's session (the web grid's choice); None if not allowed. The same checks,
    audit and addendum as `cycle`; the same state again changes nothing."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    if class_id is None or not may_take_attendance(actor, class_id):
        return None
    calendar = await school_calendar(session, actor.school_id, today)
    refused = check_day(day, today, calendar)
    if refused is not None:
        return refused
    absence = await _absence(session, student_id, day, part)
    before = _state(absence)
    if before is after:
        return after
    if after is AttendanceState.PRESENT:
        assert absence is not None
        await session.delete(absence)
    elif absence is None:
        session.add(
            Absence(
                school_id=actor.school_id,
                student_id=student_id,
                day=day,
                part=part,
                excused=after is AttendanceState.EXCUSED,
                recorded_by=actor.account.id,
            )
        )
    else:
        absence.excused, absence.recorded_by = after is AttendanceState.EXCUSED, actor.account.id
    await session.flush()
    _audit(session, actor.school_id, who, student_id, day, part, before, after)
    week = calendar.week_of(day)
    if now is not None and week is not None:
        await tell_changes(
            session, actor.school_id, week, class_id, [student_id], ATTENDANCE_PART, now
        )
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
    now: datetime | None = None,
) -> None:
    """Record an absence (a confirmed leave request); again with the same values, no change.

    Weekends and the days of a break are skipped: there are no lessons to miss. With `now`, an
    absence recorded after the week's notice went out reaches the family as an addendum.
    """
    found = await session.scalar(
        select(Student.id).where(Student.id == student_id, Student.school_id == school_id)
    )
    if found is None:
        raise ValueError(f"pupil {student_id} is not in school {school_id}")
    if day.weekday() >= 5:
        return
    calendar = await school_calendar(session, school_id, day)
    if calendar.break_on(day) is not None:
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
    week, class_id = calendar.week_of(day), await pupil_class(session, school_id, student_id)
    if now is not None and week is not None and class_id is not None:
        await tell_changes(session, school_id, week, class_id, [student_id], ATTENDANCE_PART, now)


async def tell_absences(
    session: AsyncSession, school_id: int, student_id: int, days: list[date], now: datetime
) -> None:
    """Tell the family of absences recorded with `mark` (without `now`) on these days: one
    addendum per week whose notice already went out, as for the teacher's own entries."""
    class_id = await pupil_class(session, school_id, student_id)
    if class_id is None or not days:
        return
    calendar = await school_calendar(session, school_id, min(days))
    weeks = {week.start: week for day in days if (week := calendar.week_of(day)) is not None}
    for week in weeks.values():
        await tell_changes(session, school_id, week, class_id, [student_id], ATTENDANCE_PART, now)
