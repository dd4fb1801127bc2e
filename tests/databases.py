"""Fresh databases for tests: a SQLite file, or a new database on the PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import create_engine

PG_ENV = "SCHOOLBOT_TEST_DATABASE_URL"


def postgres_server() -> str | None:
    """Return the PostgreSQL server URL for tests, if one is configured."""
    return os.environ.get(PG_ENV) or None


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
        return
    server = postgres_server()
    assert server is not None
    name = f"schoolbot_test_{uuid.uuid4().hex[:12]}"
    url = make_url(server)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrated(url: str) -> str:
    """Upgrade a database to the newest schema and return its URL."""

    async def upgrade() -> None:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(upgrade())
    return url
