"""The calendar's rules without a database: how a change reads, who may read or change it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.changes import BadChange, Change, Unclear, breaks_after, read_change
from bot.features.calendar.queries import change_as, load_calendar, read_calendar
from bot.features.calendar.rules import (
    Break,
    Calendar,
    Denied,
    may_change_calendar,
    may_read_calendar,
    week_is_over,
)
from storage.models import AccountState, AuditEvent, Role, School, TelegramAccount

TET = Break("Tết Nguyên đán", date(2027, 2, 8), date(2027, 2, 21))
TODAY = date(2026, 11, 29)


def person(school_id: int, *roles: Role) -> Actor:
    """An actor holding these roles (no roles: a person not linked)."""
    account = TelegramAccount(
        school_id=school_id, telegram_user_id=1, chat_id=1, state=AccountState.LINKED
    )
    return Actor(account, frozenset(roles))


def test_a_change_reads_as_one_of_five_forms() -> None:
    assert read_change(["batdau", "07/09/2026"]) == Change(year_start=date(2026, 9, 7))
    assert read_change(["HK1", "16"]) == Change(term1_weeks=16)
    assert read_change(["hk2", "19"]) == Change(term2_weeks=19)
    assert read_change(["nghi", "08/02/2027", "21/02/2027", "Tết", "Nguyên", "đán"]) == Change(
        add_break=TET
    )
    assert read_change(["xoanghi", "2"]) == Change(remove_break=2)


def test_a_change_that_cannot_be_read_says_why() -> None:
    assert read_change(["batdau", "31/02/2027"]) == BadChange(Unclear.NOT_A_DATE, "31/02/2027")
    assert read_change(["nghi", "08/02/2027", "21-02", "Tết"]) == BadChange(
        Unclear.NOT_A_DATE, "21-02"
    )
    for args in (["hk1", "mười"], ["nghi", "08/02/2027"], ["vuivui"], ["batdau"]):
        assert read_change(args) == BadChange(Unclear.USAGE), args


def test_breaks_are_added_at_the_end_and_removed_by_their_number() -> None:
    calendar = Calendar(date(2026, 9, 7), breaks=(TET,))
    other = Break("Giữa kỳ", date(2026, 11, 2), date(2026, 11, 6))
    assert breaks_after(calendar, Change(add_break=other)) == (TET, other)
    assert breaks_after(calendar, Change(remove_break=1)) == ()
    assert breaks_after(calendar, Change(remove_break=2)) == BadChange(
        Unclear.NO_SUCH_BREAK, number=2
    )
    assert breaks_after(calendar, Change(term1_weeks=16)) is None


def test_staff_read_the_calendar_and_only_the_administrator_changes_it() -> None:
    for role in (Role.HOMEROOM, Role.MEDICAL, Role.PRINCIPAL, Role.CLERK):
        assert may_read_calendar(person(1, role)) and not may_change_calendar(person(1, role))
    assert may_read_calendar(person(1, Role.ADMIN)) and may_change_calendar(person(1, Role.ADMIN))
    assert not may_read_calendar(person(1, Role.PARENT))
    assert not may_read_calendar(person(1)) and not may_change_calendar(person(1))


async def test_a_change_asked_by_someone_else_is_refused_and_stores_nothing(
    session: AsyncSession, school: School
) -> None:
    teacher, admin = person(school.id, Role.HOMEROOM), person(school.id, Role.ADMIN)
    parent = person(school.id, Role.PARENT)
    assert await read_calendar(session, parent, TODAY) is Denied.NOT_STAFF
    assert isinstance(await read_calendar(session, teacher, TODAY), Calendar)
    start = Change(year_start=date(2026, 9, 7))
    assert await change_as(session, teacher, TODAY, "t", start) is Denied.NOT_ADMIN
    assert await change_as(session, teacher, TODAY, "t", BadChange(Unclear.USAGE)) is (
        Denied.NOT_ADMIN
    )
    assert await load_calendar(session, school, TODAY) == Calendar(date(2026, 9, 5))
    assert await change_as(session, admin, TODAY, "a", start) is None
    assert await change_as(session, admin, TODAY, "a", Change(add_break=TET)) is None
    assert await change_as(session, admin, TODAY, "a", Change(remove_break=3)) == BadChange(
        Unclear.NO_SUCH_BREAK, number=3
    )
    assert await load_calendar(session, school, TODAY) == Calendar(date(2026, 9, 7), breaks=(TET,))
    actors = await session.scalars(
        select(AuditEvent.actor).where(
            AuditEvent.school_id == school.id, AuditEvent.action == "calendar.changed"
        )
    )
    assert list(actors) == ["a", "a"]


# The week as schools live it -------------------------------------------------------------------

YEAR = Calendar(date(2026, 9, 7))  # week 13: 30/11–04/12/2026, week 14: 07/12–11/12/2026


def number(calendar: Calendar, day: date) -> int | None:
    week = calendar.writing_week(day)
    return None if week is None else week.number


def test_a_school_day_is_in_its_own_week_and_the_weekend_in_the_week_just_ended() -> None:
    assert [number(YEAR, date(2026, 11, 30) + timedelta(days=n)) for n in range(9)] == [
        13,  # Monday 30/11 ... Friday 04/12
        13,
        13,
        13,
        13,
        13,  # Saturday 05/12: the week just ended, not the week to come
        13,  # Sunday 06/12, evening too: the coming week has not begun
        14,  # Monday 07/12
        14,
    ]
    # The old name says the same.
    assert YEAR.working_week(date(2026, 12, 5)) == YEAR.writing_week(date(2026, 12, 5))


def test_a_holiday_belongs_to_the_week_just_ended() -> None:
    monday_off = Break("Nghỉ bù", date(2026, 12, 7), date(2026, 12, 7))
    calendar = Calendar(date(2026, 9, 7), breaks=(monday_off,))
    assert number(calendar, date(2026, 12, 7)) == 13  # no lessons yet in week 14
    assert number(calendar, date(2026, 12, 8)) == 14
    assert not calendar.is_school_day(date(2026, 12, 7))
    assert calendar.is_school_day(date(2026, 12, 8))
    assert not calendar.is_school_day(date(2026, 12, 5))  # a Saturday


def test_tet_belongs_to_the_week_before_it() -> None:
    calendar = Calendar(date(2026, 9, 7), breaks=(TET,))
    before = calendar.writing_week(date(2027, 2, 5))
    assert before is not None and before.end == date(2027, 2, 5)
    for day in (date(2027, 2, 6), date(2027, 2, 10), date(2027, 2, 21)):
        assert calendar.writing_week(day) == before, day
    after = calendar.writing_week(date(2027, 2, 22))
    assert after is not None and after.number == before.number + 1


def test_no_week_before_the_first_school_day_nor_in_the_summer() -> None:
    assert YEAR.writing_week(date(2026, 9, 6)) is None
    assert number(YEAR, date(2026, 9, 7)) == 1
    last = YEAR.weeks()[-1]
    assert YEAR.writing_week(last.end + timedelta(days=2)) == last  # its Sunday
    assert YEAR.writing_week(last.end + timedelta(days=3)) is None


def test_a_weeks_news_waits_for_its_last_school_day() -> None:
    friday_off = Break("Nghỉ lễ", date(2026, 12, 4), date(2026, 12, 4))
    calendar = Calendar(date(2026, 9, 7), breaks=(friday_off,))
    week = calendar.writing_week(date(2026, 12, 2))
    assert week is not None and calendar.last_school_day(week) == date(2026, 12, 3)
    assert not week_is_over(calendar, week, date(2026, 12, 2))
    assert week_is_over(calendar, week, date(2026, 12, 3))
    coming = YEAR.weeks()[13]  # week 14, seen on Sunday 06/12
    assert not week_is_over(YEAR, coming, date(2026, 12, 6))
    assert week_is_over(YEAR, coming, date(2026, 12, 11))
