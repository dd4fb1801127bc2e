"""The assessment book's locks, deadlines and publication."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Break, Calendar
from storage.models import AssessmentKind, AuditEvent, School, SchoolClass, Student
from storage.names import split_name

YEAR = "2026-2027"
TOAN = Item(AssessmentKind.SCORE, "TOAN")


async def make_class(session: AsyncSession, school: School, name: str) -> SchoolClass:
    """A class of the school, its grade read from the name."""
    klass = SchoolClass(school_id=school.id, name=name, grade=int(name[0]))
    session.add(klass)
    await session.flush()
    return klass


async def make_pupil(
    session: AsyncSession, klass: SchoolClass, code: str, name: str = "Nguyễn Văn An"
) -> Student:
    """A pupil of the class."""
    parts = split_name(name)
    pupil = Student(
        school_id=klass.school_id,
        student_code=code,
        full_name=name,
        family_name=parts.family,
        middle_name=parts.middle,
        given_name=parts.given,
        search_key=name.lower(),
        class_id=klass.id,
    )
    session.add(pupil)
    await session.flush()
    return pupil


async def lock(
    session: AsyncSession, school: School, scope: str, locked: bool, period: Period = Period.CK1
) -> None:
    await assessment.set_lock(
        session,
        school_id=school.id,
        school_year=YEAR,
        period=period,
        scope=scope,
        locked=locked,
        by=None,
        actor="test",
    )


async def locked(session: AsyncSession, school: School, klass: SchoolClass) -> bool:
    return await assessment.is_locked(session, school.id, YEAR, Period.CK1, klass)


async def test_the_most_specific_lock_wins(session: AsyncSession, school: School) -> None:
    a3, b3, c5 = [await make_class(session, school, name) for name in ("3A", "3B", "5C")]
    assert not await locked(session, school, a3)
    await lock(session, school, "school", True)
    await lock(session, school, "grade:3", False)
    assert [await locked(session, school, k) for k in (a3, b3, c5)] == [False, False, True]
    await lock(session, school, f"class:{a3.id}", True)
    assert [await locked(session, school, k) for k in (a3, b3, c5)] == [True, False, True]
    # Another period is not touched.
    assert not await assessment.is_locked(session, school.id, YEAR, Period.GK1, c5)


async def test_a_school_wide_lock_replaces_the_grades_and_classes_locks(
    session: AsyncSession, school: School
) -> None:
    a3, c5 = await make_class(session, school, "3A"), await make_class(session, school, "5C")
    await lock(session, school, "grade:3", False)
    await lock(session, school, f"class:{c5.id}", False)
    await lock(session, school, "school", True)
    assert await locked(session, school, a3) and await locked(session, school, c5)
    table = await assessment.lock_table(session, school.id, YEAR)
    assert table == {"ck1": {"school": True}}
    # A grade's lock replaces its classes' own.
    await lock(session, school, f"class:{a3.id}", False)
    await lock(session, school, "grade:3", True)
    table = await assessment.lock_table(session, school.id, YEAR)
    assert table == {"ck1": {"school": True, "grade:3": True}}


async def test_unlocking_opens_the_items_a_correction_locked_again(
    session: AsyncSession, school: School
) -> None:
    a3 = await make_class(session, school, "3A")
    pupil = await make_pupil(session, a3, "7900000001")
    await assessment.record(
        session,
        school_id=school.id,
        student_id=pupil.id,
        class_id=a3.id,
        school_year=YEAR,
        period=Period.CK1,
        values={TOAN: "8"},
        by=None,
        relock=True,
    )
    result = (await assessment.pupil_results(session, pupil.id, YEAR, Period.CK1))[TOAN]
    assert not await locked(session, school, a3)
    assert await assessment.item_locked(session, school.id, YEAR, Period.CK1, a3, result)
    await lock(session, school, f"class:{a3.id}", False)
    await session.refresh(result)
    assert not result.relocked
    assert not await assessment.item_locked(session, school.id, YEAR, Period.CK1, a3, result)
    actions = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.school_id == school.id)
    )
    assert list(actions) == ["assessment.unlock"]


CALENDAR = Calendar(date(2026, 9, 7))  # a Monday; 18 + 17 weeks, no breaks


@pytest.mark.parametrize(
    ("calendar", "period", "expected"),
    [
        # CK1's test is in week 17 (Friday 01/01/2027): GK1 closes a week before.
        (CALENDAR, Period.GK1, date(2026, 12, 25)),
        # The end-of-year test is in week 34 (Friday 30/04/2027).
        (CALENDAR, Period.CK1, date(2027, 4, 23)),
        (CALENDAR, Period.GK2, date(2027, 4, 23)),
        # CN closes on the year's last teaching day (week 35).
        (CALENDAR, Period.CN, date(2027, 5, 7)),
        # A week of Tết break moves every later week by seven days.
        (
            Calendar(date(2026, 9, 7), breaks=(Break("Tết", date(2027, 2, 8), date(2027, 2, 14)),)),
            Period.CK1,
            date(2027, 4, 30),
        ),
    ],
)
def test_default_deadlines_follow_the_calendar(
    calendar: Calendar, period: Period, expected: date
) -> None:
    assert assessment.default_deadline(calendar, period) == expected


async def test_a_set_deadline_wins_until_it_is_reset(session: AsyncSession, school: School) -> None:
    async def deadline() -> date:
        return await assessment.deadline(session, school.id, YEAR, Period.CK1, CALENDAR)

    assert await deadline() == date(2027, 4, 23)
    for day in (date(2027, 1, 15), None):
        await assessment.set_deadline(
            session, school_id=school.id, school_year=YEAR, period=Period.CK1, day=day, actor="t"
        )
    assert await deadline() == date(2027, 4, 23)
    await assessment.set_deadline(
        session,
        school_id=school.id,
        school_year=YEAR,
        period=Period.CK1,
        day=date(2027, 1, 15),
        actor="t",
    )
    assert await deadline() == date(2027, 1, 15)


async def test_publishing_twice_publishes_once(session: AsyncSession, school: School) -> None:
    now = datetime(2027, 1, 20, 3, tzinfo=UTC)
    assert await assessment.published(session, school.id, YEAR) == []

    async def publish() -> bool:
        return await assessment.publish(
            session,
            school_id=school.id,
            school_year=YEAR,
            period=Period.CK1,
            by=None,
            actor="t",
            now=now,
        )

    assert await publish()
    assert not await publish()
    assert await assessment.published(session, school.id, YEAR) == [Period.CK1]
    assert await assessment.published(session, school.id, "2027-2028") == []
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == school.id, AuditEvent.action == "assessment.publish")
    )
    assert count == 1
