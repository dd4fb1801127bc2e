"""The principal's "Duyệt" survives a SIGKILL of the bot (issue 14).

The bot runs as its own process, `python -m bot run` with its outbox sender on, against the
test's sandbox and database, as benchmarks/broadcast.py runs it. The 1A teacher files a
correction request; while the sandbox answers every sendMessage with 502 Bad Gateway, the
principal approves it. The decision is stored with the news to the teacher and to the
administrator in one transaction, the sender tries both and fails, and the bot is killed with
SIGKILL while neither delivery is in flight (the process is stopped with SIGSTOP first and
killed only when the database shows both rows queued, not `sending`). Started again with the
faults off, the bot tells the teacher once and the administrator once, and the request was
approved once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.recorder import CallRecord
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import (
    AuditEvent,
    CorrectionRequest,
    CorrectionState,
    Delivery,
    DeliveryState,
    Notice,
    School,
    TelegramAccount,
)
from tests.e2e.conftest import ADMIN, TEACHER_1A, linked_person
from tests.e2e.test_corrections import (
    CHILD,
    PRINCIPAL,
    TOAN_CN,
    book,  # noqa: F401  (a fixture)
    datas,
    file_request,
)
from tests.e2e.test_leave import pupil_id

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 5  # the least allowed: bounds the wait should a row ever be claimed at the kill
SEND = "sendMessage"
BEGIN_POLLING = "deleteWebhook"


class BotProcess:
    """`python -m bot run` on the test's sandbox, database and school; its log kept in a file."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.log = folder / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, sandbox: RunningSandbox, bot_id: int) -> None:
        """Start the bot and return once it starts polling the sandbox for updates.

        PTB's polling begins with deleteWebhook; a getUpdates is recorded only when it returns.
        """
        polls = len(sandbox.state.recorder.find(bot_id=bot_id, method=BEGIN_POLLING))
        with self.log.open("ab") as log:
            # The temporary folder as the working directory keeps a developer's .env out.
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=self.env,
                cwd=self.folder,
                stdout=log,
                stderr=log,
            )

        async def polling() -> bool:
            return len(sandbox.state.recorder.find(bot_id=bot_id, method=BEGIN_POLLING)) > polls

        await self.until(polling, "the bot polls the sandbox", seconds=30)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def signal(self, number: int) -> None:
        assert self.process is not None and self.alive, self.tail()
        self.process.send_signal(number)

    async def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or released by the bot."""
        assert self.process is not None
        self.signal(signal.SIGKILL)
        assert await asyncio.wait_for(self.process.wait(), 10) == -signal.SIGKILL

    async def stop(self) -> None:
        """SIGTERM and wait for the clean stop; SIGKILL if it does not come (after a failure)."""
        if self.process is None or not self.alive:
            return
        self.process.send_signal(signal.SIGCONT)  # in case a failed test left it stopped
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def tail(self) -> str:
        """The end of the bot's log, for a failure's message."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    async def until(
        self, check: Callable[[], Awaitable[bool]], what: str, seconds: float = 15.0
    ) -> None:
        """Poll `check` until it holds; fail at once if the bot has exited, or after `seconds`."""
        deadline = time.monotonic() + seconds
        while not await check():
            if not self.alive:
                raise AssertionError(f"{what}: the bot exited\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not after {seconds:g} s\n{self.tail()}")
            await asyncio.sleep(0.05)


@pytest.fixture
async def bot_process(
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    database_url: str,
    book: School,  # noqa: F811
    tmp_path: Path,
) -> AsyncIterator[BotProcess]:
    """The bot as a process of its own, started; stopped at the end of the test."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLBOT_") and name not in ("LANGUAGE", "LANG", "LC_ALL")
    }
    env.update(
        SCHOOLBOT_TOKEN=sandbox_bot.token,
        SCHOOLBOT_API_BASE_URL=sandbox.url,
        SCHOOLBOT_DATABASE_URL=database_url,
        SCHOOLBOT_SCHOOL=book.code,
        SCHOOLBOT_SEND_OUTBOX="true",
        SCHOOLBOT_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        PYTHONPATH=str(ROOT),
    )
    bot = BotProcess(env, tmp_path)
    await bot.start(sandbox, sandbox_bot.id)
    try:
        yield bot
    finally:
        await bot.stop()
        print(f"The bot's log ({bot.log}), ending:\n{bot.tail()}")  # shown if the test failed


async def told_of_approval(teacher: PersonClient, rid: int) -> list[dict[str, Any]]:
    """The bot's messages telling the teacher that request `rid` is approved (named by the
    item and the pupil, and carrying no button of another request)."""
    headline = f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi đã được duyệt"
    messages = await teacher.messages()
    return [
        m
        for m in messages
        if m["from_bot"]
        and (m.get("text") or "").startswith(headline)
        and all(f":{rid}" in data for data in datas(m))
    ]


async def asked_to_apply(admin: PersonClient, rid: int) -> list[dict[str, Any]]:
    """The bot's messages asking the administrator to change the system for request `rid`."""
    messages = await admin.messages()
    return [m for m in messages if m["from_bot"] and f"v1:corr:sys:{rid}" in datas(m)]


