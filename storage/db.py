"""Engine and session factory; nothing connects until a caller asks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(url: str, *, write_lock_at_begin: bool = False, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys, WAL and a busy timeout.

    With `write_lock_at_begin` (the bot's engine) on SQLite, the process keeps one connection:
    concurrent units of work queue for it in asyncio (fairly, without busy-waiting), and
    transactions begin with `BEGIN IMMEDIATE`, so another process (a CLI import) waits for the
    write lock at the start instead of failing half-way with "database is locked". Transactions
    are kept short (bot/core/pacing.py commits before every Bot API call), so the queue moves
    quickly. PostgreSQL needs nothing of the kind.
    """
    sqlite = make_url(url).get_backend_name() == "sqlite"
    if sqlite and write_lock_at_begin:
        kwargs = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 60, **kwargs}
    engine = create_async_engine(url, **kwargs)
    if sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if write_lock_at_begin:
            event.listen(engine.sync_engine, "connect", _manual_transactions)
            event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _manual_transactions(dbapi_conn: Any, _record: Any) -> None:
    # Stop the driver from issuing its own (deferred) BEGIN; see _begin_immediate.
    dbapi_conn.isolation_level = None


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return the session factory: one session (and one transaction) per unit of work."""
    return async_sessionmaker(engine, expire_on_commit=False)
