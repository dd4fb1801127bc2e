"""Attendance through the sandbox: the homeroom teacher presses through a day in one message.

The tests look at structure (buttons, marks "P"/"K", numbers, names) and at the rows stored
rather than at sentences, with the bot's clock set in week 13 of 2026–2027 (30/11–04/12).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    Absence,
    AuditEvent,
    DayPart,
    School,
    SchoolBreak,
    SchoolClass,
    Student,
)
from tests.e2e.conftest import (
    MOTHER,
    TEACHER_1A,
    TEACHER_3B,
    BotClock,
    forge,
    linked_person,
    vn,
)


@pytest_asyncio.fixture
async def bot(running_bot: BotApplication) -> BotApplication:
    """The running bot (it has /diemdanh and its buttons), its clock on Thursday 03/12/2026."""
    BotClock(running_bot, THURSDAY)
    return running_bot


THURSDAY = vn(2026, 12, 3, 10, 0)


def school_today(application: BotApplication) -> date:
    services = application.bot_data["services"]
    today: date = services.clock().astimezone(services.settings.zone).date()
    return today


def last_school_day(today: date) -> date:
    while today.weekday() >= 5:
        today -= timedelta(days=1)
    return today


def buttons(message: dict[str, Any]) -> list[list[tuple[str, str]]]:
    return [[(b["text"], b["callback_data"]) for b in row] for row in message["buttons"]]


def named(message: dict[str, Any], name: str) -> tuple[str, str]:
    """The pupil's button: its label and callback data."""
    (found,) = [b for row in buttons(message)[:-1] for b in row if b[0].endswith(name)]
    return found


async def student_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def stored(session: AsyncSession, school: School) -> dict[tuple[str, DayPart], bool]:
    """The school's absences as (pupil, session) -> excused, read in a new transaction."""
    await session.commit()
    rows = await session.execute(
        select(Student.full_name, Absence.part, Absence.excused)
        .join(Student, Student.id == Absence.student_id)
        .where(Absence.school_id == school.id)
    )
    return {(name, part): excused for name, part, excused in rows}


async def bot_messages(person: PersonClient) -> int:
    return sum(m["from_bot"] for m in await person.messages())


async def test_the_homeroom_teacher_presses_through_a_day(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    day = last_school_day(school_today(bot))
    await teacher.command("diemdanh", day.strftime("%d/%m"))
    ask = await teacher.next_message(timeout=10)
    assert day.strftime("%d/%m/%Y") in ask["text"] and "1A" in ask["text"]
    ((_, morning), (_, afternoon)) = buttons(ask)[0]
    assert morning.endswith(f":{day:%Y%m%d}:m") and afternoon.endswith(f":{day:%Y%m%d}:a")
    sent = await bot_messages(teacher)

    async def press(data: str) -> dict[str, Any]:
        await teacher.press(data=data, message_id=ask["message_id"])
        edited = await teacher.next_message(timeout=10)
        assert edited["event"] == "edit" and edited["message_id"] == ask["message_id"]
        return edited

    sheet = await press(morning)
    rows = buttons(sheet)
    assert len(rows) == 7 and all(len(row) == 2 for row in rows)  # 12 pupils, then 2 buttons
    names = [label for row in rows[:-1] for label, _ in row]
    assert "Hoàng Anh Đăng" in names and not any(" · " in label for label in names)

    dang, thuy, nhi = "Hoàng Anh Đăng", "Hoàng Hà Thuý", "Hoàng Bảo Nhi"
    sheet = await press(named(sheet, dang)[1])
    assert named(sheet, dang)[0] == f"P · {dang}"
    assert await stored(session, lists) == {(dang, DayPart.MORNING): True}
    sheet = await press(named(sheet, dang)[1])
    assert named(sheet, dang)[0] == f"K · {dang}"
    sheet = await press(named(sheet, thuy)[1])
    assert named(sheet, thuy)[0] == f"P · {thuy}"
    assert await stored(session, lists) == {
        (dang, DayPart.MORNING): False,
        (thuy, DayPart.MORNING): True,
    }
    sheet = await press(named(sheet, dang)[1])
    assert named(sheet, dang)[0] == dang
    assert await stored(session, lists) == {(thuy, DayPart.MORNING): True}

    switch, _done = buttons(sheet)[-1]
    sheet = await press(switch[1])
    assert not any(" · " in label for row in buttons(sheet)[:-1] for label, _ in row)
    for _ in range(2):
        sheet = await press(named(sheet, nhi)[1])
    assert named(sheet, nhi)[0] == f"K · {nhi}"
    assert await stored(session, lists) == {
        (thuy, DayPart.MORNING): True,
        (nhi, DayPart.AFTERNOON): False,
    }

    summary = await press(buttons(sheet)[-1][1][1])
    assert summary["buttons"] == []
    _heading, morning_line, afternoon_line = summary["text"].splitlines()
    numbers = [day.strftime("%d"), day.strftime("%m")]
    assert re.findall(r"\d+", morning_line) == [*numbers, "1", "1", "0"]
    assert re.findall(r"\d+", afternoon_line) == [*numbers, "1", "0", "1"]
    assert await bot_messages(teacher) == sent  # everything happened in the one message
    await session.commit()
    changes = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == lists.id, AuditEvent.action == "attendance.changed")
    )
    assert changes == 6


