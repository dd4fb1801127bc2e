"""Attendance: a press cycles a pupil's session, only for the homeroom teacher, on school days."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor, load_actor
from bot.features.administration.imports import import_roster, import_staff
from bot.features.attendance.queries import (
    AttendanceSheet,
    AttendanceState,
    DayRefused,
    cycle,
    day_sheet,
    mark,
    open_sheet,
    recent_day,
    start_day,
)
from bot.features.attendance.rules import asked_day, check_day, school_days_so_far
from bot.features.calendar.rules import Break, Calendar
from storage.models import (
    Absence,
    AccountState,
    AuditEvent,
    DayPart,
    Guardian,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentStatus,
    TelegramAccount,
)
from tests.factories import shared_file

TUESDAY = date(2026, 11, 24)
TODAY = date(2026, 11, 26)  # a Thursday
PHONES = {"1A": "+84784437323", "3B": "+84842493516", "mother": "+84841860913"}
_users = itertools.count(900_000)


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School) -> School:
    """The shared sample roster and staff list."""
    for path, load in ((shared_file("roster.xlsx"), True), (shared_file("staff.csv"), False)):
        if load:
            outcome = await import_roster(session, school, path, today=TODAY, actor="test")
        else:
            outcome = await import_staff(session, school, path, actor="test")
        assert not outcome.refused, outcome.problems
    await session.commit()
    return school


async def actor_for(session: AsyncSession, school: School, who: str) -> Actor:
    """A linked account for a teacher (by class) or the mother of Hoàng Anh Đăng."""
    phone = PHONES[who]
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=1,
        state=AccountState.LINKED,
        failed_codes=0,
    )
    if who == "mother":
        account.guardian_id = await session.scalar(
            select(Guardian.id).where(Guardian.school_id == school.id, Guardian.phone == phone)
        )
    else:
        account.staff_id = await session.scalar(
            select(Staff.id).where(Staff.school_id == school.id, Staff.phone == phone)
        )
    session.add(account)
    await session.flush()
    return await load_actor(session, account)


async def pupil(session: AsyncSession, school: School, name: str) -> Student:
    found = await session.scalar(
        select(Student).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def absences(session: AsyncSession, student_id: int) -> list[tuple[DayPart, bool]]:
    rows = await session.execute(
        select(Absence.part, Absence.excused).where(Absence.student_id == student_id)
    )
    return sorted(
        ((part, excused) for part, excused in rows), key=lambda r: r[0] != DayPart.MORNING
    )


async def test_a_press_cycles_present_excused_unexcused_present(
    session: AsyncSession, lists: School
) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    seen = []
    for _ in range(3):
        state = await cycle(session, teacher, an.id, TUESDAY, DayPart.MORNING, "tg:1", today=TODAY)
        seen.append((state, await absences(session, an.id)))
    assert seen == [
        (AttendanceState.EXCUSED, [(DayPart.MORNING, True)]),
        (AttendanceState.UNEXCUSED, [(DayPart.MORNING, False)]),
        (AttendanceState.PRESENT, []),
    ]
    changes = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == lists.id, AuditEvent.action == "attendance.changed")
    )
    assert changes == 3


async def test_the_day_sheet_lists_the_class_with_both_sessions(
    session: AsyncSession, lists: School
) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    for _ in range(2):
        await cycle(session, teacher, an.id, TUESDAY, DayPart.AFTERNOON, "tg:1", today=TODAY)
    sheet = await day_sheet(session, an.class_id, TUESDAY)
    assert len(sheet) == 12
    (row,) = [r for r in sheet if r.student_id == an.id]
    assert (row.morning, row.afternoon) == (AttendanceState.PRESENT, AttendanceState.UNEXCUSED)
    assert all(r.morning is AttendanceState.PRESENT for r in sheet)
    other_day = await day_sheet(session, an.class_id, date(2026, 11, 25))
    assert all(r.afternoon is AttendanceState.PRESENT for r in other_day)


async def test_only_the_homeroom_teacher_of_the_class_may(
    session: AsyncSession, lists: School
) -> None:
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    for who in ("3B", "mother"):
        actor = await actor_for(session, lists, who)
        assert (
            await cycle(session, actor, an.id, TUESDAY, DayPart.MORNING, "x", today=TODAY) is None
        )
    teacher = await actor_for(session, lists, "1A")
    other_class = await session.scalar(
        select(Student)
        .join(SchoolClass)
        .where(Student.school_id == lists.id, SchoolClass.name == "3B")
    )
    assert other_class is not None
    assert (
        await cycle(session, teacher, other_class.id, TUESDAY, DayPart.MORNING, "x", today=TODAY)
        is None
    )
    assert await cycle(session, teacher, 10**9, TUESDAY, DayPart.MORNING, "x", today=TODAY) is None
    assert await absences(session, an.id) == []
    assert await absences(session, other_class.id) == []


async def test_a_pupil_of_another_school_is_refused(session: AsyncSession, lists: School) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    stranger = School(code=f"x{an.id}-{next(_users)}", name="Khác", settings={})
    session.add(stranger)
    await session.flush()
    an.school_id = stranger.id
    await session.flush()
    assert await cycle(session, teacher, an.id, TUESDAY, DayPart.MORNING, "x", today=TODAY) is None
    await session.rollback()


async def test_a_pupil_who_left_is_refused(session: AsyncSession, lists: School) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    an.status = next(s for s in StudentStatus if s is not StudentStatus.STUDYING)
    await session.flush()
    assert await cycle(session, teacher, an.id, TUESDAY, DayPart.MORNING, "x", today=TODAY) is None
    await session.rollback()


async def test_future_days_and_weekends_are_refused(session: AsyncSession, lists: School) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    friday, saturday = date(2026, 11, 27), date(2026, 11, 21)
    assert (
        await cycle(session, teacher, an.id, friday, DayPart.MORNING, "x", today=TODAY)
        is DayRefused.FUTURE
    )
    assert (
        await cycle(session, teacher, an.id, saturday, DayPart.MORNING, "x", today=TODAY)
        is DayRefused.WEEKEND
    )
    assert (
        await cycle(session, teacher, an.id, TODAY, DayPart.MORNING, "x", today=TODAY)
        is AttendanceState.EXCUSED
    )
    assert await absences(session, an.id) == [(DayPart.MORNING, True)]


def test_a_day_is_this_week_or_last_week_up_to_today() -> None:
    assert recent_day("24/11", TODAY) == TUESDAY
    assert recent_day("16/11", TODAY) == date(2026, 11, 16)  # last week's Monday
    assert recent_day("13/11", TODAY) is DayRefused.TOO_OLD
    assert recent_day("27/11", TODAY) is DayRefused.FUTURE
    assert recent_day("22/11", TODAY) is DayRefused.WEEKEND
    assert recent_day("31/11", TODAY) is DayRefused.BAD_FORM
    assert recent_day("24-11", TODAY) is DayRefused.BAD_FORM
    assert recent_day("24/11/2026", TODAY) is DayRefused.BAD_FORM
    assert recent_day("30/12", date(2027, 1, 4)) == date(2026, 12, 30)  # across the new year


async def test_mark_records_an_excused_absence_once(session: AsyncSession, lists: School) -> None:
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    for _ in range(2):
        await mark(session, an.id, lists.id, TUESDAY, DayPart.MORNING, True, "Ốm", None)
    assert await absences(session, an.id) == [(DayPart.MORNING, True)]
    reason = await session.scalar(select(Absence.reason).where(Absence.student_id == an.id))
    assert reason == "Ốm"
    events = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == lists.id, AuditEvent.action == "attendance.changed")
    )
    assert events == 1
    # A teacher's "K" becomes excused when the leave request is confirmed afterwards.
    teacher = await actor_for(session, lists, "1A")
    for _ in range(2):
        await cycle(session, teacher, an.id, TUESDAY, DayPart.AFTERNOON, "x", today=TODAY)
    await mark(session, an.id, lists.id, TUESDAY, DayPart.AFTERNOON, True, None, None)
    assert await absences(session, an.id) == [(DayPart.MORNING, True), (DayPart.AFTERNOON, True)]
    await mark(session, an.id, lists.id, date(2026, 11, 28), DayPart.MORNING, True, None, None)
    assert len(await absences(session, an.id)) == 2  # a Saturday: no lessons to miss


async def test_mark_refuses_a_pupil_of_another_school(session: AsyncSession, lists: School) -> None:
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    with pytest.raises(ValueError):
        await mark(session, an.id, lists.id + 10**6, TUESDAY, DayPart.MORNING, True, None, None)
    assert await absences(session, an.id) == []


def test_the_command_asks_for_today_or_one_day_written_after_it() -> None:
    assert asked_day([], TODAY) == TODAY
    assert asked_day(["24/11"], TODAY) == TUESDAY
    assert asked_day(["24/11", "25/11"], TODAY) is DayRefused.BAD_FORM
    assert asked_day([], date(2026, 11, 28)) is DayRefused.WEEKEND


async def test_only_the_homeroom_teacher_starts_and_opens_the_day(
    session: AsyncSession, lists: School
) -> None:
    teacher = await actor_for(session, lists, "1A")
    an = await pupil(session, lists, "Hoàng Anh Đăng")
    assert await start_day(session, teacher, ["24/11"], TODAY) == (an.class_id, "1A", TUESDAY)
    assert await start_day(session, teacher, ["27/11"], TODAY) is DayRefused.FUTURE
    sheet = await open_sheet(session, teacher, an.class_id, TUESDAY, TODAY)
    assert isinstance(sheet, AttendanceSheet) and sheet.class_name == "1A"
    assert len(sheet.rows) == 12
    saturday = date(2026, 11, 21)
    assert await open_sheet(session, teacher, an.class_id, saturday, TODAY) is DayRefused.WEEKEND
    for who in ("3B", "mother"):
        other = await actor_for(session, lists, who)
        assert await open_sheet(session, other, an.class_id, TUESDAY, TODAY) is None
    mother = await actor_for(session, lists, "mother")
    assert await start_day(session, mother, [], TODAY) is None


YEAR = Calendar(date(2026, 9, 7))  # week 13: 30/11–04/12/2026


def test_on_a_day_without_lessons_the_command_opens_the_last_school_day_of_the_week() -> None:
    saturday, sunday = date(2026, 12, 5), date(2026, 12, 6)
    assert asked_day([], saturday, YEAR) == date(2026, 12, 4)  # Friday's absences on Saturday
    assert asked_day([], sunday, YEAR) == date(2026, 12, 4)
    assert asked_day([], date(2026, 12, 3), YEAR) == date(2026, 12, 3)  # a school day: today
    wednesday_off = Calendar(
        date(2026, 9, 7), breaks=(Break("Nghỉ bù", date(2026, 12, 2), date(2026, 12, 2)),)
    )
    assert asked_day([], date(2026, 12, 2), wednesday_off) == date(2026, 12, 1)
    assert school_days_so_far(wednesday_off, date(2026, 12, 3)) == [
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 3),
    ]
    assert asked_day([], date(2026, 9, 5), YEAR) is DayRefused.WEEKEND  # before the year


def test_a_day_of_a_break_has_no_lessons() -> None:
    tet = Calendar(date(2026, 9, 7), breaks=(Break("Tết", date(2027, 2, 8), date(2027, 2, 21)),))
    in_tet = date(2027, 2, 10)
    assert check_day(in_tet, in_tet, tet) is DayRefused.HOLIDAY
    assert asked_day(["10/02"], in_tet, tet) is DayRefused.HOLIDAY
    assert asked_day([], in_tet, tet) == date(2027, 2, 5)  # the Friday before Tết
    assert recent_day("05/02", in_tet, tet) == date(2027, 2, 5)
    assert recent_day("29/01", in_tet, tet) == date(2027, 1, 29)  # the week before it
    assert recent_day("22/01", in_tet, tet) is DayRefused.TOO_OLD
