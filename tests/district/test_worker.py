"""`schoolbot worker`: two schools' bots in one process, each on its own webhook route.

The sandbox plays Telegram: it posts each bot's updates to the URL the worker set with
setWebhook, carrying that bot's secret. The worker's bots are read from the bots table, and a
bot added, disabled or refused by Telegram is picked up by `District.refresh()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.administration.imports import import_roster
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import create_engine, session_factory
from storage.models import AuditEvent, TelegramAccount
from tests.databases import PG_ENV, fresh_database, migrated, postgres_server
from tests.district.workers import (
    SchoolBotRow,
    add_school,
    disable_every_bot,
    school,
    serving,
    worker_settings,
)
from tests.e2e.conftest import MOTHER
from tests.factories import shared_file

WELCOME = "sổ liên lạc điện tử"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def district_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of this module's own: a worker runs every enabled bot it holds."""
    if request.param == "postgresql" and postgres_server() is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    with fresh_database(request.param, tmp_path_factory.mktemp("district")) as url:
        yield migrated(url)


@pytest.fixture
async def engine(district_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the module's database, with no bot enabled by an earlier test."""
    engine = create_engine(district_url)
    await disable_every_bot(engine)
    yield engine
    await engine.dispose()


def person(sandbox: RunningSandbox, name: str, phone: str, row: SchoolBotRow) -> PersonClient:
    someone = sandbox.add_person(name, phone)
    return PersonClient(sandbox.url, someone.id, row.telegram_id)


async def accounts(engine: AsyncEngine, school_id: int, user_id: int) -> list[TelegramAccount]:
    async with session_factory(engine)() as session:
        found = await session.scalars(
            select(TelegramAccount).where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.telegram_user_id == user_id,
            )
        )
        return list(found)


async def audit_count(engine: AsyncEngine, school_id: int) -> int:
    async with session_factory(engine)() as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.school_id == school_id)
        )
        return int(count or 0)


async def link(parent: PersonClient) -> str:
    """/start, agree and share one's phone; return the bot's answer to the phone."""
    await parent.command("start")
    assert "đồng ý" in (await parent.next_message(timeout=10))["text"].lower()
    await parent.press("Đồng ý")
    await parent.next_message(timeout=10, new_only=True)
    await parent.share_contact()
    return str((await parent.next_message(timeout=10))["text"])


async def test_two_schools_bots_answer_each_in_its_own_school(
    sandbox: RunningSandbox, engine: AsyncEngine, district_url: str, tmp_path: Path
) -> None:
    a = await add_school(engine, "Trường Tiểu học Xuân Hòa", in_sandbox=sandbox)
    b = await add_school(engine, "Trường Tiểu học Bến Thành", in_sandbox=sandbox)
    async with session_factory(engine)() as session:
        outcome = await import_roster(
            session,
            await school(engine, a.school_id),
            shared_file("roster.xlsx"),
            today=date(2026, 11, 23),
            actor="test",
        )
        assert not outcome.refused, outcome.problems
        await session.commit()
    async with serving(worker_settings(sandbox, district_url)) as district:
        assert set(district.by_telegram_id) == {a.telegram_id, b.telegram_id}
        for row in (a, b):  # each bot's webhook is its own route with its own secret
            hook = sandbox.state.bot(row.telegram_id).webhook
            assert hook is not None and hook.url.endswith(f"/tg/{row.telegram_id}")
            assert hook.secret_token == row.secret
        mother = person(sandbox, MOTHER[0], MOTHER[1], a)
        assert "Tài khoản của Quý vị đã được liên kết" in await link(mother)
        # School B's bot never said anything to her; when she writes to it, B does not know her.
        in_b = PersonClient(sandbox.url, mother.person_id, b.telegram_id)
        assert await in_b.messages() == []
        answer_in_b = await link(in_b)
        assert "đã được liên kết" not in answer_in_b
    (account_a,) = await accounts(engine, a.school_id, mother.person_id)
    (account_b,) = await accounts(engine, b.school_id, mother.person_id)
    assert account_a.guardian_id is not None
    assert account_b.guardian_id is None
