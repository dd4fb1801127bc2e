"""Hostile spreadsheets given to `schoolbot import roster`: refused fast, in little memory."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bombs import dimension_bomb, xml_bomb
from tests.factories import pupil, write_table

ADDRESS_SPACE = 3 * 1024**3  # the check: a 3 GB address-space cap


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture
def db(cli_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "school.db"
    shutil.copyfile(cli_db_template, path)
    return path


def capped_import(file: Path, db: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `python -m bot import roster FILE` under the address-space cap; return it and seconds."""
    env = {**os.environ, "SCHOOLBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "LANGUAGE": "vi"}
    env.pop("SCHOOLBOT_TOKEN", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", "roster", str(file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
    )
    return done, time.monotonic() - started


def test_a_sheet_declaring_the_whole_grid_is_refused_with_exit_2(db: Path, tmp_path: Path) -> None:
    done, seconds = capped_import(dimension_bomb(tmp_path / "ds.xlsx"), db)
    assert done.returncode == 2, done.stderr
    assert "hơn 10000 dòng" in done.stderr and "Traceback" not in done.stderr
    assert seconds < 60


def test_a_sheet_of_a_gigabyte_of_xml_is_refused_with_exit_2(db: Path, tmp_path: Path) -> None:
    bomb = xml_bomb(tmp_path / "ds.xlsx")
    assert bomb.stat().st_size < 5 * 1024 * 1024  # under the upload cap: the unpacked size counts
    done, seconds = capped_import(bomb, db)
    assert done.returncode == 2, done.stderr
    assert "không mở tệp" in done.stderr and "Traceback" not in done.stderr
    assert "Chưa nhập gì" in done.stderr
    assert seconds < 60


def test_a_csv_over_the_row_limit_is_refused_with_exit_2(db: Path, tmp_path: Path) -> None:
    rows = [pupil(n, klass="1A") for n in range(1, 10_002)]
    done, _seconds = capped_import(write_table(tmp_path / "ds.csv", rows), db)
    assert done.returncode == 2, done.stderr
    assert "10000 dòng" in done.stderr
