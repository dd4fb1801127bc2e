"""Each chat's updates one after another, across every worker of the district.

Telegram posts a bot's updates over several connections at once, and behind the proxy they
reach different workers. Around the handling of an update the worker holds a lock named after
the bot and the chat: on PostgreSQL a session advisory lock (`pg_advisory_lock`) on a connection
of its own, held until the answers are sent, so a second worker handling the same chat waits
(PostgreSQL queues waiters in order); on SQLite, which serves one process, an asyncio lock.

The wait is bounded (`wait_seconds`, PostgreSQL's `lock_timeout`): past it `ChatBusy` is raised
and the worker answers 503, so Telegram posts the update again later instead of timing out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.delivery.leader import lock_key
from storage.db import create_engine

log = logging.getLogger(__name__)

WAIT_SECONDS = 20.0  # well inside Telegram's patience with a webhook
SLOTS = 32  # updates held at once by one worker (each holds a connection of this pool)


class ChatBusy(Exception):
    """The chat's lock was not had within the wait: answer so that Telegram retries."""


def chat_key(bot: int, chat: int) -> int:
    """The advisory lock key of one bot's chat."""
    return lock_key(f"chat:{bot}:{chat}")


class ChatLocks:
    """Hold one chat's lock around the handling of its update."""

    def __init__(
        self, database_url: str, *, slots: int = SLOTS, wait_seconds: float = WAIT_SECONDS
    ) -> None:
        self.wait_seconds = wait_seconds
        self.engine: AsyncEngine | None = None
        if make_url(database_url).get_backend_name() == "postgresql":
            # Autocommit: a session lock outlives statements, and no transaction stays open.
            self.engine = create_engine(
                database_url,
                isolation_level="AUTOCOMMIT",
                pool_size=slots,
                max_overflow=0,
                pool_timeout=wait_seconds,
            )
        self._local: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    @property
    def shared(self) -> bool:
        """Tell whether the locks are PostgreSQL's (seen by every worker)."""
        return self.engine is not None

    @contextlib.asynccontextmanager
    async def hold(self, bot: int, chat: int) -> AsyncIterator[None]:
        """Hold the lock of `bot`'s `chat` for the block; ChatBusy past the wait."""
        key = chat_key(bot, chat)
        if self.engine is None:
            async with self._local_lock(key):
                yield
            return
        connection = await self._lock(key)
        try:
            yield
        finally:
            await self._unlock(connection, key)

    async def _lock(self, key: int) -> AsyncConnection:
        assert self.engine is not None
        try:
            connection = await self.engine.connect()
        except PoolTimeout as exc:
            raise ChatBusy("no free lock connection") from exc
        try:
            wait_ms = str(int(self.wait_seconds * 1000))
            await connection.execute(
                text("SELECT set_config('lock_timeout', :wait, false)"), {"wait": wait_ms}
            )
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        except DBAPIError as exc:
            await connection.close()
            raise ChatBusy("the chat's lock was not had in time") from exc
        except BaseException:
            await _drop(connection)  # a cancelled wait may still take the lock
            raise
        return connection

    async def _unlock(self, connection: AsyncConnection, key: int) -> None:
        try:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        except BaseException:
            # A connection that may still hold the lock never goes back to the pool: closing
            # it for good releases the lock on the server.
            log.warning("chat lock: unlocking failed; the connection is dropped")
            await _drop(connection)
            raise
        await connection.close()

    @contextlib.asynccontextmanager
    async def _local_lock(self, key: int) -> AsyncIterator[None]:
        lock = self._local.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await lock.acquire()
            except TimeoutError as exc:
                raise ChatBusy("the chat's lock was not had in time") from exc
            try:
                yield
            finally:
                lock.release()
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._local[key]

    async def close(self) -> None:
        """Close the locks' connections."""
        if self.engine is not None:
            await self.engine.dispose()


async def _drop(connection: AsyncConnection) -> None:
    """Close a connection for good (never back to the pool), whatever state it is in."""
    with contextlib.suppress(Exception):
        await connection.invalidate()
    with contextlib.suppress(Exception):
        await connection.close()
