"""One chat's updates, posted at the same time, are handled one after the other.

On PostgreSQL the two updates go to two workers (two `District`s on one database, as behind a
proxy): the chat's advisory lock makes the second wait until the first is handled and answered.
On SQLite, which serves one process, both go to the one worker and wait on its asyncio lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import TypeHandler

from bot.district.chat_lock import chat_key
from bot.district.worker import District
from sandbox.server import RunningSandbox
from tests.district import workers
from tests.district.workers import (
    HEADER,
    add_school,
    message,
    serving,
    worker_settings,
)

Event = tuple[str, str, int]  # ("start" | "end", worker, update id)

# The fixtures of the module's own database.
worker_url = workers.worker_url
worker_engine = workers.worker_engine


class Watch:
    """Record when each worker starts and ends handling an update; hold one update at will."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.started: dict[int, asyncio.Event] = {}
        self.held: int | None = None
        self.gate = asyncio.Event()

    def on(self, district: District, telegram_id: int, worker: str) -> None:
        running = district.find(telegram_id)
        assert running is not None

        async def begin(update: Update, context: Any) -> None:
            self.events.append(("start", worker, update.update_id))
            self.started.setdefault(update.update_id, asyncio.Event()).set()
            if update.update_id == self.held:
                await self.gate.wait()  # the test lets it finish

        async def end(update: Update, context: Any) -> None:
            self.events.append(("end", worker, update.update_id))

        # Before every handler of the bot, and after all of them (the answers are sent by then).
        running.application.add_handler(TypeHandler(Update, begin), group=-100)
        running.application.add_handler(TypeHandler(Update, end), group=100)

    async def wait_started(self, update_id: int) -> None:
        async with asyncio.timeout(10):
            await self.started.setdefault(update_id, asyncio.Event()).wait()


async def waiting_for_the_lock(engine: AsyncEngine, first: District, key: int) -> bool:
    """Whether an update of the chat waits for its lock (PostgreSQL's view, or the worker's)."""
    if not first.locks.shared:
        return first.locks._holders.get(key, 0) == 2  # one holds it, one waits
    async with engine.connect() as connection:
        waiting = await connection.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        )
    return waiting == 1


async def until(check: Any) -> None:
    """Wait (at most 10 s, looking every 20 ms) until `check()` is true."""
    async with asyncio.timeout(10):
        while not await check():  # noqa: ASYNC110  (pg_locks rings no bell)
            await asyncio.sleep(0.02)


async def test_one_chats_updates_are_handled_one_after_the_other(
    sandbox: RunningSandbox,
    worker_engine: AsyncEngine,
    worker_url: str,
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    parent = sandbox.add_person("Lan", "+84901000009")
    sandbox.state.bot(a.telegram_id).contacts.add(parent.id)
    shared = worker_url.startswith("postgresql")
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(serving(worker_settings(sandbox, worker_url)))
        second = (
            await stack.enter_async_context(serving(worker_settings(sandbox, worker_url)))
            if shared
            else first
        )
        watch = Watch()
        watch.on(first, a.telegram_id, "first")
        if second is not first:
            watch.on(second, a.telegram_id, "second")
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=30))

        def post(district: District, update: dict[str, Any]) -> asyncio.Task[httpx.Response]:
            url = f"{district.settings.public_url}/tg/{a.telegram_id}"
            return asyncio.create_task(http.post(url, json=update, headers={HEADER: a.secret}))

        one, two = message(parent.id, "/start", 1001), message(parent.id, "/start", 1002)
        watch.held = 1001
        answered_one = post(first, one)
        await watch.wait_started(1001)
        answered_two = post(second, two)
        key = chat_key(a.telegram_id, parent.id)
        await until(lambda: waiting_for_the_lock(worker_engine, first, key))
        assert 1002 not in watch.started and not answered_two.done()
        watch.gate.set()
        assert (await answered_one).status_code == 200
        assert (await answered_two).status_code == 200
    worker_two = "second" if shared else "first"
    assert watch.events == [
        ("start", "first", 1001),
        ("end", "first", 1001),
        ("start", worker_two, 1002),
        ("end", worker_two, 1002),
    ]
