"""One sender per bot: leadership through PostgreSQL advisory locks.

Several bot processes may share one PostgreSQL database (webhook receivers behind a proxy, a
district's workers). Only the process holding the lock named after a bot sends its outbox and
runs its school's schedules. The locks are session-level advisory locks held on one connection
per engine, kept open for that purpose: a worker running a hundred schools' bots holds their
hundred locks on that one connection, not on a hundred. When the process dies the connection
drops, PostgreSQL releases every lock on it, and the other workers, which keep asking, take over.

SQLite serves one process, which is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import time
import weakref

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


# The two-key advisory lock every district worker holds in shared mode: counting its holders
# counts the workers alive, among whom the bots' leadership is shared (`balance`).
PRESENCE = {"a": 20261205, "b": 20}
REST_SECONDS = 30.0  # a lock given up to another worker is not taken back for this long


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name, e.g. "sender:123456789"."""
    digest = hashlib.sha256(name.encode()).digest()[:8]
    return int.from_bytes(digest, "big", signed=True)


class LockHolder:
    """The one connection of an engine that holds this process's advisory locks.

    Statements on it take turns (one connection serves one statement at a time: the sender's
    loop and a scheduled job ask at the same moment at 07:15 on a school day).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.connection: AsyncConnection | None = None
        self.held: set[int] = set()
        self.taken: dict[int, float] = {}  # when each lock was taken (monotonic seconds)
        self.turn = asyncio.Lock()
        # A district's worker shares its bots' leadership with the other workers: `bots` is how
        # many there are; this process then takes at most its fair part (`share`).
        self.bots: int | None = None
        self.present = False  # holds the presence lock (on `connection`)
        self.resting: dict[int, float] = {}  # locks given up: not taken again until then

    async def connected(self) -> AsyncConnection:
        """The holder's connection (a district's worker shows itself present on it)."""
        if self.connection is None:
            self.connection = await self.engine.connect()
            self.present = False
        if self.bots is not None and not self.present:
            await self.connection.execute(text("SELECT pg_advisory_lock_shared(:a, :b)"), PRESENCE)
            await self.connection.commit()
            self.present = True
        return self.connection

    async def share(self) -> int | None:
        """How many bots this process may lead: its part of the district's bots among the
        workers present now (None: no limit, a single school's process). Call in turn."""
        if self.bots is None:
            return None
        connection = await self.connected()
        workers = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = :a AND objid = :b AND objsubid = 2"
            ),
            PRESENCE,
        )
        await connection.commit()
        return max(1, math.ceil(self.bots / max(1, int(workers or 0))))

    async def holds(self, key: int, name: str) -> bool:
        """Whether this process holds `key` now, taking it if it is free (call in turn)."""
        if self.connection is not None:
            try:
                await self.connection.execute(text("SELECT 1"))
                await self.connection.commit()  # never idle in a transaction
            except DBAPIError:
                log.warning("lost the connection holding %d locks; leadership lost", len(self.held))
                await self.drop()
        if key in self.held:
            return True
        if self.resting.get(key, 0.0) > time.monotonic():
            return False  # given up to another worker a moment ago
        try:
            connection = await self.connected()
            limit = await self.share()
            if limit is not None and len(self.held) >= limit:
                return False  # this worker leads its part already
            taken = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            await connection.commit()
        except BaseException:
            await self.drop()
            raise
        if not taken:
            if not self.held and not self.present:
                await self.drop()  # hold no idle connection while leading nothing
            return False
        self.held.add(key)
        self.taken[key] = time.monotonic()
        log.info("this process now leads %s", name)
        return True

    async def let_go(self, key: int) -> None:
        """Release `key` (at shutdown); the connection closes with the last lock."""
        if key not in self.held or self.connection is None:
            return
        self.held.discard(key)
        self.taken.pop(key, None)
        try:
            await self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            await self.connection.commit()
        except DBAPIError:
            await self.drop()
            return
        if not self.held and not self.present:
            await self.drop()

    async def drop(self) -> None:
        """Let go of every lock on the connection and give it back (a connection that broke
        is thrown away: its locks went with it)."""
        connection, self.connection = self.connection, None
        self.held.clear()
        self.taken.clear()
        self.present = False
        if connection is not None:
            try:
                # Session locks outlive a connection given back to the pool: release them all.
                await connection.execute(text("SELECT pg_advisory_unlock_all()"))
                await connection.commit()
                await connection.close()
            except Exception:  # broken (DBAPIError), or left needing a rollback
                with contextlib.suppress(Exception):
                    await connection.invalidate()


_holders: weakref.WeakKeyDictionary[AsyncEngine, LockHolder] = weakref.WeakKeyDictionary()


def holder_of(engine: AsyncEngine) -> LockHolder:
    """The engine's lock holder (one per engine, so one connection per worker)."""
    holder = _holders.get(engine)
    if holder is None:
        holder = _holders[engine] = LockHolder(engine)
    return holder


class Leadership:
    """Try to become, and stay, the holder of a named lock."""

    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self.engine = engine
        self.name = name
        self.key = lock_key(name)
        self.holder = holder_of(engine)

    @property
    def shared(self) -> bool:
        """Tell whether other processes may compete (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    @property
    def _connection(self) -> AsyncConnection | None:
        """The connection holding this lock, while it is held (tests look at it)."""
        return self.holder.connection if self.key in self.holder.held else None

    async def check(self) -> bool:
        """Return whether this process leads now, taking the lock if it is free."""
        if not self.shared:
            return True
        async with self.holder.turn:
            return await self.holder.holds(self.key, self.name)

    def took_over(self, grace: float) -> bool:
        """True once each time this process takes the lock, `grace` seconds after it did (the
        caller then releases what the previous holder had claimed; see takeover.py)."""
        taken = self.holder.taken.get(self.key)
        if taken is None or time.monotonic() - taken < grace:
            return False
        del self.holder.taken[self.key]
        return True

    async def step_down(self, rest: float = REST_SECONDS) -> None:
        """Give the lock up to another worker, and do not take it back for `rest` seconds."""
        async with self.holder.turn:
            await self.holder.let_go(self.key)
            self.holder.resting[self.key] = time.monotonic() + rest

    async def release(self) -> None:
        """Give the lock up (at shutdown), so that another process takes over at once."""
        if not self.shared:
            return
        async with self.holder.turn:
            await self.holder.let_go(self.key)


async def balance(engine: AsyncEngine, leaderships: list[Leadership], bots: int) -> int:
    """Share the district's `bots` among the workers present: this worker leads at most its
    part from now on and gives up what it leads beyond it (the others take those at their
    next check). Returns how many it gave up. PostgreSQL only."""
    holder = holder_of(engine)
    holder.bots = bots
    async with holder.turn:
        limit = await holder.share()
    led = [leadership for leadership in leaderships if leadership.key in holder.held]
    beyond = led[limit:] if limit is not None else []
    for leadership in beyond:
        await leadership.step_down()
    return len(beyond)


async def leave(engine: AsyncEngine) -> None:
    """Close the engine's lock connection (a worker stopping: its presence and locks go)."""
    holder = holder_of(engine)
    async with holder.turn:
        await holder.drop()
