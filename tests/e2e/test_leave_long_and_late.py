"""Leave requests at their edges, through the sandbox with the bot's clock set: a reason longer
than the limit (and cut in two by Telegram) is kept and sent shortened, never lost and never
taken in pieces; a request confirmed after the week's notice went out reaches the family as an
addendum, once; the teacher's "Từ chối" followed by "Xác nhận" leaves no question open.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.long_text import shorten
from bot.features.weekly.jobs import send_due as weekly_due
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    CommentKind,
    DayPart,
    Notice,
    PendingInput,
    RequestState,
    School,
    TelegramAccount,
    WeeklyComment,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, forge, linked_person, vn
from tests.e2e.test_feedback import send_due
from tests.e2e.test_leave import (
    CHILD,
    MONDAY,
    REPLACED,
    SENT,
    absences,
    ask_leave,
    clock_of,
    data_of,
    pending_kind,
    pupil_id,
    reply,
    requests,
    school_year,  # noqa: F401  (a fixture)
    to_reason,
)
from tests.e2e.test_school_days import from_bot

FRIDAY = date(2026, 12, 11)
SENTENCE = "Cháu bị sốt cao từ tối qua, gia đình đã đưa cháu đi khám và bác sĩ dặn nghỉ ngơi. "


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message["buttons"] for button in row]


async def alert_on(
    sandbox: RunningSandbox, person: PersonClient, data: str, message: dict[str, Any]
) -> str | None:
    """Press `data` on this message (forged: its button may be gone); the alert, if any."""
    (bot_id,) = sandbox.state.bots
    alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=data, message_id=message["message_id"], forged=True)
    for _ in range(200):
        if sandbox.state.callbacks[sent["callback_query_id"]][2]:
            break
        await asyncio.sleep(0.05)
    return str(alerts[-1]["text"]) if len(alerts) > before else None


async def pending_data(session: AsyncSession, school: School, person_id: int) -> dict[str, object]:
    await session.commit()
    account = select(TelegramAccount.id).where(
        TelegramAccount.school_id == school.id, TelegramAccount.telegram_user_id == person_id
    )
    data = await session.scalar(
        select(PendingInput.data)
        .where(PendingInput.account_id.in_(account))
        .execution_options(populate_existing=True)
    )
    return dict(data or {})


async def test_a_5000_character_reason_is_kept_and_sent_shortened(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """Telegram delivers 5,000 characters as 4,096 and the 904 after them: both are kept as one
    reason, the parent is told how long it may be, no piece becomes the reason, and the reason
    sent shortened reaches the teacher."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    text = (SENTENCE * 70)[:5000]
    await to_reason(mother, child, MONDAY)
    await mother.send(text[:4096])
    await mother.send(text[4096:])
    first = await mother.next_message(timeout=10, new_only=True)
    assert "4096" in first["text"] and "2000" in first["text"], first["text"]
    joined = await mother.next_message(timeout=10, new_only=True)
    assert "5000" in joined["text"] and "ghép" in joined["text"], joined["text"]
    assert labels(joined) == ["Gửi bản rút gọn", "Hủy"]
    assert await requests(session, school) == []  # nothing sent, no piece taken as the reason
    kept = await pending_data(session, school, mother.person_id)
    assert kept["long"] == text and "reason" not in kept

    # The offer for the first piece only was replaced by the joined one.
    short_first = data_of(first, f"v1:leave:short:{child}:4096:")
    assert await forge(sandbox, mother, short_first) == REPLACED
    await mother.press(data=data_of(joined, f"v1:leave:short:{child}:5000:"))
    summary = await reply(mother)
    reason = shorten(text)
    assert summary["event"] == "edit" and reason in summary["text"]
    assert len(reason) <= 2000 and reason.endswith("…")
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    await reply(mother)
    (request,) = await requests(session, school)
    assert request.reason == reason and text.startswith(reason[:-1].rstrip())
    await send_due(running_bot)
    card = await teacher.next_message(timeout=10, new_only=True)
    assert CHILD in card["text"] and SENTENCE.strip() in card["text"]
    assert labels(card) == ["Xác nhận", "Từ chối"]

    # The offer's buttons pressed late, and twice: the request was sent; nothing changes.
    for _twice in range(2):
        for data in (
            short_first,
            data_of(joined, f"v1:leave:short:{child}:5000:"),
            data_of(joined, "v1:leave:cancel:"),
        ):
            assert await forge(sandbox, mother, data) == SENT, data
    assert len(await requests(session, school)) == 1