async def test_an_approval_killed_before_the_news_went_out_is_told_once_after_the_restart(
    bot_process: BotProcess,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    admin = await linked_person(make_person, *ADMIN)
    async with sessions() as session:
        student_id = await pupil_id(session, book, CHILD)
    await file_request(sandbox, teacher, student_id, "9")  # a score: the book's page and the test
    card = await principal.next_message(timeout=10, new_only=True)
    await principal.next_message(timeout=10, new_only=True)  # the evidence: the photo
    await principal.next_message(timeout=10, new_only=True)  # and the PDF
    async with sessions() as session:
        (rid,) = await session.scalars(
            select(CorrectionRequest.id).where(CorrectionRequest.school_id == book.id)
        )
        before = await session.scalar(
            select(func.coalesce(func.max(Delivery.id), 0)).where(Delivery.school_id == book.id)
        )
        deciding = await session.scalar(
            select(TelegramAccount.id).where(
                TelegramAccount.school_id == book.id,
                TelegramAccount.chat_id == principal.person_id,
            )
        )
    assert datas(card) == [f"v1:corr:{a}:{rid}" for a in ("okq", "noq", "more")], card
    await principal.press(data=f"v1:corr:okq:{rid}", message_id=card["message_id"])
    await principal.next_message(timeout=10)  # "Xác nhận duyệt" in place of the card's buttons

    calls = len(sandbox.state.recorder.calls)

    def sends(chat: int, ok: bool) -> list[CallRecord]:
        """sendMessage calls to this chat since the principal's press."""
        return [
            call
            for call in sandbox.state.recorder.calls[calls:]
            if call.method == SEND and call.chat_id == chat and call.ok == ok
        ]

    # From now on Telegram cannot take a message: every sendMessage is answered 502.
    sandbox.state.faults.update(error_rate=1.0, methods=[SEND])
    await principal.press(data=f"v1:corr:ok:{rid}", message_id=card["message_id"])

    async def news() -> list[Delivery]:
        """The deliveries the principal's press queued (a scheduled reminder is not counted)."""
        async with sessions() as session:
            return list(
                await session.scalars(
                    select(Delivery)
                    .join(Notice, Notice.id == Delivery.notice_id)
                    .where(
                        Delivery.school_id == book.id,
                        Delivery.id > before,
                        Notice.created_by == deciding,
                    )
                    .order_by(Delivery.id)
                )
            )

    async def approvals() -> int:
        async with sessions() as session:
            return int(
                await session.scalar(
                    select(func.count(AuditEvent.id)).where(
                        AuditEvent.school_id == book.id,
                        AuditEvent.action == "correction.approve",
                        AuditEvent.entity_id == str(rid),
                    )
                )
                or 0
            )

    async def state() -> CorrectionState:
        async with sessions() as session:
            found = await session.scalar(
                select(CorrectionRequest.state).where(CorrectionRequest.id == rid)
            )
            assert found is not None
            return found

    chats = {teacher.person_id, admin.person_id}

    async def tried_and_waiting() -> bool:
        """The decision is stored, and the sender has tried both rows and put them back."""
        rows = await news()
        return (
            await state() is CorrectionState.APPROVED
            and {row.chat_id for row in rows} == chats
            and all(row.state is DeliveryState.QUEUED and row.attempts >= 1 for row in rows)
        )

    # SIGKILL only while the process is stopped and no row is `sending`: then no message is in
    # flight, so exactly once is the promise (an in-flight one may be sent twice, by design).
    for _ in range(20):
        await bot_process.until(tried_and_waiting, "the news tried and queued again")
        bot_process.signal(signal.SIGSTOP)
        if await tried_and_waiting():
            break
        bot_process.signal(signal.SIGCONT)
    else:
        raise AssertionError("the sender was caught sending at every stop")
    await bot_process.kill()

    # At the kill: approved once, the teacher and the administrator told nothing.
    assert await state() is CorrectionState.APPROVED
    assert await approvals() == 1
    assert await told_of_approval(teacher, rid) == []
    assert await asked_to_apply(admin, rid) == []
    for chat in chats:
        assert sends(chat, ok=True) == []
        assert sends(chat, ok=False)  # the sender tried

    # Telegram is back; the bot starts again.
    sandbox.state.faults.reset()
    await bot_process.start(sandbox, sandbox_bot.id)

    async def all_sent() -> bool:
        rows = await news()
        return len(rows) == 2 and all(row.state is DeliveryState.SENT for row in rows)

    await bot_process.until(all_sent, "the news sent after the restart")
    await bot_process.stop()  # nothing more can come: count what arrived

    # Counted in the people's chats, by what the messages say (a duplicate says the same).
    told = await told_of_approval(teacher, rid)
    assert len(told) == 1, [m["text"] for m in told]
    to_admin = await asked_to_apply(admin, rid)
    assert len(to_admin) == 1, [m["text"] for m in to_admin]
    assert "trên hệ thống chính thức (CSDL ngành)" in to_admin[0]["text"], to_admin[0]["text"]
    rows = await news()
    assert sorted((row.chat_id, row.state) for row in rows) == sorted(
        (chat, DeliveryState.SENT) for chat in chats
    )
    assert await state() is CorrectionState.APPROVED
    assert await approvals() == 1
