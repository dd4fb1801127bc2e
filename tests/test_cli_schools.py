"""`schoolbot school add|list|disable|enable`: a district's schools and their bots."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.models import AuditEvent, SchoolBot
from tests.test_cli import last_json, schoolbot

TOKEN_A = "7000000001:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
TOKEN_B = "7000000002:AAGx7yqQ2N3cZ5lH_p-9XkYvT4mR8sWqE1c"


@pytest.fixture
def db(cli_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "district.db"
    shutil.copyfile(cli_db_template, path)
    return path


def stored(db: Path) -> list[tuple[str, int, bool, str, str]]:
    async def read() -> list[tuple[str, int, bool, str, str]]:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        try:
            async with session_factory(engine)() as session:
                rows = await session.scalars(select(SchoolBot).order_by(SchoolBot.id))
                return [
                    (b.token, b.telegram_id, b.enabled, b.webhook_secret, str(b.school_id))
                    for b in rows
                ]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_add_list_disable_enable_and_the_token_is_never_printed(db: Path) -> None:
    added = schoolbot(
        "school", "add", "--code", "th-xuanhoa", "--name", "Trường Tiểu học Xuân Hòa",
        "--token", TOKEN_A, "--username", "xuanhoa_bot", db=db, lang="en",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "@xuanhoa_bot" in added.stdout
    with mock.patch("sys.stdin", io.StringIO(TOKEN_B + "\n")):
        second = schoolbot(
            "school", "add", "--code", "th-b", "--name", "Trường B", "--token", "-", db=db
        )
    assert second.returncode == 0, second.stderr
    rows = stored(db)
    assert [(t, i, e) for t, i, e, _s, _c in rows] == [
        (TOKEN_A, 7000000001, True),
        (TOKEN_B, 7000000002, True),
    ]
    assert all(len(secret) >= 40 for *_x, secret, _c in rows)
    assert rows[0][3] != rows[1][3]

    off = schoolbot("school", "disable", "th-b", db=db, lang="en")
    assert off.returncode == 0 and "stopped" in off.stdout
    listed = schoolbot("school", "list", "--json", db=db)
    schools = last_json(listed.stdout)["schools"]
    assert schools == [
        {"code": "th-b", "name": "Trường B", "bot": 7000000002, "username": None, "enabled": False},
        {
            "code": "th-xuanhoa",
            "name": "Trường Tiểu học Xuân Hòa",
            "bot": 7000000001,
            "username": "xuanhoa_bot",
            "enabled": True,
        },
    ]
    again = schoolbot("school", "enable", "th-b", db=db, lang="en")
    assert again.returncode == 0 and stored(db)[1][2] is True
    text = schoolbot("school", "list", db=db, lang="en").stdout
    assert "th-xuanhoa" in text and "@xuanhoa_bot" in text
    for output in (added, second, off, listed, again):
        for token in (TOKEN_A, TOKEN_B):
            assert token not in output.stdout + output.stderr
            assert token.split(":")[1] not in output.stdout + output.stderr

    async def audited() -> list[str]:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        try:
            async with session_factory(engine)() as session:
                found = await session.scalars(
                    select(AuditEvent.action).where(AuditEvent.entity == "bot")
                )
                return list(found)
        finally:
            await engine.dispose()

    assert asyncio.run(audited()) == ["bot.added", "bot.added", "bot.disabled", "bot.enabled"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--code", "TH A", "--name", "A", "--token", TOKEN_A), "is not a school code"),
        (("--code", "th-a", "--name", "A", "--token", "not-a-token"), "not a bot token"),
        (("--code", "th-a", "--name", "A", "--token", TOKEN_A, "--timezone", "Mars/Base"), "zone"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    db: Path, args: tuple[str, ...], reason: str
) -> None:
    result = schoolbot("school", "add", *args, db=db, lang="en")
    assert result.returncode == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert stored(db) == []


def test_one_bot_serves_one_school_only(db: Path) -> None:
    assert (
        schoolbot(
            "school", "add", "--code", "a", "--name", "A", "--token", TOKEN_A, db=db
        ).returncode
        == 0
    )
    taken = schoolbot(
        "school", "add", "--code", "b", "--name", "B", "--token", TOKEN_A, db=db, lang="en"
    )
    assert taken.returncode == 2 and "Another school already has this bot" in taken.stderr
    codes = last_json(schoolbot("school", "list", "--json", db=db).stdout)["schools"]
    assert [s["code"] for s in codes] == ["a"]  # the refused school was not created either
    missing = schoolbot("school", "disable", "zz", db=db, lang="en")
    assert missing.returncode == 2
