"""The signed minutes go through the outbox: a bad moment at Telegram after the third signature
does not cost anyone their copy.

The minutes are queued with the third signature as a document the database keeps; the
dispatcher reads it, uploads it under its file name, and retries a 502 like any delivery.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.corrections import documents as paper
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    CorrectionFile,
    CorrectionState,
    Delivery,
    DeliveryState,
    Notice,
    School,
)
from tests.e2e.conftest import send_outbox
from tests.e2e.test_corrections import (
    TOAN_CN,
    book,  # noqa: F401  (a fixture)
    confirm,
    datas,
    request_on_the_desk,
    requests,
)
from tests.e2e.test_notifications import Clock
from tests.e2e.test_weekly import ZONE, download

DOCUMENT = "sendDocument"


async def minutes_received(person: PersonClient, name: str) -> list[dict[str, Any]]:
    """The messages with the minutes the person has got from the bot."""
    return [
        m
        for m in await person.messages()
        if m["from_bot"] and m["file"] and m["file"]["file_name"] == name
    ]


def on_a_loop() -> bool:
    """Whether the calling thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def test_the_three_get_the_minutes_once_after_telegram_fails_the_upload(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The .docx is laid out in a worker thread: the bot's event loop goes on serving others.
    built_on_a_loop: list[bool] = []
    build_minutes = paper.build_minutes

    def recording_build(*args: Any) -> bytes:
        built_on_a_loop.append(on_a_loop())
        return build_minutes(*args)

    monkeypatch.setattr(paper, "build_minutes", recording_build)
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    teacher, principal, admin = desk.teacher, desk.principal, desk.admin
    school_id, rid, card = desk.school_id, desk.request_id, desk.card
    await confirm(principal, "ok", rid, card["message_id"])
    await principal.next_message(timeout=10)  # the card, edited
    assert await send_outbox(running_bot) == 2
    await teacher.next_message(timeout=10, new_only=True)
    to_admin = await admin.next_message(timeout=10, new_only=True)
    await admin.press(data=datas(to_admin)[0], message_id=to_admin["message_id"])
    await admin.next_message(timeout=10)  # the card, edited
    assert await send_outbox(running_bot) == 3
    signers = ((principal, "principal"), (admin, "admin"), (teacher, "teacher"))
    for person, role in signers:
        ask = await person.next_message(timeout=10, new_only=True)
        assert datas(ask) == [f"v1:corr:sign:{rid}:{role}"], ask

    # Telegram has a bad moment from the third signature on: every upload is a 502.
    sandbox.state.faults.update(error_rate=1.0, methods=[DOCUMENT])
    for person, role in signers:
        await person.press(data=f"v1:corr:sign:{rid}:{role}")
        signed = await person.next_message(timeout=10, new_only=True)
        assert signed["text"].startswith("Đã ký xác nhận"), signed  # told at once, as before
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.SIGNED
    assert built_on_a_loop == [False, False]  # the draft read before signing, the minutes

    services = running_bot.bot_data["services"]
    clock = Clock(datetime.now(UTC))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0.0,
    )
    assert await dispatcher.tick() == 3
    assert request.completed_at is not None  # the minutes are named by their number and year
    name = f"bien-ban-so-01-{request.completed_at.astimezone(ZONE).year}.docx"
    for person, _role in signers:
        failed = sandbox.state.recorder.find(method=DOCUMENT, chat_id=person.person_id, ok=False)
        failed = [call for call in failed if call.error_code == 502]  # not a 429 waited out
        assert len(failed) == 1, failed
        assert await minutes_received(person, name) == []
    await session.rollback()
    draft_ids = await session.scalars(
        select(CorrectionFile.id).where(CorrectionFile.kind == "draft")
    )
    drafts = [f"correction_file:{number}" for number in draft_ids]
    minutes_rows = (
        select(Delivery.id, Delivery.state, Delivery.attempts, Delivery.error)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Notice.school_id == school_id, Notice.media_kind == "stored")
        .where(Notice.media_file.not_in(drafts))  # the drafts the three read before signing
        .order_by(Delivery.id)
    )
    await session.rollback()
    rows = (await session.execute(minutes_rows)).all()
    assert [(state, attempts) for _id, state, attempts, _error in rows] == [
        (DeliveryState.QUEUED, 1)
    ] * 3, rows
    assert all("Bad Gateway" in (error or "") for *_rest, error in rows), rows

    sandbox.state.faults.reset()  # the bad moment passes
    assert await dispatcher.tick() == 0  # the backoff holds them
    clock.now += timedelta(minutes=1)
    assert await dispatcher.tick() == 3
    assert await dispatcher.tick() == 0
    for person, _role in signers:
        (minutes,) = await minutes_received(person, name)
        assert minutes["caption"] == f"Biên bản sửa {TOAN_CN}, đã đủ ba chữ ký xác nhận."
        assert (await download(sandbox, minutes)).startswith(b"PK")  # a .docx is a zip
    await session.rollback()
    rows = (await session.execute(minutes_rows)).all()
    assert [(state, attempts) for _id, state, attempts, _error in rows] == [
        (DeliveryState.SENT, 2)
    ] * 3, rows
