"""The redacting log filter: phones and tokens never reach a log line, ids and times do."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.core.logsafety import RedactingFilter, Redactor, install

TOKEN = "7012345678:AAHk3xQ9vLm2Pq8RsT4uVw5XyZ0aBcDeFgH"
CONFIGURED = "123456789:TEST-sandbox-token"  # too short for the pattern: hidden as configured


@pytest.mark.parametrize(
    "phone",
    [
        "+84901234567",
        "84901234567",
        "0901234567",
        "090 123 4567",
        "0901.234.567",
        "0901-234-567",
        "+84 90 123 4567",
        "+84 901 234 567",
        "028 3829 1234",
        "+1-202-555-0143",
    ],
)
def test_phone_numbers_in_every_usual_form_are_hidden(phone: str) -> None:
    redact = Redactor()
    text = redact(f"contact phone_number='{phone}' shared; call {phone}.")
    assert text == "contact phone_number='[phone]' shared; call [phone]."


@pytest.mark.parametrize(
    "kept",
    [
        "update 912345678 from user 5123456789 in chat -1001234567890",
        "2026-11-23 10:00:01,123 took 0.25 s",
        "delivery 4512 of notice 77 failed",
        "student 7900000099",
    ],
)
def test_ids_and_times_stay_readable(kept: str) -> None:
    assert Redactor()(kept) == kept


def test_tokens_are_hidden_by_pattern_by_value_and_in_urls() -> None:
    redact = Redactor([CONFIGURED])
    assert redact(f"The token `{TOKEN}` was rejected") == "The token `[token]` was rejected"
    assert redact(f"with {CONFIGURED} here") == "with [token] here"
    url = "POST http://127.0.0.1:8081/botANY-shape-of-token/getMe and /file/botX1y2z3/doc.pdf"
    assert redact(url) == "POST http://127.0.0.1:8081/bot[token]/getMe and /file/bot[token]/doc.pdf"


@pytest.fixture
def stream_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own with one handler formatting like the command line does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tests.logsafety")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    # pytest hangs its capturing handlers on this logger too: take the filter off them all.
    for each in {*logger.handlers, *logging.getLogger().handlers}:
        for active in [f for f in each.filters if isinstance(f, RedactingFilter)]:
            each.removeFilter(active)
    logger.handlers = []
    logger.propagate = True


def test_the_filter_covers_arguments_exceptions_and_stacks(
    stream_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = stream_logger
    install(CONFIGURED, logger=logger)
    logger.info("link %s for %r", "0901234567", {"phone_number": "84901234567"})
    try:
        raise RuntimeError(f"cannot link +84 901 234 567 with {TOKEN} via /bot{CONFIGURED}/getMe")
    except RuntimeError:
        logger.exception("update failed")
    logger.warning("where %s", "0912.345.678", stack_info=True)
    text = stream.getvalue()
    assert "Traceback (most recent call last)" in text and "RuntimeError: cannot link" in text
    assert text.count("[phone]") >= 4 and text.count("[token]") >= 2
    digits = text.replace(" ", "").replace(".", "")
    for secret in ("901234567", "912345678", TOKEN, CONFIGURED, "TEST-sandbox-token"):
        assert secret not in digits and secret not in text


def test_installing_twice_keeps_one_filter_and_adds_secrets(
    stream_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = stream_logger
    first = install(logger=logger)
    second = install("a-webhook-secret-value", logger=logger)
    assert first is second
    assert [f for f in logger.handlers[0].filters if isinstance(f, RedactingFilter)] == [first]
    logger.error("secret a-webhook-secret-value, bad format %d", "x")
    assert "[token]" in stream.getvalue() and "a-webhook-secret-value" not in stream.getvalue()


def test_a_commands_crash_is_logged_redacted_and_the_filter_is_removed_after(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.cli import commands, main

    async def crash(*args: object) -> int:
        raise RuntimeError(f"cannot reach /bot{TOKEN}/getMe for 0901 234 567")

    monkeypatch.setattr(commands, "db_upgrade", crash)
    monkeypatch.setenv("SCHOOLBOT_TOKEN", TOKEN)
    monkeypatch.setenv("SCHOOLBOT_DATABASE_URL", "sqlite+aiosqlite:///unused.db")
    with caplog.at_level(logging.ERROR):
        assert main(["db", "upgrade"]) == 1
    assert (
        "Traceback" in caplog.text and "RuntimeError: cannot reach /bot[token]/getMe" in caplog.text
    )
    assert TOKEN not in caplog.text and "901 234 567" not in caplog.text
    root = logging.getLogger()
    assert not [f for h in root.handlers for f in h.filters if isinstance(f, RedactingFilter)]
