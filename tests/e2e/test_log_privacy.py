"""A run's logs, read like a grep would: no parent's phone number, no bot token.

The real bot runs against the sandbox with every logger at DEBUG (PTB then logs each Bot API
call with its parameters and answers, httpx each URL with the token in it) and the redacting
filter installed on the root handlers as the command line installs it. A parent links by
sharing her phone, another parent's contact makes a handler fail.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from bot.app import build_application, shutdown, startup
from bot.core import logsafety
from bot.core.context import BotApplication
from bot.core.settings import load_settings
from bot.features.accounts import queries as accounts
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import MOTHER, consent

# Shaped like a BotFather token, so both the pattern and the configured value are exercised.
TOKEN = "7098765432:AAF-logs_test_TOKEN_abcdefghijklmnop"
# The father of the 1A/3B siblings, his number as Telegram sends it in a contact (no plus).
FATHER = ("Hoàng Văn Sang", "84385908301")
CLI_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
APOLOGY = "Xin lỗi, hệ thống vừa gặp sự cố"


def phone_digits(phone: str) -> str:
    """The subscriber digits, the part every written form of the number shares."""
    return re.sub(r"\D", "", phone)[-9:]


def leaks(text: str, phones: list[str]) -> list[str]:
    """Phones (in any spacing) and token parts found in a log text."""
    squeezed = re.sub(r"[ .\-]", "", text)
    found = [phone for phone in phones if phone_digits(phone) in squeezed]
    secret = TOKEN.split(":")[1]
    found += [part for part in (TOKEN, secret, secret[:12]) if part in text]
    return found


@pytest.fixture
def cli_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """A root handler like `schoolbot`'s, everything at DEBUG, the filter installed like the CLI."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(CLI_FORMAT))
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram"):  # whatever an earlier test set them to
        caplog.set_level(logging.DEBUG, logger=name)
    active = logsafety.install(TOKEN)
    yield stream
    root.removeHandler(handler)
    for each in [*root.handlers, caplog.handler]:
        each.removeFilter(active)


@pytest_asyncio.fixture
async def logged_bot(
    sandbox: RunningSandbox, database_url: str, lists: School
) -> AsyncIterator[tuple[BotApplication, int]]:
    """The real Application, polling the sandbox with the token above."""
    bot_id = int(sandbox.add_bot(TOKEN, "log_test_bot", "Sổ liên lạc")["id"])
    settings = load_settings(
        _env_file=None,
        token=TOKEN,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=lists.code,
        send_outbox=False,
    )
    application = build_application(settings)
    await startup(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=2)
    yield application, bot_id
    await application.updater.stop()
    await shutdown(application)


def fail_to_link(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the contact handler fail, with the phone in the exception's message."""

    async def broken(session: Any, account: Any, phone: str, who: Any, now: Any) -> Any:
        raise RuntimeError(f"could not link {phone}")

    monkeypatch.setattr(accounts, "link_by_phone", broken)


async def test_a_runs_logs_hold_no_phone_and_no_token(
    cli_logs: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    logged_bot: tuple[BotApplication, int],
    make_person: PersonFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _application, bot_id = logged_bot
    mother = await make_person(MOTHER[0], MOTHER[1], bot_id=bot_id)
    await consent(mother)
    await mother.share_contact()
    welcome = await mother.next_message(timeout=10)
    assert "đã được liên kết" in welcome["text"]

    fail_to_link(monkeypatch)
    father = await make_person(FATHER[0], FATHER[1], bot_id=bot_id)
    await consent(father)
    await father.share_contact()
    apology = await father.next_message(timeout=10)
    assert APOLOGY in apology["text"]

    text = cli_logs.getvalue()
    for captured in (text, caplog.text):
        assert leaks(captured, [MOTHER[1], FATHER[1]]) == []
        # The logs did carry them (PTB's DEBUG lines, the exception): redacted, not absent.
        assert "[phone]" in captured and "[token]" in captured
        assert "RuntimeError: could not link [phone]" in captured
    failure = next(line for line in text.splitlines() if "update failed:" in line)
    assert f"user {father.person_id}" in failure and "kind message, content contact" in failure


async def test_the_error_handlers_line_names_ids_and_kinds_only(
    running_bot: BotApplication,
    make_person: PersonFactory,
    monkeypatch: pytest.MonkeyPatch,
    lists: School,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without any filter, the failed update's log line carries no phone, name or text."""
    fail_to_link(monkeypatch)
    father = await make_person(FATHER[0], FATHER[1])
    await consent(father)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="bot.core.errors"):
        await father.share_contact()
        apology = await father.next_message(timeout=10)
    assert APOLOGY in apology["text"]
    [record] = [r for r in caplog.records if r.name == "bot.core.errors"]
    line = record.getMessage()
    assert phone_digits(FATHER[1]) not in re.sub(r"[ .\-]", "", line)
    for content in ("Hoàng", "Sang", "phone", "first_name"):
        assert content not in line
    assert re.fullmatch(
        rf"update failed: update \d+, kind message, content contact, user {father.person_id}, "
        rf"chat {father.person_id}",
        line,
    )
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