async def test_forged_presses_are_refused_and_change_nothing(
    bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    mother = await linked_person(make_person, *MOTHER)
    other_teacher = await linked_person(make_person, *TEACHER_3B)
    today = school_today(bot)
    day = f"{last_school_day(today):%Y%m%d}"
    dang = await student_id(session, lists, "Hoàng Anh Đăng")
    class_1a = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == lists.id, SchoolClass.name == "1A")
    )
    for person in (mother, other_teacher):
        for data in (
            f"v1:att:mark:{dang}:{day}:m",
            f"v1:att:part:{class_1a}:{day}:m",
            f"v1:att:done:{class_1a}:{day}:a",
        ):
            assert await forge(sandbox, person, data) is not None, data
    tomorrow = f"{today + timedelta(days=1):%Y%m%d}"
    assert await forge(sandbox, teacher, f"v1:att:mark:{dang}:{tomorrow}:m") is not None
    for garbage in (f"v1:att:mark:x:{day}:m", f"v1:att:mark:{dang}:2026:m", "v1:att:mark:1"):
        assert await forge(sandbox, mother, garbage) is None
    assert await stored(session, lists) == {}
    await session.commit()
    changes = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == lists.id, AuditEvent.action == "attendance.changed")
    )
    assert changes == 0
    for person in (mother, other_teacher):
        last = await person.last_message()
        assert last is not None and not last["edited"]


async def test_the_wrong_days_and_people_are_told_why(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("diemdanh")
    assert (await mother.next_message(timeout=10))["buttons"] == []
    teacher = await linked_person(make_person, *TEACHER_1A)
    today = school_today(bot)
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    answers = []
    for args in ("24-11", "24/11/2026", f"{today + timedelta(days=1):%d/%m}", f"{saturday:%d/%m}"):
        await teacher.command("diemdanh", args)
        answer = await teacher.next_message(timeout=10)
        assert answer["buttons"] == [], args
        answers.append(answer["text"])
    assert answers[0] == answers[1] and len(set(answers[1:])) == 3  # form, future, weekend
    await teacher.command("diemdanh")
    answer = await teacher.next_message(timeout=10)
    assert today.weekday() < 5 and answer["buttons"] != []
    assert await stored(session, lists) == {}


async def test_on_a_day_without_lessons_the_week_just_ended_is_opened(
    bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    lists.year_start = date(2026, 9, 7)
    session.add(lists)
    session.add(
        SchoolBreak(
            school_id=lists.id, name="Nghỉ bù", start=date(2026, 12, 7), end=date(2026, 12, 7)
        )
    )
    await session.commit()
    teacher = await linked_person(make_person, *TEACHER_1A)
    clock = BotClock(bot, THURSDAY)
    # Saturday and a holiday Monday: /diemdanh opens Friday 04/12, with the week's other days.
    for moment in (vn(2026, 12, 5, 9, 0), vn(2026, 12, 7, 8, 0)):
        clock.set(moment)
        await teacher.command("diemdanh")
        ask = await teacher.next_message(timeout=10)
        assert "04/12/2026" in ask["text"], ask["text"]
        sessions, days = buttons(ask)
        assert [d for d, _ in days] == ["30/11", "01/12", "02/12", "03/12"]
        assert sessions[0][1].endswith(":20261204:m")
    # Another day of the week, by its button.
    await teacher.press(data=days[0][1], message_id=ask["message_id"])
    monday = await teacher.next_message(timeout=10)
    assert monday["event"] == "edit" and "30/11/2026" in monday["text"]
    # The holiday itself, asked by date: no lessons.
    await teacher.command("diemdanh", "07/12")
    refused = await teacher.next_message(timeout=10)
    assert refused["buttons"] == [] and "ngày nghỉ" in refused["text"], refused["text"]
    assert await stored(session, lists) == {}
