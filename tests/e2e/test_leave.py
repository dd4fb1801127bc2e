"""Leave requests through the sandbox: the mother asks, the 1A teacher decides, the notice shows it.

The msgids of this feature are not translated yet, so the tests look at structure (buttons,
numbers, names, days) and at the rows stored; the weekly notice is already in Vietnamese.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.weekly.jobs import send_due
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    Absence,
    AuditEvent,
    CommentKind,
    DayPart,
    LeavePart,
    LeaveRequest,
    Notice,
    RequestState,
    School,
    Student,
    TelegramAccount,
    WeeklyComment,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, TEACHER_3B, forge, linked_person, send_outbox
from tests.e2e.test_notifications import Clock, drain
from tests.e2e.test_weekly import YEAR_START, ZONE, working_week

CHILD = "Hoàng Anh Đăng"


_RUNNING: list[BotApplication] = []  # the test's running bot, whose outbox `ask_leave` sends


@pytest.fixture
async def school_year(
    lists: School, session: AsyncSession, running_bot: BotApplication
) -> AsyncIterator[School]:
    """The school's year started ten weeks ago, so that this week is a teaching week."""
    lists.year_start = YEAR_START
    session.add(lists)
    await session.commit()
    _RUNNING.append(running_bot)
    yield lists
    _RUNNING.remove(running_bot)


def leave_day() -> date:
    """A school day of the working week that has not passed yet."""
    week = working_week()
    return max(datetime.now(ZONE).date(), week.start)


def datas(message: dict[str, Any]) -> list[str]:
    return [button["callback_data"] for row in message["buttons"] for button in row]


async def pupil_id(session: AsyncSession, school: School, name: str = CHILD) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def requests(session: AsyncSession, school: School) -> list[LeaveRequest]:
    await session.commit()
    return list(
        await session.scalars(
            select(LeaveRequest)
            .where(LeaveRequest.school_id == school.id)
            .order_by(LeaveRequest.id)
            .execution_options(populate_existing=True)
        )
    )


async def absences(session: AsyncSession, school: School) -> list[tuple[int, date, DayPart, bool]]:
    await session.commit()
    rows = await session.execute(
        select(Absence.student_id, Absence.day, Absence.part, Absence.excused).where(
            Absence.school_id == school.id
        )
    )
    return sorted((s, d, p, e) for s, d, p, e in rows)


async def reply(person: PersonClient) -> dict[str, Any]:
    return await person.next_message(timeout=10)


async def open_form(mother: PersonClient, student_id: int) -> dict[str, Any]:
    """/xinnghi and the child's button: the day prompt."""
    await mother.command("xinnghi")
    children = await mother.next_message(timeout=10, new_only=True)
    assert len(children["buttons"]) == 3  # two children in 1A and a younger one in 3B
    await mother.press(data=f"v1:leave:child:{student_id}")
    return await reply(mother)


async def ask_leave(
    mother: PersonClient, student_id: int, day: date, reason: str, part: str = "morning"
) -> dict[str, Any]:
    """Ask leave for one day through the form and send the teacher's copy from the outbox;
    return the parent's last screen."""
    prompt = await open_form(mother, student_id)
    by_button = f"v1:leave:day:{student_id}:{day:%Y%m%d}"
    if by_button in datas(prompt):
        await mother.press(data=by_button)
    else:
        await mother.send(day.strftime("%d/%m"))
    sessions = await reply(mother)
    assert len(datas(sessions)) == 4  # all day, morning, afternoon, cancel
    await mother.press(data=f"v1:leave:part:{student_id}:{part}")
    await reply(mother)  # the question for the reason
    await mother.send(reason)
    summary = await mother.next_message(timeout=10, new_only=True)
    assert reason in summary["text"] and day.strftime("%d/%m") in summary["text"]
    await mother.press(data=f"v1:leave:send:{student_id}")
    sent = await reply(mother)
    await send_outbox(_RUNNING[-1])  # the request reaches the teacher through the outbox
    return sent


