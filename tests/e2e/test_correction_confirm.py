"""The principal's decision card asks to confirm "Duyệt" and "Từ chối" (green and red, the Bot
API's button colours), "Quay lại" decides nothing, and old or double presses say where the
request stands and change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionState, School
from tests.e2e.conftest import send_outbox
from tests.e2e.test_corrections import book, datas, request_on_the_desk, requests
from tests.e2e.test_leave import forge

__all__ = ["book"]  # the fixture


async def buttons_of(person: PersonClient, message_id: int) -> list[list[dict[str, Any]]]:
    for message in await person.messages():
        if message["message_id"] == message_id:
            return list(message.get("buttons") or [])
    raise AssertionError(message_id)


async def test_approve_asks_to_confirm_and_back_decides_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    principal, rid, card = desk.principal, desk.request_id, desk.card
    first = card["buttons"][0]
    assert [b["callback_data"] for b in first] == [
        f"v1:corr:okq:{rid}",
        f"v1:corr:noq:{rid}",
        f"v1:corr:more:{rid}",
    ]
    assert [b.get("style") for b in first] == ["success", "danger", None], first

    await principal.press(data=f"v1:corr:okq:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    shown = await buttons_of(principal, card["message_id"])
    assert [b["callback_data"] for row in shown for b in row] == [
        f"v1:corr:ok:{rid}",
        f"v1:corr:back:{rid}",
    ]
    assert shown[0][0].get("style") == "success"
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.PENDING  # nothing decided by the first press

    await principal.press(data=f"v1:corr:back:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    assert datas({"buttons": await buttons_of(principal, card["message_id"])}) == [
        f"v1:corr:okq:{rid}",
        f"v1:corr:noq:{rid}",
        f"v1:corr:more:{rid}",
    ]
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.PENDING

    await principal.press(data=f"v1:corr:okq:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    await principal.press(data=f"v1:corr:ok:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.APPROVED
    await send_outbox(running_bot)

    # The confirmation pressed again, and the card's old buttons (kept in another chat's copy,
    # or a slow client): each answers with the request's state and changes nothing.
    for action in ("ok", "okq", "noq", "no", "back"):
        told = await forge(sandbox, principal, f"v1:corr:{action}:{rid}")
        assert told is not None and "đã được duyệt" in told, (action, told)
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.APPROVED and request.decision_note is None


async def test_reject_asks_to_confirm_then_for_the_reason(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    principal, rid, card = desk.principal, desk.request_id, desk.card
    await principal.press(data=f"v1:corr:noq:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    shown = await buttons_of(principal, card["message_id"])
    assert [b["callback_data"] for row in shown for b in row] == [
        f"v1:corr:no:{rid}",
        f"v1:corr:back:{rid}",
    ]
    assert shown[0][0].get("style") == "danger"
    await principal.press(data=f"v1:corr:no:{rid}", message_id=card["message_id"])
    asked = await principal.next_message(timeout=10, new_only=True)
    assert "lý do" in asked["text"].lower() or "reason" in asked["text"].lower(), asked
    # "Quay lại" now: the reason is no longer asked; a text is not taken as one.
    await principal.press(data=f"v1:corr:back:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)
    await principal.send("Không đồng ý.")
    await principal.next_message(timeout=10, new_only=True)
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.PENDING and request.decision_note is None
