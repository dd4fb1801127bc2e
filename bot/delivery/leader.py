"""One sender per bot: leadership through a PostgreSQL advisory lock.

Several bot processes may share one PostgreSQL database (webhook receivers behind a proxy). Only
the one holding the lock named after the bot sends its outbox (and, later, runs its schedule).
The lock lives on a connection kept open for that purpose: when the process dies the connection
drops, PostgreSQL releases the lock, and another process that keeps trying takes over.

SQLite serves one process, which is always the leader.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name, e.g. "sender:123456789"."""
    digest = hashlib.sha256(name.encode()).digest()[:8]
    return int.from_bytes(digest, "big", signed=True)


class Leadership:
    """Try to become, and stay, the holder of a named lock."""

    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self.engine = engine
        self.name = name
        self.key = lock_key(name)
        self._connection: AsyncConnection | None = None
        # The sender's loop and the scheduled jobs ask at the same moment (07:15 on a school
        # day): one connection serves one statement at a time, so they take turns.
        self._turn = asyncio.Lock()

    @property
    def shared(self) -> bool:
        """Tell whether other processes may compete (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    async def check(self) -> bool:
        """Return whether this process leads now, taking the lock if it is free."""
        if not self.shared:
            return True
        async with self._turn:
            return await self._check()

    async def _check(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()  # never idle in a transaction
                return True
            except DBAPIError:
                log.warning("lost the connection holding %s; leadership lost", self.name)
                await self._drop()
        connection = await self.engine.connect()
        try:
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("this process now leads %s", self.name)
        return True

    async def release(self) -> None:
        """Give the lock up (at shutdown), so that another process takes over at once."""
        async with self._turn:
            await self._release()

    async def _release(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
            )
            await self._connection.commit()
        finally:
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except DBAPIError:
                await connection.invalidate()
