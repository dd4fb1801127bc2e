"""deploy/backup.sh and the restore drill of docs/district.md, on PostgreSQL."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.databases import PG_ENV, fresh_database, postgres_server

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT / "bot" / "demo"
DAY = 24 * 3600

pytestmark = pytest.mark.skipif(
    postgres_server() is None or shutil.which("pg_dump") is None,
    reason=f"the backup drill needs PostgreSQL ({PG_ENV}) and its client tools",
)


def schoolbot(url: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--database", url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "SCHOOLBOT_LANGUAGE": "en"},
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_backup_restores_into_a_new_database_and_old_backups_are_rotated(
    tmp_path: Path,
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent = backups / "schoolbot-2026-01-01-021500.dump", backups / "schoolbot-x.dump"
    for path, age in ((old, 20 * DAY), (recent, 3 * DAY)):
        path.write_bytes(b"older backup")
        os.utime(path, (time.time() - age, time.time() - age))
    token = f"7100000009:{secrets.token_urlsafe(30)}"
    with fresh_database("postgresql", tmp_path) as source:
        schoolbot(source, "db", "upgrade")
        schoolbot(source, "school", "add", "--code", "th-a", "--name", "TH A", "--token", "-",
                  stdin=token + "\n")  # fmt: skip
        for kind in ("roster", "staff"):
            schoolbot(source, "import", kind, str(LISTS / f"{kind}.csv"), "--school", "th-a")
        done = subprocess.run(
            ["sh", str(ROOT / "deploy" / "backup.sh")],
            env={
                **os.environ,
                "BACKUP_DIR": str(backups),
                "KEEP_DAYS": "14",
                "PG_DUMP": f"pg_dump --dbname={libpq(source)}",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    dumps = sorted(p.name for p in backups.iterdir())
    assert old.name not in dumps and recent.name in dumps and len(dumps) == 2
    (made,) = [backups / name for name in dumps if name != recent.name]
    assert made.read_bytes()[:5] == b"PGDMP" and oct(made.stat().st_mode & 0o777) == "0o600"
    assert token not in done.stdout + done.stderr
    with fresh_database("postgresql", tmp_path) as drill:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={libpq(drill)}", str(made)], check=True
        )
        schoolbot(drill, "db", "upgrade")
        listed = json.loads(schoolbot(drill, "school", "list", "--json").splitlines()[-1])
    (school,) = listed["schools"]
    assert school["code"] == "th-a" and school["bot"] == 7100000009 and school["enabled"]