async def test_a_long_reason_may_be_typed_again_shorter(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """A long reason typed at the summary replaces the reason before (its "Gửi" is over); a
    shorter one typed next is the reason, and the kept text's offer then says nothing is kept."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, school)
    await to_reason(mother, child, MONDAY)
    await mother.send("Con bị ho.")
    summary = await mother.next_message(timeout=10, new_only=True)
    await mother.send("x" * 2500)
    offer = await mother.next_message(timeout=10, new_only=True)
    assert "2500" in offer["text"] and labels(offer) == ["Gửi bản rút gọn", "Hủy"]
    old_send = data_of(summary, f"v1:leave:send:{child}:")
    assert await forge(sandbox, mother, old_send) is not None
    assert await requests(session, school) == []

    await mother.send("Con bị ho, xin nghỉ buổi sáng.")
    again = await mother.next_message(timeout=10, new_only=True)
    assert "Con bị ho, xin nghỉ buổi sáng." in again["text"]
    assert "long" not in await pending_data(session, school, mother.person_id)
    short = data_of(offer, f"v1:leave:short:{child}:2500:")
    for _twice in range(2):
        refused = await alert_on(sandbox, mother, short, offer)
        assert refused is not None and "xxx" not in refused
    closed = await reply(mother)  # the offer loses its buttons
    assert (closed["message_id"], closed["buttons"]) == (offer["message_id"], [])
    assert labels(again) == ["Gửi", "Hủy"]
    await mother.press(data=data_of(again, f"v1:leave:send:{child}:"))
    await reply(mother)
    (request,) = await requests(session, school)
    assert request.reason == "Con bị ho, xin nghỉ buổi sáng."


async def test_a_leave_confirmed_after_the_week_went_out_reaches_the_family_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """Asked on Friday morning for Friday, the week's notice sent at 16:30, confirmed on
    Saturday 09:00: the family gets the short addendum naming Friday's absence; the old
    "Xác nhận" pressed again sends nothing more."""
    school = school_year
    clock = clock_of(running_bot)
    clock.set(vn(2026, 12, 11, 7, 0))
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    await ask_leave(mother, child, FRIDAY, "Con bị sốt.", part="all_day")
    card = await teacher.next_message(timeout=10, new_only=True)
    (request,) = await requests(session, school)

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
    await weekly_due(services.sessions, school.id, vn(2026, 12, 11, 16, 30))
    clock.set(vn(2026, 12, 11, 16, 31))
    await send_due(running_bot)
    (notice,) = [m for m in await from_bot(mother, "Sổ liên lạc tuần 14") if CHILD in m["text"]]
    assert "có phép" not in notice["text"], notice["text"]  # Friday was still pending

    clock.set(vn(2026, 12, 12, 9, 0))  # Saturday
    await teacher.press("Xác nhận", message_id=card["message_id"])
    while (await reply(teacher))["event"] != "edit":  # the sending report came before
        pass
    assert await absences(session, school) == [
        (child, FRIDAY, DayPart.AFTERNOON, True),
        (child, FRIDAY, DayPart.MORNING, True),
    ]
    await send_due(running_bot)  # the decision, at once; the addendum waits ten minutes
    assert await from_bot(mother, "Bổ sung sổ liên lạc") == []
    clock.advance(minutes=11)
    await send_due(running_bot)
    (addendum,) = await from_bot(mother, "Bổ sung sổ liên lạc tuần 14")
    assert CHILD in addendum["text"] and "Chuyên cần" in addendum["text"]
    assert "11/12" in addendum["text"] and "có phép" in addendum["text"], addendum["text"]

    # The old "Xác nhận" again: it says the request is decided, and nothing more is sent.
    for _twice in range(2):
        assert await forge(sandbox, teacher, f"v1:leave:ok:{request.id}") is not None
    clock.advance(minutes=11)
    assert await send_due(running_bot) == 0
    assert len(await from_bot(mother, "Bổ sung sổ liên lạc")) == 1
    await session.commit()
    addenda = select(func.count()).select_from(Notice).where(Notice.kind == "weekly_addendum")
    assert await session.scalar(addenda.where(Notice.school_id == school.id)) == 1
    (request,) = await requests(session, school)
    assert request.state == RequestState.APPROVED


async def test_refuse_then_confirm_leaves_no_question_open(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """The teacher presses "Từ chối", then thinks again and presses "Xác nhận": the request is
    confirmed and the next text she types is not taken as a refusal."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    await ask_leave(mother, child, MONDAY, "Con đi khám mắt.")
    card = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Từ chối", message_id=card["message_id"])
    await teacher.next_message(timeout=10, new_only=True)  # the question for the reason
    assert await pending_kind(session, school, teacher) == "leave_refusal"
    await teacher.press("Xác nhận", message_id=card["message_id"])
    await reply(teacher)
    assert await pending_kind(session, school, teacher) is None
    await teacher.send("Cảm ơn phụ huynh.")
    answer = await teacher.next_message(timeout=10, new_only=True)
    assert "xác nhận" not in answer["text"].lower(), answer["text"]
    (request,) = await requests(session, school)
    assert request.state == RequestState.APPROVED and request.refusal is None


async def test_a_long_refusal_is_kept_and_sent_shortened(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    """The teacher's 2,500-character reason for refusing is kept, offered shortened, and the
    parent receives it; the offer pressed again sends nothing more."""
    school = school_year
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school)
    await ask_leave(mother, child, MONDAY, "Đi chơi xa.")
    card = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Từ chối", message_id=card["message_id"])
    await teacher.next_message(timeout=10, new_only=True)  # the question for the reason
    refusal = ("Tuần này lớp ôn tập và kiểm tra cuối kỳ, cô mong gia đình sắp xếp lại. " * 40)[
        :2500
    ]
    await teacher.send(refusal)
    offer = await teacher.next_message(timeout=10, new_only=True)
    assert "2500" in offer["text"] and labels(offer) == ["Gửi bản rút gọn"]
    (request,) = await requests(session, school)
    assert request.state == RequestState.PENDING
    await teacher.press("Gửi bản rút gọn", message_id=offer["message_id"])
    closed = await reply(teacher)
    while closed["message_id"] != card["message_id"]:  # the request's own message, last
        closed = await reply(teacher)
    assert closed["buttons"] == [] and "❌" in closed["text"]
    (request,) = await requests(session, school)
    assert request.state == RequestState.REJECTED
    assert request.refusal == shorten(refusal) and len(request.refusal) <= 2000
    await send_due(running_bot)
    told = await mother.next_message(timeout=10, new_only=True)
    assert "ôn tập và kiểm tra cuối kỳ" in told["text"]
    for _twice in range(2):
        again = await alert_on(sandbox, teacher, data_of(offer, "v1:leave:rshort:"), offer)
        assert again is not None
    await send_due(running_bot)
    assert await pending_kind(session, school, teacher) is None
    (request,) = await requests(session, school)
    assert request.refusal == shorten(refusal)
