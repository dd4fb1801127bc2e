"""After a class's week went out: a late comment or absence is kept and reaches the family as an
addendum, one per part however often it is corrected, and a held pupil gets the notice itself."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest_asyncio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor, load_actor
from bot.features.administration.imports import import_roster, import_staff
from bot.features.attendance.queries import cycle
from bot.features.calendar.rules import Calendar
from bot.features.weekly.addenda import ADDENDUM, DELAY
from bot.features.weekly.notices import KIND, send_week
from bot.features.weekly.queries import class_week, pupil_class
from bot.features.weekly.rules import SCHOOL, Saved, Told
from bot.features.weekly.writing import write_comment, write_many, write_note
from storage.models import (
    AccountState,
    DayPart,
    Delivery,
    DeliveryState,
    Guardian,
    Notice,
    School,
    Staff,
    Student,
    TelegramAccount,
)
from tests.factories import shared_file

WEEK = Calendar(date(2026, 9, 7)).weeks()[11]  # week 12, 23/11–27/11/2026
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội, after the notice
SATURDAY = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 09:00
_users = itertools.count(700_000)


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School) -> School:
    """The shared sample roster and staff list."""
    today = date(2026, 11, 23)
    outcome = await import_roster(
        session, school, shared_file("roster.xlsx"), today=today, actor="t"
    )
    assert not outcome.refused
    assert not (await import_staff(session, school, shared_file("staff.csv"), actor="t")).refused
    await session.commit()
    return school


async def account(session: AsyncSession, school: School, phone: str, *, staff: bool) -> Actor:
    row = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=next(_users),
        state=AccountState.LINKED,
        failed_codes=0,
    )
    table = Staff if staff else Guardian
    found = await session.scalar(
        select(table.id).where(table.school_id == school.id, table.phone == phone)
    )
    if staff:
        row.staff_id = found
    else:
        row.guardian_id = found
    session.add(row)
    await session.flush()
    return await load_actor(session, row)


async def pupil(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def addenda(session: AsyncSession, school: School) -> list[Notice]:
    rows = await session.scalars(
        select(Notice)
        .where(Notice.school_id == school.id, Notice.kind == ADDENDUM)
        .order_by(Notice.id)
    )
    return list(rows)


async def test_a_late_comment_is_kept_and_sent_as_one_addendum(
    session: AsyncSession, lists: School
) -> None:
    teacher = await account(session, lists, "+84784437323", staff=True)
    await account(session, lists, "+84841860913", staff=False)  # Đăng's and Thuý's mother
    dang = await pupil(session, lists, "Hoàng Anh Đăng")
    klass = await pupil_class(session, lists.id, dang)
    assert klass is not None
    assert await write_comment(session, teacher, dang, WEEK, "Con ngoan.", now=FRIDAY) == (
        Saved.OK,
        Told.NOT_SENT,
    )
    await send_week(session, lists.id, WEEK, SCHOOL, now=FRIDAY)

    # Saturday: a correction is kept, and queued for the family ten minutes later.
    told = await write_comment(session, teacher, dang, WEEK, "Con ngoan, chăm.", now=SATURDAY)
    assert told == (Saved.OK, Told.ADDENDUM)
    (first,) = await addenda(session, lists)
    assert "Con ngoan, chăm." in first.text and "Hoàng Anh Đăng" in first.text
    assert "Phan Thị Thu" in first.text and lists.name in first.text  # who sends it
    due = await session.scalar(select(Delivery.due_at).where(Delivery.notice_id == first.id))
    assert due is not None and due.replace(tzinfo=UTC) == SATURDAY + DELAY
    # Corrected again before it went: one addendum, the last text.
    later = SATURDAY + timedelta(minutes=3)
    assert (await write_comment(session, teacher, dang, WEEK, "Con rất ngoan.", now=later))[
        1
    ] is Told.ADDENDUM
    (only,) = await addenda(session, lists)
    assert "Con rất ngoan." in only.text and "Con ngoan, chăm." not in only.text
    # Once it went, the same text again tells the family nothing new.
    await session.execute(
        update(Delivery).where(Delivery.notice_id == only.id).values(state=DeliveryState.SENT)
    )
    again = await write_comment(session, teacher, dang, WEEK, "Con rất ngoan.", now=later)
    assert again == (Saved.OK, Told.NOTHING)
    assert len(await addenda(session, lists)) == 1


async def test_a_held_pupil_gets_the_notice_and_a_family_nobody_reaches_is_named(
    session: AsyncSession, lists: School
) -> None:
    teacher = await account(session, lists, "+84784437323", staff=True)
    await account(session, lists, "+84841860913", staff=False)
    dang = await pupil(session, lists, "Hoàng Anh Đăng")
    thuy = await pupil(session, lists, "Hoàng Hà Thuý")
    klass = await pupil_class(session, lists.id, dang)
    assert klass is not None
    (await class_week(session, lists.id, klass, WEEK.start)).hold_missing = True
    await write_comment(session, teacher, dang, WEEK, "Con ngoan.", now=FRIDAY)
    await send_week(session, lists.id, WEEK, SCHOOL, now=FRIDAY)
    refs = select(Notice.ref).where(Notice.school_id == lists.id, Notice.kind == KIND)
    assert len(list(await session.scalars(refs))) == 1  # Thuý was held back
    told = await write_comment(session, teacher, thuy, WEEK, "Con chăm chỉ.", now=SATURDAY)
    assert told == (Saved.OK, Told.NOTICE)
    assert len(list(await session.scalars(refs))) == 2
    nhi = await pupil(session, lists, "Hoàng Bảo Nhi")  # no parent linked
    assert (await write_comment(session, teacher, nhi, WEEK, "Ngoan.", now=SATURDAY))[
        1
    ] is Told.NOBODY
    # The spreadsheet again, after the notice: only the changed comments are told.
    saved, many = await write_many(
        session, teacher, klass, WEEK, {dang: "Con ngoan.", thuy: "Con rất chăm."}, SATURDAY
    )
    assert saved is Saved.OK and many == {thuy: Told.ADDENDUM}
    # The class note too, for every family; removing a note already sent is refused.
    assert await write_note(session, teacher, klass, WEEK, "Họp lớp thứ Bảy.", SATURDAY) == (
        Saved.OK,
        Told.ADDENDUM,
    )
    assert (await write_note(session, teacher, klass, WEEK, None, SATURDAY))[
        0
    ] is Saved.ALREADY_SENT


async def test_an_absence_entered_after_the_notice_reaches_the_family(
    session: AsyncSession, lists: School
) -> None:
    teacher = await account(session, lists, "+84784437323", staff=True)
    await account(session, lists, "+84841860913", staff=False)
    dang = await pupil(session, lists, "Hoàng Anh Đăng")
    await write_comment(session, teacher, dang, WEEK, "Con ngoan.", now=FRIDAY)
    await send_week(session, lists.id, WEEK, SCHOOL, now=FRIDAY)
    friday, saturday = date(2026, 11, 27), date(2026, 11, 28)
    await cycle(session, teacher, dang, friday, DayPart.MORNING, "t", today=saturday, now=SATURDAY)
    (told,) = await addenda(session, lists)
    assert "27/11" in told.text
    # Pressed through back to present before it went: nothing is left to tell.
    for _ in range(2):
        await cycle(
            session, teacher, dang, friday, DayPart.MORNING, "t", today=saturday, now=SATURDAY
        )
    assert await addenda(session, lists) == []