async def test_a_confirmed_leave_request_is_an_excused_absence_in_the_weekly_notice(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    week, day = working_week(), leave_day()
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)

    await ask_leave(mother, child, day, "Con bị sốt, xin nghỉ buổi sáng.")
    (request,) = await requests(session, school)
    assert (request.state, request.part) == (RequestState.PENDING, LeavePart.MORNING)
    assert (request.first_day, request.last_day) == (day, day)

    # The teacher reads the child, class, day, reason: the parent only as "the parent of".
    asked = await teacher.next_message(timeout=10, new_only=True)
    for shown in (CHILD, "1A", day.strftime("%d/%m"), "Con bị sốt", "phụ huynh của em"):
        assert shown in asked["text"], asked["text"]
    for hidden in (MOTHER[0], MOTHER[1], MOTHER[1].replace("+84", "0"), str(mother.person_id)):
        assert hidden not in asked["text"]
    assert [b["text"] for b in asked["buttons"][0]] == ["Xác nhận", "Từ chối"]
    assert datas(asked) == [f"v1:leave:ok:{request.id}", f"v1:leave:no:{request.id}"]
    queued = select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    assert await session.scalar(queued.where(Notice.kind == "leave_request")) == 1
    await teacher.press("Xác nhận")
    decided = await reply(teacher)
    assert decided["buttons"] == [] and CHILD in decided["text"]
    await send_outbox(running_bot)

    told = await mother.next_message(timeout=10, new_only=True)
    assert CHILD in told["text"] and day.strftime("%d/%m") in told["text"]
    assert await absences(session, school) == [(child, day, DayPart.MORNING, True)]
    (request,) = await requests(session, school)
    assert request.state == RequestState.APPROVED

    # Friday's notice for that child shows the morning as excused.
    session.add(
        WeeklyComment(
            school_id=school.id,
            student_id=child,
            week_start=week.start,
            kind=CommentKind.HOMEROOM,
            text="Con ngoan, chăm học.",
        )
    )
    await session.commit()
    services = running_bot.bot_data["services"]
    friday = datetime.combine(week.end, time(16, 30), tzinfo=ZONE).astimezone(UTC)
    await send_due(services.sessions, school.id, friday)
    clock = Clock(friday + timedelta(minutes=1))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )
    await drain(dispatcher, clock)
    (notice,) = [
        m["text"]
        for m in await mother.messages()
        if m["from_bot"] and "Sổ liên lạc tuần" in m["text"] and CHILD in m["text"]
    ]
    assert "có phép" in notice and day.strftime("%d/%m") in notice, notice
    assert "không phép" not in notice


async def test_forged_stale_and_repeated_presses_change_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    other_teacher = await linked_person(make_person, *TEACHER_3B)
    child = await pupil_id(session, school)
    await ask_leave(mother, child, leave_day(), "Gia đình có việc.", part="all_day")
    (request,) = await requests(session, school)
    await teacher.next_message(timeout=10, new_only=True)

    for person in (other_teacher, mother):
        for action in ("ok", "no"):
            assert await forge(sandbox, person, f"v1:leave:{action}:{request.id}") is not None
    assert await forge(sandbox, mother, "v1:leave:ok:x") is None  # garbage: a quiet answer
    (request,) = await requests(session, school)
    assert request.state == RequestState.PENDING and await absences(session, school) == []

    await teacher.press("Xác nhận")
    await reply(teacher)
    assert len(await absences(session, school)) == 2  # all day: morning and afternoon
    for action in ("ok", "no"):  # the same buttons again: the current state, nothing else
        assert await forge(sandbox, teacher, f"v1:leave:{action}:{request.id}") is not None
    assert len(await absences(session, school)) == 2
    decisions = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == school.id, AuditEvent.action.like("leave.%"))
    )
    assert decisions == 1
    told = [m for m in await mother.messages() if m["from_bot"] and CHILD in m["text"]]
    await teacher.command("help")  # a round trip, so that nothing more is on its way
    await teacher.next_message(timeout=10, new_only=True)
    again = [m for m in await mother.messages() if m["from_bot"] and CHILD in m["text"]]
    assert len(again) == len(told)
    # A stale button of the parent's form: the draft is gone once sent.
    assert await forge(sandbox, mother, f"v1:leave:send:{child}") is not None
    assert len(await requests(session, school)) == 1


