"""The worker follows changes of a bot's row, serves each school's web pages under its code,
tags its log lines with the school and bot, and runs as `schoolbot worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.settings import SettingsError, load_settings
from bot.district.logcontext import ContextFilter
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage import bots
from storage.db import session_factory
from storage.models import School
from tests.district import workers
from tests.district.workers import (
    HEADER,
    add_school,
    free_port,
    message,
    serving,
    worker_settings,
)
from tests.test_cli import schoolbot

WELCOME = "sổ liên lạc điện tử"

# The fixtures of the module's own database.
worker_url = workers.worker_url
worker_engine = workers.worker_engine


async def test_a_new_secret_restarts_the_bot_with_it(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    settings = worker_settings(sandbox, worker_url)
    url = f"{settings.public_url}/tg/{a.telegram_id}"
    visitor = sandbox.add_person("Khách", "+84999000444")
    sandbox.state.bot(a.telegram_id).contacts.add(visitor.id)
    async with serving(settings) as district, httpx.AsyncClient() as http:
        before = district.find(a.telegram_id)
        new_secret = "a-new-secret_for-the-webhook-0123456789"
        async with session_factory(worker_engine)() as session, session.begin():
            school = await session.get(School, a.school_id)
            assert school is not None
            await bots.put_bot(session, school, a.token, webhook_secret=new_secret)
        await district.refresh()
        assert district.find(a.telegram_id) is not before  # started again
        hook = sandbox.state.bot(a.telegram_id).webhook
        assert hook is not None and hook.secret_token == new_secret
        update = message(visitor.id, "/start")
        assert (await http.post(url, json=update, headers={HEADER: a.secret})).status_code == 403
        assert (await http.post(url, json=update, headers={HEADER: new_secret})).status_code == 200
        answer = await PersonClient(sandbox.url, visitor.id, a.telegram_id).last_message()
        assert answer is not None and WELCOME in answer["text"].lower()


async def test_each_schools_web_pages_are_under_its_code(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường Tiểu học Xuân Hòa", in_sandbox=sandbox)
    b = await add_school(worker_engine, "Trường Tiểu học Bến Thành", in_sandbox=sandbox)
    settings = worker_settings(sandbox, worker_url)
    settings = settings.model_copy(update={"web_url": f"{settings.public_url}/"})
    base = settings.public_url
    async with serving(settings) as district, httpx.AsyncClient() as http:
        for row in (a, b):
            running = district.find(row.telegram_id)
            assert running is not None
            assert running.application.bot_data["services"].settings.web_url == (
                f"{base}/s/{row.code}/"
            )
            page = await http.get(f"{base}/s/{row.code}/")
            assert page.status_code == 200
            assert "<form" in page.text  # the sign-in page of a browser not signed in
        assert (await http.get(f"{base}/s/no-such-school/")).status_code == 404
        assert (await http.get(f"{base}/")).status_code == 404


async def test_log_lines_of_an_update_carry_its_school_and_bot(
    sandbox: RunningSandbox,
    worker_engine: AsyncEngine,
    worker_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    visitor = sandbox.add_person("Khách", "+84999000555")
    sandbox.state.bot(a.telegram_id).contacts.add(visitor.id)
    settings = worker_settings(sandbox, worker_url)
    caplog.handler.addFilter(ContextFilter())
    caplog.set_level(logging.DEBUG, logger="bot.district")
    async with serving(settings), httpx.AsyncClient() as http:
        answer = await http.post(
            f"{settings.public_url}/tg/{a.telegram_id}",
            json=message(visitor.id, "/start", 4242),
            headers={HEADER: a.secret},
        )
        assert answer.status_code == 200
        logging.getLogger("bot.district").info("a line outside any update")
    (handled,) = [r for r in caplog.records if r.getMessage() == "update 4242 handled"]
    assert (handled.school, handled.bot) == (a.code, str(a.telegram_id))  # type: ignore[attr-defined]
    (outside,) = [r for r in caplog.records if r.getMessage() == "a line outside any update"]
    assert (outside.school, outside.bot) == ("-", "-")  # type: ignore[attr-defined]


def test_the_worker_refuses_to_start_without_a_public_url(
    cli_db_template: Path, tmp_path: Path
) -> None:
    db = tmp_path / "district.db"
    shutil.copy(cli_db_template, db)
    ran = schoolbot("worker", db=db, lang="en")
    assert ran.returncode == 2
    assert ran.stderr.strip().splitlines() == [
        "Set SCHOOLBOT_PUBLIC_URL to the https address where Telegram reaches the workers "
        "(each bot's webhook is that address followed by /tg/<bot id>)."
    ]


async def test_schoolbot_worker_runs_the_bots_and_stops_on_sigterm(
    sandbox: RunningSandbox, worker_engine: AsyncEngine, worker_url: str
) -> None:
    a = await add_school(worker_engine, "Trường A", in_sandbox=sandbox)
    port = free_port()
    env = {
        **os.environ,
        "SCHOOLBOT_DATABASE_URL": worker_url,
        "SCHOOLBOT_API_BASE_URL": sandbox.url,
        "SCHOOLBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SCHOOLBOT_LISTEN": f"127.0.0.1:{port}",
        "SCHOOLBOT_SEND_OUTBOX": "false",
        "SCHOOLBOT_LANGUAGE": "en",
    }
    env.pop("SCHOOLBOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with httpx.AsyncClient() as http, asyncio.timeout(30):
            while True:  # the process starts, serves /readyz, then starts the bots
                with contextlib.suppress(httpx.TransportError):
                    ready = await http.get(f"http://127.0.0.1:{port}/readyz")
                    if ready.status_code == 200:
                        break
                await asyncio.sleep(0.1)
        someone = sandbox.add_person("Hoa", "+84901000006")
        parent = PersonClient(sandbox.url, someone.id, a.telegram_id)
        await parent.command("start")
        assert WELCOME in (await parent.next_message(timeout=10))["text"].lower()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert a.token not in stderr.decode() and a.secret not in stderr.decode()
    assert sandbox.state.bot(a.telegram_id).webhook is not None  # kept for the other workers


def test_the_worker_settings_are_checked() -> None:
    assert load_settings(_env_file=None, public_url="https://bot.example.vn/").public_url == (
        "https://bot.example.vn"
    )
    assert load_settings(_env_file=None, public_url=" ").public_url is None
    assert load_settings(_env_file=None).worker_refresh_seconds == 10
    with pytest.raises(SettingsError, match="SCHOOLBOT_PUBLIC_URL"):
        load_settings(_env_file=None, public_url="bot.example.vn/tg")
    with pytest.raises(SettingsError, match="SCHOOLBOT_WORKER_REFRESH_SECONDS"):
        load_settings(_env_file=None, worker_refresh_seconds=0)
