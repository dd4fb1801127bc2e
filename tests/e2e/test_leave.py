"""Leave requests through the sandbox: the mother asks, the 1A teacher decides, the notice shows it.

The bot's clock is set (BotClock): Monday 07/12/2026 08:00 in Vietnam unless a test says
otherwise, so that the offered days, the past and the school year are the same on every run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.leave.jobs import remind_due
from bot.features.weekly.jobs import send_due as weekly_due
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
    PendingInput,
    RequestState,
    School,
    Student,
    TelegramAccount,
    WeeklyComment,
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
from tests.e2e.test_feedback import PDF, PNG, PRINCIPAL, send_due

CHILD = "Hoàng Anh Đăng"
DECISIONS = ("leave.approved", "leave.rejected")  # audited decisions (a request is too)
YEAR_START = date(2026, 9, 7)  # a Monday: week 14 is 07/12-11/12
MONDAY = date(2026, 12, 7)

_RUNNING: list[BotApplication] = []  # the test's running bot, whose outbox `ask_leave` sends


@pytest.fixture
async def school_year(
    lists: School, session: AsyncSession, running_bot: BotApplication
) -> AsyncIterator[School]:
    """The school's year started on 07/09/2026; the bot's clock is Monday 07/12/2026 08:00."""
    lists.year_start = YEAR_START
    session.add(lists)
    await session.commit()
    running_bot.bot_data["clock"] = BotClock(running_bot, vn(2026, 12, 7, 8, 0))
    _RUNNING.append(running_bot)
    yield lists
    _RUNNING.remove(running_bot)


def clock_of(application: BotApplication) -> BotClock:
    clock = application.bot_data["clock"]
    assert isinstance(clock, BotClock)
    return clock


def leave_day() -> date:
    """A school day that has not passed yet: today, Monday 07/12/2026."""
    return MONDAY


def datas(message: dict[str, Any]) -> list[str]:
    return [button["callback_data"] for row in message["buttons"] for button in row]


def data_of(message: dict[str, Any], prefix: str) -> str:
    """The data of the message's button that starts with `prefix` (it also names its form)."""
    (found,) = [data for data in datas(message) if data.startswith(prefix)]
    return found


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
    assert len(children["buttons"]) == 4  # two children in 1A, a younger one in 3B, "Huỷ"
    await mother.press(data=data_of(children, f"v1:leave:child:{student_id}:"))
    return await reply(mother)


async def to_reason(
    mother: PersonClient, student_id: int, day: date, part: str = "morning"
) -> dict[str, Any]:
    """The form up to the question for the reason; returns the session screen."""
    prompt = await open_form(mother, student_id)
    by_button = [
        d for d in datas(prompt) if d.startswith(f"v1:leave:day:{student_id}:{day:%Y%m%d}")
    ]
    if by_button:
        await mother.press(data=by_button[0])
    else:
        await mother.send(day.strftime("%d/%m"))
    sessions = await reply(mother)
    assert len(datas(sessions)) == 4  # all day, morning, afternoon, cancel
    await mother.press(data=data_of(sessions, f"v1:leave:part:{student_id}:{part}:"))
    await reply(mother)  # the question for the reason
    return sessions


async def ask_leave(
    mother: PersonClient, student_id: int, day: date, reason: str, part: str = "morning"
) -> dict[str, Any]:
    """Ask leave for one day through the form and send the teacher's copy from the outbox;
    return the parent's last screen."""
    await to_reason(mother, student_id, day, part)
    await mother.send(reason)
    summary = await mother.next_message(timeout=10, new_only=True)
    assert reason in summary["text"] and day.strftime("%d/%m") in summary["text"]
    await mother.press(data=data_of(summary, f"v1:leave:send:{student_id}:"))
    sent = await reply(mother)
    await send_due(_RUNNING[-1])  # the request reaches the teacher through the outbox
    return sent


