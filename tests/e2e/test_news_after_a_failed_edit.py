"""What other people learn does not hang on an edit of the pressed message.

The sandbox fails every editMessageText (a 502, as when Telegram has a bad moment) while the
principal approves a correction and while the homeroom teacher confirms or refuses a leave
request: the decision is stored, the edit fails, and the teacher and the administrators, or the
parent, still get their news through the outbox.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionState, RequestState, School
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_corrections import (
    CHILD,
    TOAN_CN,
    book,  # noqa: F401  (a fixture)
    datas,
    request_on_the_desk,
    requests,
)
from tests.e2e.test_leave import (  # noqa: F401  (school_year is a fixture)
    ask_leave,
    pupil_id,
    school_year,
)
from tests.e2e.test_leave import requests as leave_requests

EDIT = "editMessageText"
# A parent asks on Thursday evening for leave on Friday (the bot's clock, in Vietnam).
THURSDAY_EVENING = vn(2026, 12, 3, 19, 30)
FRIDAY = date(2026, 12, 4)


def edits_fail(sandbox: RunningSandbox) -> None:
    """From now on every editMessageText is answered 502 Bad Gateway."""
    sandbox.state.faults.update(error_rate=1.0, methods=[EDIT])


async def pressed(sandbox: RunningSandbox, person: PersonClient, **press: Any) -> None:
    """Press a button and wait until the bot has answered the press (its work is done)."""
    query = (await person.press(**press))["callback_query_id"]
    for _ in range(200):
        if sandbox.state.callbacks[query][2]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the press {press} was never answered")


def failed_edits(sandbox: RunningSandbox, person: PersonClient) -> int:
    return len(sandbox.state.recorder.find(method=EDIT, chat_id=person.person_id, ok=False))


async def edit_failed(sandbox: RunningSandbox, person: PersonClient) -> int:
    """The failed edits in the person's chat, once there is one (the pressed message is edited
    after the press is answered, when the decision is stored)."""
    for _ in range(100):
        if failed_edits(sandbox, person):
            break
        await asyncio.sleep(0.05)
    return failed_edits(sandbox, person)


async def test_an_approval_reaches_the_teacher_and_the_admins_when_the_card_cannot_be_edited(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    teacher, principal, admin = desk.teacher, desk.principal, desk.admin
    school_id, rid, card = desk.school_id, desk.request_id, desk.card

    await principal.press(data=f"v1:corr:okq:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)  # "Xác nhận duyệt" in place of the card's buttons
    edits_fail(sandbox)
    await pressed(sandbox, principal, data=f"v1:corr:ok:{rid}", message_id=card["message_id"])
    assert await edit_failed(sandbox, principal) == 1
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED

    assert await send_outbox(running_bot) == 2
    told = await teacher.next_message(timeout=10, new_only=True)
    assert told["text"].startswith(f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi đã được duyệt"), told
    to_admin = await admin.next_message(timeout=10, new_only=True)
    assert datas(to_admin) == [f"v1:corr:sys:{rid}"]
    assert "trên hệ thống chính thức (CSDL ngành)" in to_admin["text"], to_admin["text"]

    # The administrator's "Đã cập nhật" card cannot be edited either: the three are still
    # asked to sign.
    await pressed(sandbox, admin, data=f"v1:corr:sys:{rid}")
    assert await edit_failed(sandbox, admin) == 1
    assert await send_outbox(running_bot) == 3
    for person, role in ((principal, "principal"), (admin, "admin"), (teacher, "teacher")):
        ask = await person.next_message(timeout=10, new_only=True)
        assert datas(ask) == [f"v1:corr:sign:{rid}:{role}"], ask
        assert ask["buttons"][0][0]["text"].startswith("Ký xác nhận ("), ask["buttons"]


async def test_the_parent_learns_of_a_confirmation_the_teacher_cannot_see_edited(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY_EVENING)
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school_year, CHILD)
    day = FRIDAY
    await ask_leave(mother, child, day, "Con bị sốt, xin nghỉ buổi sáng.")
    asked = await teacher.next_message(timeout=10, new_only=True)

    edits_fail(sandbox)
    await pressed(sandbox, teacher, data=datas(asked)[0], message_id=asked["message_id"])
    assert await edit_failed(sandbox, teacher) == 1
    (request,) = await leave_requests(session, school_year)
    assert request.state == RequestState.APPROVED

    assert await send_outbox(running_bot) == 1
    told = await mother.next_message(timeout=10, new_only=True)
    assert CHILD in told["text"] and day.strftime("%d/%m") in told["text"], told["text"]
    assert "có phép" in told["text"], told["text"]


async def test_the_parent_learns_of_a_refusal_the_teacher_cannot_see_edited(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY_EVENING)
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, school_year, CHILD)
    await ask_leave(mother, child, FRIDAY, "Đi khám răng.", part="afternoon")
    asked = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press(data=datas(asked)[1], message_id=asked["message_id"])
    await teacher.next_message(timeout=10, new_only=True)  # the question for the reason

    edits_fail(sandbox)
    await teacher.send("Hôm đó lớp có bài kiểm tra cuối kỳ.")
    done = await teacher.next_message(timeout=10, new_only=True)
    assert "phụ huynh" in done["text"], done["text"]
    (request,) = await leave_requests(session, school_year)
    assert request.state == RequestState.REJECTED

    assert await send_outbox(running_bot) == 1
    told = await mother.next_message(timeout=10, new_only=True)
    assert CHILD in told["text"] and "Hôm đó lớp có bài kiểm tra cuối kỳ." in told["text"]
    for _ in range(100):  # the failed edit comes after the reply
        if failed_edits(sandbox, teacher):
            break
        await asyncio.sleep(0.05)
    assert await edit_failed(sandbox, teacher) == 1
