"""`schoolbot run` in webhook mode: Telegram (the sandbox) posts updates with the secret."""

from __future__ import annotations

import asyncio
import socket

from bot.runner import run_bot
from bot.settings import load_settings
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_answers_start(
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    database_url: str,
    school: School,
) -> None:
    port = free_port()
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        webhook_url=f"http://127.0.0.1:{port}/",
        webhook_secret="s3cret-token",
        listen=f"127.0.0.1:{port}",
    )
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(settings, stop))
    try:
        parent = await make_person("Lan", "+84901000001")
        for _ in range(100):
            if sandbox.state.bot(sandbox_bot.id).webhook is not None:
                break
            await asyncio.sleep(0.05)
        webhook = sandbox.state.bot(sandbox_bot.id).webhook
        assert webhook is not None and webhook.secret_token == "s3cret-token"
        await parent.command("start")
        reply = await parent.next_message(timeout=10)
        assert "sổ liên lạc điện tử" in reply["text"].lower()
    finally:
        stop.set()
        await asyncio.wait_for(bot, timeout=15)
