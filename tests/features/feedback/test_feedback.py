"""Feedback rules: who answers, working days, teachers' hours, the rate limit, anonymity."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor, load_actor
from bot.core.i18n import translator
from bot.features.administration.imports import import_roster, import_staff
from bot.features.calendar.queries import Break, Calendar
from bot.features.feedback import queries as feedback
from bot.features.feedback import rules
from bot.features.feedback.rules import About, Draft
from storage.models import (
    AccountState,
    AuditEvent,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    Guardian,
    School,
    Staff,
    Student,
    TelegramAccount,
)
from tests.factories import shared_file

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ZONE)
PHONES = {
    "1A": "+84784437323",
    "3B": "+84842493516",
    "principal": "+84789183623",
    "admin": "+84931149131",
    "vice": "+84901078852",
    "mother": "+84841860913",
}
_users = itertools.count(910_000)


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School) -> School:
    """The shared sample roster and staff list."""
    roster = await import_roster(
        session, school, shared_file("roster.xlsx"), today=date(2026, 11, 23), actor="test"
    )
    staff = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    assert not roster.refused and not staff.refused
    await session.commit()
    return school


async def actor_for(session: AsyncSession, school: School, who: str) -> Actor:
    """A linked account for a teacher (by class), the principal or the mother of two 1A pupils."""
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=1,
        state=AccountState.LINKED,
        failed_codes=0,
    )
    model = Guardian if who == "mother" else Staff
    found = await session.scalar(
        select(model.id).where(model.school_id == school.id, model.phone == PHONES[who])
    )
    if who == "mother":
        account.guardian_id = found
    else:
        account.staff_id = found
    session.add(account)
    await session.flush()
    return await load_actor(session, account)


def draft(student_id: int, to_leaders: bool = False, anonymous: bool = False) -> Draft:
    return Draft(student_id, to_leaders, FeedbackTopic.STUDY, anonymous, "Con cần ôn thêm toán.")


async def write(
    session: AsyncSession, parent: Actor, to_leaders: bool = False, anonymous: bool = False
) -> Feedback:
    result = await feedback.create(
        session, parent, draft(min(parent.children), to_leaders, anonymous), FRIDAY, "t", ZONE
    )
    assert not isinstance(result, str), result
    return result[0]


def test_friday_and_two_working_days_is_tuesday() -> None:
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)
    assert rules.add_working_days(FRIDAY, 2, ZONE) == tuesday
    saturday = FRIDAY + timedelta(days=1)
    assert rules.add_working_days(saturday, 2, ZONE) == tuesday
    thursday = FRIDAY - timedelta(days=1)
    assert rules.add_working_days(thursday, 2, ZONE) == datetime(2026, 11, 30, 10, tzinfo=ZONE)


def test_working_days_skip_the_school_breaks() -> None:
    week_off = Break("Nghỉ giữa kỳ", date(2026, 11, 30), date(2026, 12, 4))
    calendar = Calendar(date(2026, 9, 7), breaks=(week_off,))
    after = rules.add_working_days(FRIDAY, 2, ZONE, calendar)
    assert after == datetime(2026, 12, 8, 10, 0, tzinfo=ZONE)
    assert not rules.is_working_day(date(2026, 12, 2), calendar)


def test_hours_are_validated_and_hold_messages_until_the_start() -> None:
    assert rules.parse_hours("6:30 21:00") == ("06:30", "21:00")
    assert rules.parse_hours("06h30-21h00") == ("06:30", "21:00")
    for bad in ("21:00 06:30", "25:00 26:00", "06:30", "sáng tối", "06:30 06:30"):
        assert rules.parse_hours(bad) is None, bad
    hours = ("06:30", "21:00")
    evening = datetime(2026, 11, 27, 22, 15, tzinfo=ZONE)
    assert rules.hold_until(evening, ZONE, hours) == datetime(2026, 11, 28, 6, 30, tzinfo=ZONE)
    dawn = datetime(2026, 11, 27, 5, 0, tzinfo=ZONE)
    assert rules.hold_until(dawn, ZONE, hours) == datetime(2026, 11, 27, 6, 30, tzinfo=ZONE)
    assert rules.hold_until(FRIDAY, ZONE, hours) is None
    assert rules.hold_until(evening, ZONE, None) is None


def test_a_draft_survives_as_pending_data() -> None:
    kept = Draft(7, True, FeedbackTopic.HEALTH, None, None)
    again = Draft.from_data(kept.data())
    assert again == kept and again.next_step() == "anon"
    assert Draft().next_step() == "child"
    assert Draft(7, False, FeedbackTopic.OTHER, False, "x").next_step() == "photo"


async def test_only_the_recipient_answers_and_closes(session: AsyncSession, lists: School) -> None:
    parent = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    other = await actor_for(session, lists, "3B")
    principal = await actor_for(session, lists, "principal")
    to_teacher = await write(session, parent)
    to_leaders = await write(session, parent, to_leaders=True)
    assert rules.may_answer(teacher, to_teacher)
    assert not rules.may_answer(other, to_teacher)
    assert not rules.may_answer(parent, to_teacher)
    assert not rules.may_answer(principal, to_teacher)
    assert rules.may_answer(principal, to_leaders)
    assert not rules.may_answer(teacher, to_leaders)
    assert rules.is_author(parent, to_teacher) and not rules.is_author(teacher, to_teacher)

    refused = await feedback.reply(session, other, to_teacher, "Tôi trả lời", FRIDAY, "t")
    assert refused == rules.NOT_YOURS
    assert feedback.close(session, parent, to_teacher, FRIDAY, "t") == rules.NOT_YOURS
    answer = await feedback.reply(session, teacher, to_teacher, "Cô đã nhận.", FRIDAY, "t")
    assert isinstance(answer, FeedbackMessage) and not answer.from_parent
    assert to_teacher.state is FeedbackState.ANSWERED
    assert feedback.close(session, teacher, to_teacher, FRIDAY, "t") is None
    assert feedback.close(session, teacher, to_teacher, FRIDAY, "t") == rules.CLOSED
    late = await feedback.reply(session, teacher, to_teacher, "Thêm", FRIDAY, "t")
    assert late == rules.CLOSED
    messages = await session.scalar(
        select(func.count())
        .select_from(FeedbackMessage)
        .where(FeedbackMessage.feedback_id == to_teacher.id)
    )
    assert messages == 2
    await session.flush()
    actions = list(
        await session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "feedback", AuditEvent.entity_id == str(to_teacher.id)
            )
        )
    )
    assert sorted(actions) == ["feedback.closed", "feedback.created", "feedback.replied"]


async def test_the_eleventh_feedback_in_an_hour_is_refused(
    session: AsyncSession, lists: School
) -> None:
    parent = await actor_for(session, lists, "mother")
    for _ in range(limits.PER_HOUR):
        await write(session, parent)
    child = min(parent.children)
    result = await feedback.create(session, parent, draft(child), FRIDAY, "t", ZONE)
    assert result == limits.TOO_MANY
    count = await session.scalar(
        select(func.count()).select_from(Feedback).where(Feedback.school_id == lists.id)
    )
    assert count == limits.PER_HOUR
    later = FRIDAY + timedelta(hours=1, minutes=1)
    assert not isinstance(
        await feedback.create(session, parent, draft(child), later, "t", ZONE), str
    )
    long = Draft(child, False, FeedbackTopic.STUDY, False, "x" * 10_000)
    assert await feedback.create(session, parent, long, later, "t", ZONE) == limits.TEXT_TOO_LONG


async def test_someone_elses_child_is_refused(session: AsyncSession, lists: School) -> None:
    parent = await actor_for(session, lists, "mother")
    stranger = await session.scalar(
        select(Student.id).where(Student.school_id == lists.id, Student.id.not_in(parent.children))
    )
    assert stranger is not None
    result = await feedback.create(session, parent, draft(stranger), FRIDAY, "t", ZONE)
    assert result == rules.NOT_YOURS


async def test_anonymous_items_show_the_leaders_only_the_class(
    session: AsyncSession, lists: School
) -> None:
    parent = await actor_for(session, lists, "mother")
    anonymous = await write(session, parent, to_leaders=True, anonymous=True)
    to_teacher = await write(session, parent, anonymous=True)  # anonymity is for the leaders
    assert anonymous.anonymous and not to_teacher.anonymous
    _ = translator("en")
    about = About("Hoàng Anh Đăng", "1A")
    assert rules.parent_label(anonymous, about, _) == "A parent of class 1A"
    assert "Hoàng Anh Đăng" in rules.parent_label(to_teacher, about, _)
    assert rules.school_label(anonymous, about, _) == "School leaders"
    assert rules.school_label(to_teacher, about, _) == "Homeroom teacher of class 1A"
    await session.flush()
    record = await session.scalar(
        select(AuditEvent.after).where(
            AuditEvent.entity == "feedback", AuditEvent.entity_id == str(anonymous.id)
        )
    )
    assert record is not None and "student_id" not in record


async def test_a_teachers_hours_hold_the_item(session: AsyncSession, lists: School) -> None:
    parent = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    assert await feedback.set_hours(session, teacher, ("06:30", "21:00"), "t")
    assert not await feedback.set_hours(session, parent, ("06:30", "21:00"), "t")
    night = datetime.combine(FRIDAY.date(), time(22, 0), tzinfo=ZONE)
    result = await feedback.create(session, parent, draft(min(parent.children)), night, "t", ZONE)
    assert not isinstance(result, str)
    assert result[0].deliver_at == datetime(2026, 11, 28, 6, 30, tzinfo=ZONE).astimezone(UTC)
    to_leaders = await feedback.create(
        session, parent, draft(min(parent.children), to_leaders=True), night, "t", ZONE
    )
    assert not isinstance(to_leaders, str) and to_leaders[0].deliver_at is None
