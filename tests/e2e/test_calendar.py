"""The school calendar through the sandbox: staff read it, the administrator changes it.

The tests look at dates, numbers and names, and at what is stored, with the bot's clock set.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.calendar.queries import Break, Calendar
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import AuditEvent, School, SchoolBreak
from tests.e2e.conftest import ADMIN, MOTHER, TEACHER_1A, BotClock, linked_person, vn


@pytest_asyncio.fixture
async def bot(running_bot: BotApplication) -> BotApplication:
    """The running bot (it has /lichhoc), its clock on Saturday 05/12/2026, 09:00."""
    BotClock(running_bot, vn(2026, 12, 5, 9, 0))
    return running_bot


async def stored(session: AsyncSession, school: School) -> tuple[Any, ...]:
    """The school's calendar as stored, and how many changes were audited."""
    await session.commit()
    fresh = await session.get(School, school.id, populate_existing=True)
    assert fresh is not None
    breaks = (
        await session.execute(
            select(SchoolBreak.name, SchoolBreak.start, SchoolBreak.end)
            .where(SchoolBreak.school_id == school.id)
            .order_by(SchoolBreak.start)
        )
    ).all()
    audited = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == school.id, AuditEvent.action == "calendar.changed")
    )
    return fresh.year_start, fresh.term1_weeks, fresh.term2_weeks, tuple(breaks), audited


async def ask(person: PersonClient, args: str = "") -> str:
    await person.command("lichhoc", args)
    text: str = (await person.next_message(timeout=10))["text"]
    return text


async def test_the_administrator_sets_the_calendar(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    admin = await linked_person(make_person, *ADMIN)
    assert "05/09/2026" in await ask(admin)  # the national opening until the school sets one
    assert "07/09/2026" in await ask(admin, "batdau 07/09/2026")
    assert await stored(session, lists) == (date(2026, 9, 7), 18, 17, (), 1)
    await ask(admin, "hk1 16")
    shown = await ask(admin, "hk2 19")
    assert await stored(session, lists) == (date(2026, 9, 7), 16, 19, (), 3)
    assert "16" in shown and "19" in shown
    shown = await ask(admin, "nghi 08/02/2027 21/02/2027 Tết Nguyên đán")
    tet = ("Tết Nguyên đán", date(2027, 2, 8), date(2027, 2, 21))
    assert "Tết Nguyên đán: 08/02/2027–21/02/2027" in shown
    assert await stored(session, lists) == (date(2026, 9, 7), 16, 19, (tet,), 4)
    # Saturday: the week just ended, as /nhanxet and /diemdanh have it.
    week = Calendar(date(2026, 9, 7), 16, 19, (Break(*tet),)).writing_week(date(2026, 12, 5))
    assert week is not None and week.number == 13
    assert "Tuần này: Tuần 13, 30/11–04/12" in shown
    shown = await ask(admin, "xoanghi 1")
    assert "08/02/2027–21/02/2027" not in shown
    assert await stored(session, lists) == (date(2026, 9, 7), 16, 19, (), 5)


async def test_bad_input_is_explained_and_changes_nothing(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    admin = await linked_person(make_person, *ADMIN)
    await ask(admin, "batdau 07/09/2026")
    await ask(admin, "nghi 08/02/2027 21/02/2027 Tết Nguyên đán")
    before = await stored(session, lists)
    normal = await ask(admin)
    for args in (
        "batdau 31/02/2027",
        "batdau 2026-09-07",
        "nghi 21/02/2027 08/02/2027 Tết",
        "nghi 01/07/2027 10/07/2027 Nghỉ hè",
        "nghi 15/02/2027 24/02/2027 Nghỉ bù",
        "nghi 08/02/2027",
        "hk1 26",
        "hk2 0",
        "hk1 mười",
        "xoanghi 2",
        "vuivui",
    ):
        answer = await ask(admin, args)
        assert answer != normal and "08/02/2027–21/02/2027" not in answer, args
        assert await stored(session, lists) == before, args
    assert "31/02/2027" in await ask(admin, "batdau 31/02/2027")


async def test_only_staff_see_it_and_only_the_administrator_changes_it(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    before = await stored(session, lists)
    teacher = await linked_person(make_person, *TEACHER_1A)
    assert "05/09/2026" in await ask(teacher)
    assert "05/09/2026" not in await ask(teacher, "batdau 07/09/2026")
    assert "05/09/2026" not in await ask(teacher, "hk1 10")
    mother = await linked_person(make_person, *MOTHER)
    for args in ("", "hk1 10"):
        assert "05/09/2026" not in await ask(mother, args)
    assert await stored(session, lists) == before