async def test_a_confirmed_leave_request_is_an_excused_absence_in_the_weekly_notice(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    day = leave_day()
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
    await send_due(running_bot)

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
            week_start=MONDAY,
            kind=CommentKind.HOMEROOM,
            text="Con ngoan, chăm học.",
        )
    )
    await session.commit()
    services = running_bot.bot_data["services"]
    await weekly_due(services.sessions, school.id, vn(2026, 12, 11, 16, 30))  # Friday 16:30
    clock_of(running_bot).set(vn(2026, 12, 11, 16, 31))
    await send_due(running_bot)
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
        .where(AuditEvent.school_id == school.id, AuditEvent.action.in_(DECISIONS))
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
    await send_due(running_bot)
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
    await send_due(running_bot)
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
    today = MONDAY
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
    sessions = await reply(mother)
    await mother.press(data=data_of(sessions, f"v1:leave:part:{child}:morning:"))
    await reply(mother)
    await mother.send("x" * 10_000)
    too_long = await mother.next_message(timeout=10, new_only=True)
    assert "2000" in too_long["text"] and "10000" in too_long["text"]  # kept, not lost
    assert [b["text"] for row in too_long["buttons"] for b in row] == ["Gửi bản rút gọn", "Hủy"]
    assert await requests(session, school) == []

    # The form is ready to send, but ten requests went in the last hour: the 11th is refused.
    await mother.send("Con đi đám cưới ở quê.")
    summary = await mother.next_message(timeout=10, new_only=True)
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
                created_at=vn(2026, 12, 7, 7, 50),  # ten minutes ago by the bot's clock
            )
        )
    await session.commit()
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    refused = await reply(mother)
    assert "10" in refused["text"] and refused["buttons"] == []
    await mother.command("xinnghi")
    again = await mother.next_message(timeout=10, new_only=True)
    assert "10" in again["text"] and again["buttons"] == []
    assert len(await requests(session, school)) == 10


async def pending_kind(session: AsyncSession, school: School, person: PersonClient) -> str | None:
    """The question the bot waits for from this person, if any."""
    await session.commit()
    account = select(TelegramAccount.id).where(
        TelegramAccount.school_id == school.id,
        TelegramAccount.telegram_user_id == person.person_id,
    )
    return await session.scalar(
        select(PendingInput.kind).where(PendingInput.account_id.in_(account))
    )


async def bot_said(person: PersonClient) -> list[str]:
    return [m["text"] or m["caption"] or "" for m in await person.messages() if m["from_bot"]]


SENT = "Đơn xin nghỉ này đã được gửi; không có gì thay đổi."
CONFIRMED = "Đơn xin nghỉ này đã được xác nhận."
STALE = "Đơn này không còn mở; Quý phụ huynh vui lòng gửi lại lệnh /xinnghi."
REPLACED = "Phiếu này đã được thay bằng phiếu mới hơn; không có gì thay đổi."


