"""`schoolbot run` in webhook mode: Telegram (the sandbox) posts updates with the secret.

Only a POST to the webhook URL's own path carrying the secret reaches the bot; anything else is
refused with 403 or 404 before it is read, and nothing of it is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.settings import Settings, load_settings
from bot.runner import run_bot
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import AuditEvent, School, TelegramAccount
from tests.e2e.conftest import MOTHER

SECRET = "s3cret-token_for-the-webhook"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_settings(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, database_url: str, school: School, url: str
) -> Settings:
    port = int(url.split(":")[2].split("/")[0])
    return load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        webhook_url=url,
        webhook_secret=SECRET,
        listen=f"127.0.0.1:{port}",
    )


@contextlib.asynccontextmanager
async def webhook_bot(
    settings: Settings, sandbox: RunningSandbox, sandbox_bot: SandboxBot
) -> AsyncIterator[None]:
    """Run the bot in webhook mode until the block ends; wait until Telegram knows the hook."""
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(settings, stop))
    try:
        for _ in range(200):
            if sandbox.state.bot(sandbox_bot.id).webhook is not None or bot.done():
                break
            await asyncio.sleep(0.05)
        if bot.done():
            bot.result()
        webhook = sandbox.state.bot(sandbox_bot.id).webhook
        assert webhook is not None and webhook.url == settings.webhook_url
        assert webhook.secret_token == SECRET
        yield
    finally:
        stop.set()
        await asyncio.wait_for(bot, timeout=15)


def message_update(user_id: int, **content: Any) -> dict[str, Any]:
    """A private message from `user_id`, as Telegram would post it."""
    person = {"id": user_id, "is_bot": False, "first_name": "Khách", "language_code": "vi"}
    return {
        "update_id": 900_000_000 + user_id % 1000 + len(content),
        "message": {
            "message_id": 7,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Khách"},
            "from": person,
            **content,
        },
    }


async def test_webhook_mode_on_a_url_with_a_path_answers_start(
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    database_url: str,
    school: School,
) -> None:
    url = f"http://127.0.0.1:{free_port()}/tg/hook"
    settings = webhook_settings(sandbox, sandbox_bot, database_url, school, url)
    async with webhook_bot(settings, sandbox, sandbox_bot):
        parent = await make_person("Lan", "+84901000001")
        await parent.command("start")
        reply = await parent.next_message(timeout=10)
        assert "sổ liên lạc điện tử" in reply["text"].lower()
        # The sandbox delivered through the path, carrying the secret, without an error.
        assert sandbox.state.bot(sandbox_bot.id).webhook.last_error_message is None  # type: ignore[union-attr]


async def test_forged_updates_are_refused_and_nothing_is_stored(
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    database_url: str,
    lists: School,
    session: AsyncSession,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    settings = webhook_settings(sandbox, sandbox_bot, database_url, lists, url)
    attacker = await make_person("Kẻ lạ", "+84999000111")
    visitor = await make_person("Khách", "+84999000222")
    # Both have written to the bot before, so the bot could answer them if it took their updates.
    sandbox.state.bot(sandbox_bot.id).contacts.update({attacker.person_id, visitor.person_id})
    # A stranger's account claims the mother's phone: /start, then her number as its own contact.
    forged = [
        message_update(
            attacker.person_id,
            text="/start",
            entities=[{"type": "bot_command", "offset": 0, "length": 6}],
        ),
        message_update(
            attacker.person_id,
            contact={
                "phone_number": MOTHER[1].removeprefix("+"),
                "first_name": "Hạnh",
                "user_id": attacker.person_id,
            },
        ),
    ]
    attempts = [
        (url, {}, 403),  # no secret
        (url, {HEADER: ""}, 403),  # an empty secret
        (url, {HEADER: "s3cret-token_for-the-webhooK"}, 403),  # wrong by one letter
        (url, {HEADER: SECRET[:-1]}, 403),  # a prefix of the secret
        (f"http://127.0.0.1:{port}/", {HEADER: SECRET}, 404),  # the right secret, another path
        (f"http://127.0.0.1:{port}/tg/hook/x", {HEADER: SECRET}, 404),
        (f"http://127.0.0.1:{port}/tg", {HEADER: SECRET}, 404),
    ]
    school_id = lists.id
    audited_before = await audit_count(session, school_id)
    async with webhook_bot(settings, sandbox, sandbox_bot), httpx.AsyncClient() as http:
        for target, headers, status in attempts:
            for update in forged:
                response = await http.post(target, json=update, headers=headers)
                assert response.status_code == status, (target, headers)
        # The same receiver takes a well-formed update with the secret on its path (a control
        # person's /start, posted like Telegram would): the refusals above were the checks'.
        control = message_update(
            visitor.person_id,
            text="/start",
            entities=[{"type": "bot_command", "offset": 0, "length": 6}],
        )
        answer = await http.post(url, json=control, headers={HEADER: SECRET})
        assert answer.status_code == 200
        reply = await visitor.next_message(timeout=10)
        assert "sổ liên lạc điện tử" in reply["text"].lower()

    # Nothing of the forged updates was stored or answered: no account, no link, no message.
    assert await attacker.messages() == []
    stored = await session.scalar(
        select(func.count())
        .select_from(TelegramAccount)
        .where(
            TelegramAccount.school_id == school_id,
            TelegramAccount.telegram_user_id == attacker.person_id,
        )
    )
    assert stored == 0
    assert await audit_count(session, school_id) == audited_before
    visitor_account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == school_id,
            TelegramAccount.telegram_user_id == visitor.person_id,
        )
    )
    assert visitor_account is not None and visitor_account.guardian_id is None


async def audit_count(session: AsyncSession, school_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.school_id == school_id)
    )
    await session.rollback()  # the next read sees what the bot committed meanwhile
    return int(count or 0)
