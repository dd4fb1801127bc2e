"""SCHOOLBOT_LOG_FORMAT=json: one JSON object a line, redacted before it is formatted."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main, schools
from bot.core.logjson import JsonFormatter
from bot.core.settings import SettingsError, load_settings
from bot.district import logcontext

TOKEN = "7012345678:AAHk3xQ9vLm2Pq8RsT4uVw5XyZ0aBcDeFgH"
CONFIGURED = "123456789:TEST-configured-secret"  # too short for the pattern: hidden as configured
PHONE = "0912 345 678"
UNREACHABLE = "postgresql+asyncpg://u@127.0.0.1:1/x"  # nothing listens on port 1
FIELDS = {"time", "level", "logger", "message", "school", "bot"}


def _fail_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    """`school list` fails with a token, the configured token and a phone in its error."""

    async def failing(*args: object) -> int:
        logging.getLogger("bot.district.worker").warning("calling %s about %s", TOKEN, PHONE)
        raise RuntimeError(f"token {TOKEN} and {CONFIGURED} for parent {PHONE}")

    monkeypatch.setattr(schools, "listing", failing)


def _run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> str:
    """Run `schoolbot school list` in this process with a fresh root logger; its stderr."""
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("SCHOOLBOT_TOKEN", CONFIGURED)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a fresh process; restored afterwards
    monkeypatch.setattr(root, "level", root.level)
    assert main(["--database", f"sqlite+aiosqlite:///{tmp_path}/x.db", "school", "list"]) == 1
    return capsys.readouterr().err


def test_json_lines_are_redacted_before_they_are_formatted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SCHOOLBOT_LOG_FORMAT", "json")
    _fail_listing(monkeypatch)
    started = datetime.now(UTC)
    err = _run_main(monkeypatch, capsys, tmp_path)
    for secret in (TOKEN, CONFIGURED, PHONE, "0912345678", "AAHk3xQ9"):
        assert secret not in err
    lines = [json.loads(line) for line in err.splitlines()]
    warning, failure = lines
    assert set(warning) >= FIELDS and "exc" not in warning
    assert warning["message"] == "calling [token] about [phone]"
    assert warning["level"] == "WARNING" and warning["logger"] == "bot.district.worker"
    assert failure["level"] == "ERROR" and failure["message"] == "the command failed"
    assert "RuntimeError: token [token] and [token] for parent [phone]" in failure["exc"]
    assert "Traceback (most recent call last)" in failure["exc"]
    when = datetime.fromisoformat(failure["time"].replace("Z", "+00:00"))
    assert failure["time"].endswith("Z")
    assert started - timedelta(seconds=1) <= when <= datetime.now(UTC)
    assert failure["school"] is None and failure["bot"] is None


def test_text_stays_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("SCHOOLBOT_LOG_FORMAT", raising=False)
    _fail_listing(monkeypatch)
    err = _run_main(monkeypatch, capsys, tmp_path)
    assert TOKEN not in err and PHONE not in err
    first = err.splitlines()[0]
    assert first.endswith(" WARNING bot.district.worker: calling [token] about [phone]")
    assert " ERROR bot.cli: the command failed" in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(first)


def _record(**extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("bot.delivery", logging.INFO, __file__, 1, "sent %d", (3,), None)
    record.__dict__.update(extra)
    return record


def test_the_school_and_the_bot_of_a_record_are_fields() -> None:
    line = json.loads(JsonFormatter().format(_record(school="th-hoamai", bot=7100000001)))
    assert line["school"] == "th-hoamai" and line["bot"] == 7100000001
    assert line["message"] == "sent 3" and line["level"] == "INFO"
    odd = json.loads(JsonFormatter().format(_record(school=Path("x"), bot=None)))
    assert odd["school"] == "x" and odd["bot"] is None
    outside = json.loads(JsonFormatter().format(_record(school="-", bot="-")))
    assert outside["school"] is None and outside["bot"] is None
    as_text = json.loads(JsonFormatter().format(_record(school="th-a", bot="7100000002")))
    assert as_text["bot"] == 7100000002


def test_vietnamese_stays_readable_and_an_exception_is_one_line() -> None:
    try:
        raise ValueError("Trường Tiểu học Hoa Mai\nline two")
    except ValueError:
        record = _record(exc_info=sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text and "Trường Tiểu học" in text
    assert json.loads(text)["exc"].endswith("ValueError: Trường Tiểu học Hoa Mai\nline two")


def test_the_workers_context_filter_fills_school_and_bot() -> None:
    record = _record()
    school_token = logcontext.school_var.set("th-hoamai")
    bot_token = logcontext.bot_var.set(7100000001)
    try:
        logcontext.ContextFilter().filter(record)
    finally:
        logcontext.school_var.reset(school_token)
        logcontext.bot_var.reset(bot_token)
    line = json.loads(JsonFormatter().format(record))
    assert line["school"] == "th-hoamai" and line["bot"] == 7100000001


def test_the_setting_takes_either_case_and_refuses_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOLBOT_LOG_FORMAT", "JSON")
    assert load_settings(_env_file=None).log_format == "json"
    monkeypatch.setenv("SCHOOLBOT_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="SCHOOLBOT_LOG_FORMAT"):
        load_settings(_env_file=None)


def test_a_real_process_writes_json_lines(tmp_path: Path) -> None:
    """`python -m bot` with an unreachable database: its one log line is JSON with the error."""
    env = {**os.environ, "SCHOOLBOT_LOG_FORMAT": "json", "SCHOOLBOT_LANGUAGE": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--database", UNREACHABLE, "school", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    (line,) = [json.loads(text) for text in done.stderr.splitlines()]
    assert line["logger"] == "bot.cli" and line["level"] == "ERROR"
    assert "ConnectionRefusedError" in line["exc"]
