"""`schoolbot run` serves the web contact book: on the webhook's own server in webhook mode
(the webhook's path still takes only Telegram's POSTs with the secret), on SCHOOLBOT_LISTEN
when polling; not at all without SCHOOLBOT_WEB_URL."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.core.settings import load_settings
from bot.runner import run_bot
from sandbox.pytest_plugin import SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.test_webhook import free_port, webhook_bot, webhook_settings


async def test_webhook_mode_serves_the_pages_beside_the_hook(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, database_url: str, school: School
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = webhook_settings(sandbox, sandbox_bot, database_url, school, f"{base}/hook")
    settings = settings.model_copy(update={"web_url": f"{base}/so/"})
    async with webhook_bot(settings, sandbox, sandbox_bot), httpx.AsyncClient() as client:
        page = await client.get(f"{base}/so/")
        assert page.status_code == 200 and 'action="/so/login"' in page.text
        assert (await client.get(f"{base}/so/static/style.css")).status_code == 200
        assert (await client.post(f"{base}/hook", json={"update_id": 1})).status_code == 403
        assert (await client.get(f"{base}/elsewhere")).status_code == 404


@pytest.mark.parametrize("web", [True, False])
async def test_polling_mode_serves_the_pages_on_listen_only_when_asked(
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    database_url: str,
    school: School,
    web: bool,
) -> None:
    port = free_port()
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        listen=f"127.0.0.1:{port}",
        web_url=f"http://127.0.0.1:{port}/" if web else None,
    )
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(settings, stop))
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                try:
                    answer = await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.ConnectError:
                    if not web and _ > 40:  # nothing listens: as before the web existed
                        answer = None
                        break
                    await asyncio.sleep(0.05)
        assert (answer is not None and answer.status_code == 200) is web
    finally:
        stop.set()
        await bot