async def test_every_button_of_a_finished_form_pressed_late_and_twice_changes_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    """The form's child, day, session, send and cancel buttons, pressed after it was sent (and
    again after the teacher confirmed): each says what became of the request and starts
    nothing; the parent's thanks afterwards is no answer to a date question."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)

    await mother.command("xinnghi")
    children = await mother.next_message(timeout=10, new_only=True)
    presses = [data_of(children, f"v1:leave:child:{child}:")]
    await mother.press(data=presses[0])
    days = await reply(mother)
    presses.append(data_of(days, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:"))
    presses.append(data_of(days, "v1:leave:cancel:"))
    await mother.press(data=presses[1])
    sessions = await reply(mother)
    presses.append(data_of(sessions, f"v1:leave:part:{child}:all_day:"))
    await mother.press(data=presses[-1])
    await reply(mother)
    await mother.send("Con bị sốt.")
    summary = await mother.next_message(timeout=10, new_only=True)
    presses.append(data_of(summary, f"v1:leave:send:{child}:"))
    await mother.press(data=presses[-1])
    await reply(mother)
    assert len(await requests(session, school)) == 1

    for _twice in range(2):
        for data in presses:
            assert await forge(sandbox, mother, data) == SENT, data
    assert await pending_kind(session, school, mother) is None
    assert len(await requests(session, school)) == 1

    # "Cảm ơn cô nhiều ạ" is not taken as a date: no form is open.
    await mother.send("Cảm ơn cô nhiều ạ")
    thanks = await mother.next_message(timeout=10, new_only=True)
    assert "dd/mm" not in thanks["text"] and "/help" in thanks["text"]

    await send_due(running_bot)
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Xác nhận")
    await reply(teacher)
    for data in presses:
        assert await forge(sandbox, mother, data) == CONFIRMED, data
    (request,) = await requests(session, school)
    assert request.state == RequestState.APPROVED
    assert len(await absences(session, school)) == 2


async def test_a_cancelled_or_replaced_form_says_so_and_starts_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, school)
    days = await open_form(mother, child)
    day, cancel = (
        data_of(days, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:"),
        data_of(days, "v1:leave:cancel:"),
    )
    await mother.press(data=cancel)
    cancelled = await reply(mother)
    assert cancelled["text"] == "Đã hủy đơn xin nghỉ; chưa có gì được gửi đi."
    for data in (cancel, day, cancel):  # pressed late, and twice
        assert await forge(sandbox, mother, data) == STALE
    assert await pending_kind(session, school, mother) is None

    # A form replaced by a newer one: its buttons leave the newer one alone.
    first = await open_form(mother, child)
    await open_form(mother, child)
    for data in (
        data_of(first, "v1:leave:cancel:"),
        data_of(first, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:"),
    ):
        assert await forge(sandbox, mother, data) == REPLACED
    assert await pending_kind(session, school, mother) == "leave_dates"
    assert await requests(session, school) == []

    # While the session is asked with buttons, a text that is not a date is not taken as one.
    days = await open_form(mother, child)
    await mother.press(data=data_of(days, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:"))
    await reply(mother)
    await mother.send("Cảm ơn cô nhiều ạ")
    answer = await mother.next_message(timeout=10, new_only=True)
    assert answer["text"] == "Quý phụ huynh vui lòng chọn bằng các nút ở trên."


async def test_a_doctors_note_goes_with_the_request_as_what_it_is(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    """A photo captioned with the reason, and a PDF after a typed reason: the teacher receives
    the request, then the note as a photo and as a document."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)

    days = await open_form(mother, child)
    await mother.send_photo(PNG, "giay-kham.jpg", caption="Giấy khám bệnh của cháu Đăng ạ")
    early = await mother.next_message(timeout=10, new_only=True)
    assert "giấy khám bệnh" in early["text"] and "sau khi nhập lý do" in early["text"]
    day = data_of(days, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:")
    await mother.press(data=day, message_id=days["message_id"])
    sessions = await reply(mother)
    part = data_of(sessions, f"v1:leave:part:{child}:morning:")
    await mother.press(data=part, message_id=days["message_id"])
    asked = await reply(mother)
    assert "giấy khám bệnh" in asked["text"]
    await mother.send_photo(PNG, "giay-kham.jpg", caption="Giấy khám bệnh của cháu Đăng ạ")
    summary = await mother.next_message(timeout=10, new_only=True)
    assert "Giấy khám bệnh của cháu Đăng ạ" in summary["text"]
    assert "Giấy khám bệnh: gửi kèm đơn này." in summary["text"]
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    await reply(mother)
    await send_due(running_bot)
    card = await teacher.next_message(timeout=10, new_only=True)
    assert "Giấy khám bệnh: gửi kèm đơn này." in card["text"] and card["buttons"]
    note = await teacher.next_message(timeout=10, new_only=True)
    assert note["file"]["kind"] == "photo" and CHILD in note["caption"]

    await to_reason(mother, child, MONDAY + timedelta(days=1), part="afternoon")
    await mother.send("Con đi khám răng.")
    await mother.next_message(timeout=10, new_only=True)
    await mother.send_document(PDF, "giay-hen.pdf", mime_type="application/pdf")
    summary = await mother.next_message(timeout=10, new_only=True)
    assert "Con đi khám răng." in summary["text"] and "gửi kèm đơn này" in summary["text"]
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    await reply(mother)
    await send_due(running_bot)
    await teacher.next_message(timeout=10, new_only=True)
    note = await teacher.next_message(timeout=10, new_only=True)
    assert note["file"]["kind"] == "document" and note["file"]["file_name"] == "giay-hen.pdf"
    assert len(await requests(session, school)) == 2


async def test_a_request_waiting_two_working_days_is_reminded_or_escalated(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,
    session: AsyncSession,
) -> None:
    """Asked on Saturday 09:00: Tuesday's morning job passes over it, Wednesday's reminds the
    1A teacher once; the 3B request, whose teacher has not joined, goes to the principal."""
    school = school_year
    clock = clock_of(running_bot)
    clock.set(vn(2026, 12, 5, 9, 0))
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    await ask_leave(mother, await pupil_id(session, school), MONDAY, "Con bị sốt.")
    await teacher.next_message(timeout=10, new_only=True)
    sent = await ask_leave(
        mother, await pupil_id(session, school, "Hoàng Minh Khôi"), MONDAY, "Ốm."
    )
    assert "chưa tham gia" in sent["text"], sent["text"]
    first, second = await requests(session, school)

    sessions = running_bot.bot_data["services"].sessions
    assert await remind_due(sessions, school.id, vn(2026, 12, 8, 7, 30)) == []
    wednesday = vn(2026, 12, 9, 7, 30)
    assert await remind_due(sessions, school.id, wednesday) == [first.id, second.id]
    assert await remind_due(sessions, school.id, vn(2026, 12, 10, 7, 30)) == []
    clock.set(wednesday)
    await send_due(running_bot)
    reminder = await teacher.next_message(timeout=10, new_only=True)
    assert "Nhắc việc" in reminder["text"] and CHILD in reminder["text"]
    assert datas(reminder) == [f"v1:leave:ok:{first.id}", f"v1:leave:no:{first.id}"]
    escalated = [text for text in await bot_said(principal) if "Hoàng Minh Khôi" in text]
    assert len(escalated) == 1 and "3B chưa tham gia" in escalated[0]
    reminders = select(func.count()).select_from(Notice).where(Notice.kind == "leave_reminder")
    assert await session.scalar(reminders.where(Notice.school_id == school.id)) == 2
