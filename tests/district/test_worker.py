"""`schoolbot worker`: two schools' bots in one process, each on its own webhook route.

The sandbox plays Telegram: it posts each bot's updates to the URL the worker set with
setWebhook, carrying that bot's secret. The worker's bots are read from the bots table, and a
bot added, disabled or refused by Telegram is picked up by `District.refresh()`.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.administration.imports import import_roster
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import AuditEvent, TelegramAccount
from tests.district import workers
from tests.district.workers import (
    HEADER,
    SchoolBotRow,
    add_school,
    message,
    school,
    serving,
    set_enabled,
    worker_settings,
)
from tests.e2e.conftest import MOTHER
from tests.factories import shared_file

WELCOME = "sổ liên lạc điện tử"

# The fixtures of the module's own database.
worker_url = workers.worker_url
worker_engine = workers.worker_engine


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
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str, tmp_path: Path
) -> None:
    a = await add_school(worker_engine, "Trường Tiểu học Xuân Hòa", in_sandbox=sandbox)
    b = await add_school(worker_engine, "Trường Tiểu học Bến Thành", in_sandbox=sandbox)
    async with session_factory(worker_engine)() as session:
        outcome = await import_roster(
            session,
            await school(worker_engine, a.school_id),
            shared_file("roster.xlsx"),
            today=date(2026, 11, 23),
            actor="test",
        )
        assert not outcome.refused, outcome.problems
        await session.commit()
    async with serving(worker_settings(sandbox, worker_url)) as district:
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
    (account_a,) = await accounts(worker_engine, a.school_id, mother.person_id)
    (account_b,) = await accounts(worker_engine, b.school_id, mother.person_id)
    assert account_a.guardian_id is not None
    assert account_b.guardian_id is None


async def test_a_forged_or_other_bots_secret_is_refused_and_nothing_stored(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    b = await add_school(worker_engine, "Trường B", in_sandbox=sandbox)
    attacker = sandbox.add_person("Kẻ lạ", "+84999000111")
    sandbox.state.bot(a.telegram_id).contacts.add(attacker.id)  # A could answer if it took it
    settings = worker_settings(sandbox, worker_url)
    base = settings.public_url
    audited = await audit_count(worker_engine, a.school_id)
    async with serving(settings), httpx.AsyncClient() as http:
        attempts = [
            (f"{base}/tg/{a.telegram_id}", {}, 403),  # no secret
            (f"{base}/tg/{a.telegram_id}", {HEADER: ""}, 403),
            (f"{base}/tg/{a.telegram_id}", {HEADER: b.secret}, 403),  # the other bot's secret
            (f"{base}/tg/{a.telegram_id}", {HEADER: a.secret[:-1]}, 403),
            (f"{base}/tg/{b.telegram_id}", {HEADER: a.secret}, 403),
            (f"{base}/tg/123456", {HEADER: a.secret}, 404),  # a bot this worker does not run
            (f"{base}/tg/hook", {HEADER: a.secret}, 404),
        ]
        for url, headers, status in attempts:
            answer = await http.post(url, json=message(attacker.id, "/start"), headers=headers)
            assert answer.status_code == status, (url, headers)
        # The same route takes the update with A's own secret: the refusals were the checks'.
        control = sandbox.add_person("Khách", "+84999000222")
        sandbox.state.bot(a.telegram_id).contacts.add(control.id)
        answer = await http.post(
            f"{base}/tg/{a.telegram_id}",
            json=message(control.id, "/start"),
            headers={HEADER: a.secret},
        )
        assert answer.status_code == 200  # answered after the update was handled
        visitor = PersonClient(sandbox.url, control.id, a.telegram_id)
        assert WELCOME in (await visitor.last_message() or {}).get("text", "").lower()
    for row in (a, b):
        assert await accounts(worker_engine, row.school_id, attacker.id) == []
    assert await audit_count(worker_engine, a.school_id) == audited
    assert await PersonClient(sandbox.url, attacker.id, a.telegram_id).messages() == []


async def test_a_bot_added_while_running_answers_after_the_refresh(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    async with serving(worker_settings(sandbox, worker_url)) as district:
        c = await add_school(worker_engine, "Trường C", in_sandbox=sandbox)
        assert district.find(c.telegram_id) is None
        await district.refresh()
        assert district.find(c.telegram_id) is not None
        parent = person(sandbox, "Hoa", "+84901000003", c)
        await parent.command("start")
        assert WELCOME in (await parent.next_message(timeout=10))["text"].lower()
        assert district.find(a.telegram_id) is not None  # A kept running through the refresh
    assert len(await accounts(worker_engine, c.school_id, parent.person_id)) == 1


async def test_a_disabled_bot_stops_and_its_webhook_is_deleted(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    b = await add_school(worker_engine, "Trường B", in_sandbox=sandbox)
    settings = worker_settings(sandbox, worker_url)
    async with serving(settings) as district, httpx.AsyncClient() as http:
        await set_enabled(worker_engine, b, False)
        await district.refresh()
        visitor = sandbox.add_person("Khách", "+84999000333")
        answer = await http.post(
            f"{settings.public_url}/tg/{b.telegram_id}",
            json=message(visitor.id, "/start"),
            headers={HEADER: b.secret},
        )
        assert answer.status_code == 404
        assert sandbox.state.recorder.find(bot_id=b.telegram_id, method="deleteWebhook", ok=True)
        assert sandbox.state.bot(b.telegram_id).webhook is None  # Telegram holds B's updates
        assert not sandbox.state.recorder.find(bot_id=a.telegram_id, method="deleteWebhook")
        parent = person(sandbox, "Mai", "+84901000004", a)
        await parent.command("start")
        assert WELCOME in (await parent.next_message(timeout=10))["text"].lower()
        # Enabled again, it is started again at the next refresh, its webhook set again.
        await set_enabled(worker_engine, b, True)
        await district.refresh()
        assert district.find(b.telegram_id) is not None
        assert sandbox.state.bot(b.telegram_id).webhook is not None


async def test_health_readiness_and_a_bot_telegram_refuses(
    sandbox: RunningSandbox,
    worker_engine: AsyncEngine,
    worker_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    settings = worker_settings(sandbox, worker_url)
    base = settings.public_url
    async with serving(settings) as district, httpx.AsyncClient() as http:
        assert (await http.get(f"{base}/healthz")).status_code == 200
        ready = await http.get(f"{base}/readyz")
        assert (ready.status_code, ready.json()) == (200, {"ready": True, "bots": 1})
        # A school whose token Telegram does not know (revoked, mistyped): the bot does not
        # start, the worker says why (by the school and bot id, never the token), A runs on.
        refused = await add_school(worker_engine, "Trường D", in_sandbox=None)
        with caplog.at_level(logging.WARNING, logger="bot.district"):
            await district.refresh()
        assert district.find(refused.telegram_id) is None
        assert str(refused.telegram_id) in caplog.text and refused.code in caplog.text
        assert refused.token not in caplog.text
        assert refused.token.split(":")[1] not in caplog.text
        ready = await http.get(f"{base}/readyz")  # one school's token never takes a worker out
        assert ready.status_code == 200
        assert ready.json() == {"ready": True, "bots": 1, "not_started": [refused.code]}
        assert (await http.get(f"{base}/healthz")).status_code == 200
        assert district.find(a.telegram_id) is not None
        # Once Telegram knows the token, the next refresh starts it.
        sandbox.add_bot(refused.token, f"{refused.code}_bot")
        await district.refresh()
        assert district.find(refused.telegram_id) is not None
        assert (await http.get(f"{base}/readyz")).json() == {"ready": True, "bots": 2}
