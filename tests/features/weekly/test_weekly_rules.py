"""The weekly rules without Telegram: who writes, who sends a class's week and when, what waits,
how namesakes are told apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.rules import Break, Calendar, TeachingWeek
from bot.features.weekly.notices import preview, send_week
from bot.features.weekly.rules import (
    COMMENT_LIMIT,
    SCHOOL,
    NotYourClass,
    Saved,
    TooEarly,
    check_comment,
    clean,
    held_back,
    may_change,
    may_send,
    may_write,
    notice_moment,
    sender_account,
    tell_apart,
)
from storage.models import (
    AccountState,
    ClassWeek,
    CommentKind,
    Notice,
    Role,
    School,
    SchoolClass,
    TelegramAccount,
)

WEEK = TeachingWeek(12, 1, date(2026, 11, 23), date(2026, 11, 27))
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # Friday 17:00 in Hà Nội: the week is over


def person(
    school_id: int,
    *roles: Role,
    homeroom: frozenset[int] = frozenset(),
    teaching: frozenset[tuple[int, str]] = frozenset(),
    account_id: int | None = None,
) -> Actor:
    """An actor of a school with these roles and classes."""
    account = TelegramAccount(
        id=account_id, school_id=school_id, telegram_user_id=1, chat_id=1, state=AccountState.LINKED
    )
    return Actor(account, frozenset(roles), homeroom_classes=homeroom, teaching=teaching)


def test_each_comment_has_its_writer() -> None:
    homeroom = person(1, Role.HOMEROOM, homeroom=frozenset({7}))
    maths = person(1, Role.SUBJECT_TEACHER, teaching=frozenset({(7, "TOAN")}))
    nurse = person(1, Role.MEDICAL)
    assert may_write(homeroom, 7, CommentKind.HOMEROOM)
    assert not may_write(homeroom, 8, CommentKind.HOMEROOM)
    assert not may_write(homeroom, 7, CommentKind.SUBJECT, "TOAN")
    assert may_write(maths, 7, CommentKind.SUBJECT, "TOAN")
    assert not may_write(maths, 7, CommentKind.SUBJECT, "TV")
    assert not may_write(maths, 7, CommentKind.HOMEROOM)
    assert may_write(nurse, 7, CommentKind.HEALTH)
    assert not may_write(homeroom, 7, CommentKind.HEALTH)


def test_the_school_sends_every_class_and_a_teacher_only_their_own() -> None:
    teacher = person(1, Role.HOMEROOM, homeroom=frozenset({7}), account_id=40)
    assert may_send(SCHOOL, 1, None) and may_send(SCHOOL, 1, [7, 8])
    assert may_send(teacher, 1, [7])
    assert not may_send(teacher, 1, [7, 8])
    assert not may_send(teacher, 1, None)  # "every class" is the school's
    assert not may_send(teacher, 2, [7])  # another school
    assert not may_send(person(1, Role.PRINCIPAL), 1, [7])
    assert not may_send(person(1, Role.PARENT), 1, [7])
    assert sender_account(SCHOOL) is None and sender_account(teacher) == 40


def test_a_comment_is_cleaned_then_checked() -> None:
    assert clean("  Con  ngoan.\n\n  Chăm chỉ.  \n ") == "Con ngoan.\n\nChăm chỉ."
    assert check_comment(clean(" \n ")) is Saved.EMPTY
    assert check_comment("a" * COMMENT_LIMIT) is Saved.OK
    assert check_comment("a" * (COMMENT_LIMIT + 1)) is Saved.TOO_LONG
    assert may_change(None) and not may_change(NOW)


def test_a_pupil_without_a_comment_gets_the_class_note_unless_held() -> None:
    assert not held_back(True, True, None)
    assert not held_back(False, False, "Họp lớp.")
    assert held_back(False, True, "Họp lớp.")
    assert held_back(False, False, None)


async def test_send_now_by_someone_else_sends_nothing(
    session: AsyncSession, school: School
) -> None:
    klass = SchoolClass(school_id=school.id, name="1A", grade=1)
    session.add(klass)
    await session.flush()
    others = (
        person(school.id, Role.HOMEROOM, homeroom=frozenset({klass.id + 1})),
        person(school.id, Role.PRINCIPAL),
        person(school.id + 1, Role.HOMEROOM, homeroom=frozenset({klass.id})),
    )
    for other in others:
        with pytest.raises(NotYourClass):
            await send_week(session, school.id, WEEK, other, class_ids=[klass.id], now=NOW)
        assert await preview(session, other, WEEK, klass.id) is Saved.NOT_ALLOWED
    weeks = await session.scalar(
        select(func.count()).select_from(ClassWeek).where(ClassWeek.school_id == school.id)
    )
    notices = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    )
    assert (weeks, notices) == (0, 0)
    (sent,) = await send_week(session, school.id, WEEK, SCHOOL, now=NOW)
    assert sent.class_id == klass.id and not sent.already_sent
    assert await preview(session, others[0], WEEK, klass.id) is Saved.NOT_ALLOWED


def test_namesakes_are_told_apart_by_birth_date_or_the_end_of_their_code() -> None:
    oanh = "Ngô Khánh Oanh"
    labels = tell_apart(
        [
            (oanh, "7900000011", date(2018, 1, 25)),
            ("Hoàng Anh Đăng", "7900000012", date(2018, 3, 1)),
            (" Ngô  Khánh Oanh", "7900000099", date(2018, 6, 2)),
        ]
    )
    assert labels == [f"{oanh} (25/01/2018)", "Hoàng Anh Đăng", f"{oanh} (02/06/2018)"]
    # Born the same day (twins), or a birth date missing: the end of the student code.
    twins = tell_apart(
        [(oanh, "7900001234", date(2018, 1, 25)), (oanh, "7900005678", date(2018, 1, 25))]
    )
    assert twins == [f"{oanh} (…1234)", f"{oanh} (…5678)"]
    unknown = tell_apart([(oanh, "7912341234", None), (oanh, "7900001234", date(2018, 1, 1))])
    assert unknown == [f"{oanh} (…41234)", f"{oanh} (…01234)"]  # as many digits as needed


def test_the_scheduled_notice_goes_on_its_day_never_before_the_last_school_day() -> None:
    calendar = Calendar(date(2026, 9, 7))
    week = calendar.weeks()[12]  # week 13, 30/11–04/12/2026
    at = time(16, 30)
    assert notice_moment(calendar, week, 5, at) == (date(2026, 12, 4), at)  # Friday
    assert notice_moment(calendar, week, 6, at) == (date(2026, 12, 5), at)  # Saturday
    assert notice_moment(calendar, week, 4, at) == (date(2026, 12, 4), at)  # not on Thursday
    assert notice_moment(calendar, week, 0, at) == (date(2026, 12, 4), at)  # every school day
    friday_off = Calendar(
        date(2026, 9, 7), breaks=(Break("Lễ", date(2026, 12, 4), date(2026, 12, 4)),)
    )
    assert notice_moment(friday_off, week, 0, at) == (date(2026, 12, 3), at)


async def test_nothing_of_a_week_goes_before_its_last_school_day(
    session: AsyncSession, school: School
) -> None:
    klass = SchoolClass(school_id=school.id, name="1A", grade=1)
    session.add(klass)
    await session.flush()
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội
    with pytest.raises(TooEarly) as early:
        await send_week(session, school.id, WEEK, SCHOOL, now=thursday)
    assert early.value.first_day == date(2026, 11, 27)
    teacher = person(school.id, Role.HOMEROOM, homeroom=frozenset({klass.id}))
    with pytest.raises(TooEarly):
        await send_week(session, school.id, WEEK, teacher, class_ids=[klass.id], now=thursday)
    sent = await session.scalar(
        select(func.count())
        .select_from(ClassWeek)
        .where(ClassWeek.school_id == school.id, ClassWeek.sent_at.is_not(None))
    )
    assert sent == 0
    friday_night = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # Friday 00:00 in Hà Nội
    (result,) = await send_week(session, school.id, WEEK, SCHOOL, now=friday_night)
    assert not result.already_sent