async def test_a_refusal_with_its_reason_reaches_the_parent(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    await ask_leave(mother, child, leave_day(), "Đi khám răng.", part="afternoon")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Từ chối")
    await teacher.next_message(timeout=10, new_only=True)  # the question for the reason
    await teacher.send("x" * 2001)
    await teacher.next_message(timeout=10, new_only=True)  # too long: asked again
    assert (await requests(session, school))[0].state == RequestState.PENDING
    await teacher.send("Hôm đó lớp có bài kiểm tra cuối kỳ.")
    await teacher.next_message(timeout=10, new_only=True)
    await send_outbox(running_bot)
    told = await mother.next_message(timeout=10, new_only=True)
    assert CHILD in told["text"] and "Hôm đó lớp có bài kiểm tra cuối kỳ." in told["text"]
    (request,) = await requests(session, school)
    assert (request.state, request.refusal) == (
        RequestState.REJECTED,
        "Hôm đó lớp có bài kiểm tra cuối kỳ.",
    )
    assert await absences(session, school) == []
    original = [
        m for m in await teacher.messages() if m["from_bot"] and "Đi khám răng" in m["text"]
    ]
    assert original and all(m["buttons"] == [] for m in original)


async def test_a_refusal_with_the_longest_texts_still_closes_the_teachers_message(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    """A 2,000-character reason and refusal: the request's message still loses its buttons."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    reason = ("Cháu bị sốt, gia đình xin cho cháu nghỉ để đi khám. " * 40)[:2000]
    await ask_leave(mother, child, leave_day(), reason)
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Từ chối")
    await teacher.next_message(timeout=10, new_only=True)  # the question for the reason
    refusal = ("Lớp có bài kiểm tra cuối kỳ, mong phụ huynh sắp xếp lịch khám khác. " * 30)[:2000]
    await teacher.send(refusal)
    await teacher.next_message(timeout=10, new_only=True)
    (request,) = await requests(session, school)
    assert (request.state, request.refusal) == (RequestState.REJECTED, refusal)
    await send_outbox(running_bot)
    told = await mother.next_message(timeout=10, new_only=True)
    assert "kiểm tra cuối kỳ" in told["text"]
    original = [m for m in await teacher.messages() if m["from_bot"] and "Cháu bị sốt" in m["text"]]
    assert original and all(m["buttons"] == [] for m in original)
    assert all(len(m["text"]) <= 4096 for m in original)


async def test_bad_input_is_answered_and_nothing_is_stored(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, school)
    today = datetime.now(ZONE).date()
    first = leave_day() + timedelta(days=7)
    await open_form(mother, child)
    answers = []
    for typed in (
        (today - timedelta(days=3)).strftime("%d/%m"),
        f"{first:%d/%m}-{first + timedelta(days=40):%d/%m}",
        f"{first:%d/%m}-{first - timedelta(days=2):%d/%m}",
        "31/02",
        "ngày mai",
        "02/01/2099",
    ):
        await mother.send(typed)
        answer = await mother.next_message(timeout=10, new_only=True)
        assert answer["buttons"] == [], typed
        answers.append(answer["text"])
    assert len(set(answers)) == len(answers)
    assert "30" in answers[1]
    assert answers[5] == "Ngày này nằm ngoài năm học hiện tại."

    await mother.send(first.strftime("%d/%m"))
    await reply(mother)
    await mother.press(data=f"v1:leave:part:{child}:morning")
    await reply(mother)
    await mother.send("x" * 10_000)
    too_long = await mother.next_message(timeout=10, new_only=True)
    assert "2000" in too_long["text"] and too_long["buttons"] == []
    assert await requests(session, school) == []

    # The form is ready to send, but ten requests went in the last hour: the 11th is refused.
    await mother.send("Con đi đám cưới ở quê.")
    await mother.next_message(timeout=10, new_only=True)
    account = await session.scalar(
        select(TelegramAccount.id).where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == mother.person_id,
        )
    )
    class_id = await session.scalar(select(Student.class_id).where(Student.id == child))
    assert class_id is not None
    for n in range(10):
        session.add(
            LeaveRequest(
                school_id=school.id,
                account_id=account,
                student_id=child,
                class_id=class_id,
                first_day=first + timedelta(days=n),
                last_day=first + timedelta(days=n),
                part=LeavePart.MORNING,
                reason="Việc gia đình.",
                state=RequestState.PENDING,
            )
        )
    await session.commit()
    await mother.press(data=f"v1:leave:send:{child}")
    refused = await reply(mother)
    assert "10" in refused["text"] and refused["buttons"] == []
    await mother.command("xinnghi")
    again = await mother.next_message(timeout=10, new_only=True)
    assert "10" in again["text"] and again["buttons"] == []
    assert len(await requests(session, school)) == 10
