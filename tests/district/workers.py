"""Helpers for the worker's tests: a database of the module's own, schools with bots, a worker."""

from __future__ import annotations

import contextlib
import random
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.settings import Settings, load_settings
from bot.core.webhook import AppServer
from bot.district.routes import build_routes
from bot.district.worker import District
from sandbox.server import RunningSandbox
from storage import bots
from storage.db import create_engine, session_factory
from storage.models import School, SchoolBot
from storage.queries import ensure_school
from tests.databases import PG_ENV, fresh_database, migrated, postgres_server

HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def worker_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of the test module's own: a worker runs every enabled bot it holds, so it
    must not see the bots other tests record in the run's shared database."""
    if request.param == "postgresql" and postgres_server() is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    with fresh_database(request.param, tmp_path_factory.mktemp("district")) as url:
        yield migrated(url)


@pytest.fixture
async def worker_engine(worker_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the module's database, with no bot left enabled by an earlier test."""
    engine = create_engine(worker_url)
    await disable_every_bot(engine)
    yield engine
    await engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class SchoolBotRow:
    """A school of the test with its bot, as stored and as the sandbox knows it."""

    school_id: int
    code: str
    bot_id: int
    telegram_id: int
    token: str
    secret: str


def new_token() -> str:
    """A token in BotFather's form for a bot id no other test uses."""
    return f"{random.randint(700_000_000, 799_999_999)}:school-{uuid.uuid4().hex[:16]}"


async def add_school(
    engine: AsyncEngine, name: str, token: str | None = None, *, in_sandbox: RunningSandbox | None
) -> SchoolBotRow:
    """A new school with its bot in the table (and in the sandbox, when one is given)."""
    token = token or new_token()
    code = f"d{uuid.uuid4().hex[:10]}"
    async with session_factory(engine)() as session, session.begin():
        school = await ensure_school(session, code, name)
        bot = await bots.put_bot(session, school, token)
        row = SchoolBotRow(school.id, code, bot.id, bot.telegram_id, token, bot.webhook_secret)
    if in_sandbox is not None:
        in_sandbox.add_bot(token, f"{code}_bot", name)
    return row


async def set_enabled(engine: AsyncEngine, row: SchoolBotRow, enabled: bool) -> None:
    """Enable or disable a school's bot, as `schoolbot school disable|enable` does."""
    async with session_factory(engine)() as session, session.begin():
        bot = await session.get(SchoolBot, row.bot_id)
        assert bot is not None
        await bots.set_enabled(session, bot, enabled, now=bot.updated_at)


async def disable_every_bot(engine: AsyncEngine) -> None:
    """Start a test with no enabled bot left from an earlier one."""
    async with session_factory(engine)() as session, session.begin():
        await session.execute(update(SchoolBot).values(enabled=False))


async def school(engine: AsyncEngine, school_id: int) -> School:
    async with session_factory(engine)() as session:
        found = await session.get(School, school_id)
        assert found is not None
        return found


def worker_settings(sandbox: RunningSandbox, database_url: str) -> Settings:
    """A worker's settings on the test's sandbox and database, on a free port."""
    port = free_port()
    return load_settings(
        _env_file=None,
        api_base_url=sandbox.url,
        database_url=database_url,
        public_url=f"http://127.0.0.1:{port}",
        listen=f"127.0.0.1:{port}",
        send_outbox=False,
    )


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[District]:
    """A district worker serving its routes, its bots started by a first refresh."""
    district = District(settings)
    server = AppServer(build_routes(district), settings.listen, "district")
    await server.start()
    try:
        await district.refresh()
        yield district
    finally:
        await server.stop()
        await district.close()


def message(user_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    """A private text message from `user_id`, as Telegram would post it (commands marked)."""
    person = {"id": user_id, "is_bot": False, "first_name": "Khách", "language_code": "vi"}
    body: dict[str, Any] = {
        "message_id": random.randint(1, 1_000_000),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Khách"},
        "from": person,
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id or random.randint(1, 2**30), "message": body}
