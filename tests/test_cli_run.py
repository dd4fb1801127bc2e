"""`schoolbot run` refuses a bad start in one line: no webhook secret, a token Telegram refuses."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sandbox.server import RunningSandbox

# Shaped like a real token; the sandbox does not know it, so Telegram's 401 comes back.
REFUSED_TOKEN = "7011122233:AAE-refused_TOKEN_0123456789abcdefgh"


def environment(db: Path, **variables: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLBOT_") and name not in ("LANGUAGE", "LANG", "LC_ALL")
    }
    env.update(
        SCHOOLBOT_DATABASE_URL=f"sqlite+aiosqlite:///{db}",
        SCHOOLBOT_LANGUAGE="vi",
        **variables,
    )
    return env


def test_webhook_mode_without_a_secret_does_not_start(tmp_path: Path) -> None:
    env = environment(
        tmp_path / "school.db",
        SCHOOLBOT_TOKEN=REFUSED_TOKEN,
        SCHOOLBOT_WEBHOOK_URL="https://bot.example.edu.vn/tg/hook",
        SCHOOLBOT_WEBHOOK_SECRET="",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Cấu hình không hợp lệ: SCHOOLBOT_WEBHOOK_SECRET:")
    assert "secrets.token_urlsafe(32)" in line
    assert REFUSED_TOKEN not in result.stdout + result.stderr


async def test_a_refused_token_ends_run_in_one_line_without_the_token(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    db = tmp_path / "school.db"
    env = environment(db, SCHOOLBOT_TOKEN=REFUSED_TOKEN, SCHOOLBOT_API_BASE_URL=sandbox.url)
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", env=env, cwd=tmp_path
    )
    assert await upgrade.wait() == 0
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr
    secret = REFUSED_TOKEN.split(":")[1]
    assert secret[:12] not in stdout + stderr
    refusals = [line for line in stderr.splitlines() if "SCHOOLBOT_TOKEN" in line]
    assert refusals == [
        "Telegram từ chối mã bot (token): hãy kiểm tra SCHOOLBOT_TOKEN (mã do BotFather cấp)."
    ]
