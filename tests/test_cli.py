"""The `schoolbot` command as a school's IT person runs it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import httpx
import pytest

from bot.cli import main
from tests.factories import pupil, shared_file, write_table


@dataclass(frozen=True)
class Ran:
    """What a `schoolbot` command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def schoolbot(*args: str, db: Path, lang: str = "vi", subprocess_: bool = False) -> Ran:
    """Run `schoolbot ARGS` on a SQLite file: in this process, or as `python -m bot`.

    In-process runs call the same `main()` as the console script with the same environment;
    they save the interpreter's start-up (seconds of CPU per command). `subprocess_=True`
    checks the real entry point.
    """
    env = {
        "SCHOOLBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "LANGUAGE": lang,
        "SCHOOLBOT_LANGUAGE": lang,
    }
    if subprocess_:
        full = {**os.environ, **env}
        full.pop("SCHOOLBOT_TOKEN", None)
        command = [sys.executable, "-m", "bot", *args]
        done = subprocess.run(command, env=full, capture_output=True, text=True, timeout=60)
        return Ran(done.returncode, done.stdout, done.stderr)
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        os.environ.pop("SCHOOLBOT_TOKEN", None)
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def db(cli_db_template: Path, tmp_path: Path) -> Path:
    """A migrated SQLite file of the test's own (a copy of the run's migrated template)."""
    path = tmp_path / "school.db"
    shutil.copyfile(cli_db_template, path)
    return path


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_help_is_vietnamese_by_default_and_english_on_request(tmp_path: Path) -> None:
    vi = schoolbot("import", "roster", "--help", db=tmp_path / "x.db", subprocess_=True)
    assert vi.returncode == 0 and "Cách dùng:" in vi.stdout and "tệp .xlsx" in vi.stdout
    en = schoolbot("import", "roster", "--help", db=tmp_path / "x.db", lang="en")
    assert "Usage:" in en.stdout and "the .xlsx or .csv file" in en.stdout


def test_sample_lists_then_the_csv_twin_reports_nothing_new(db: Path) -> None:
    roster = schoolbot("import", "roster", str(shared_file("roster.xlsx")), "--json", db=db)
    assert roster.returncode == 0, roster.stderr
    summary = last_json(roster.stdout)
    assert summary["classes"] == {"new": 3, "updated": 0, "unchanged": 0}
    assert summary["students"] == {"new": 36, "updated": 0, "unchanged": 0}
    staff = schoolbot("import", "staff", str(shared_file("staff.csv")), "--json", db=db)
    assert last_json(staff.stdout) == {"staff": {"new": 9, "updated": 0, "unchanged": 0, "left": 0}}
    twin = last_json(
        schoolbot("import", "roster", str(shared_file("roster.csv")), "--json", db=db).stdout
    )
    assert all(twin[k]["new"] == 0 and twin[k]["updated"] == 0 for k in twin)  # type: ignore[index]


def test_refused_file_exits_2_with_errors_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    rows = [pupil(1), pupil(2, father=("Lê Văn Ba", "0123")), pupil(3, code="7900000001")]
    path = write_table(tmp_path / "bad.csv", rows)
    result = schoolbot("import", "roster", str(path), "--json", db=db)
    assert result.returncode == 2
    errors = last_json(result.stdout)["errors"]
    named = [(e["row"], e["column"]) for e in errors]  # type: ignore[union-attr]
    assert named == [(6, "SĐT cha"), (7, "Mã định danh Bộ GD&ĐT")]
    assert "Chưa nhập gì" in result.stderr
    again = last_json(
        schoolbot("import", "roster", str(shared_file("roster.csv")), "--json", db=db).stdout
    )
    assert again["students"] == {"new": 36, "updated": 0, "unchanged": 0}


def test_dry_run_writes_nothing(db: Path) -> None:
    roster = str(shared_file("roster.csv"))
    dry = schoolbot("import", "roster", roster, "--dry-run", db=db, subprocess_=True)
    assert dry.returncode == 0 and "Chạy thử" in dry.stdout
    real = last_json(
        schoolbot("import", "roster", str(shared_file("roster.csv")), "--json", db=db).stdout
    )
    assert real["students"] == {"new": 36, "updated": 0, "unchanged": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "roster", "/no/such/file.xlsx"), "Không tìm thấy tệp"),
        (("import", "teachers", "x.csv"), "Lệnh không hợp lệ"),
        (("run",), "SCHOOLBOT_TOKEN"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(
    db: Path, args: tuple[str, ...], message: str
) -> None:
    result = schoolbot(*args, db=db)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_refuses_a_database_that_is_behind(tmp_path: Path) -> None:
    result = schoolbot("import", "roster", str(shared_file("roster.csv")), db=tmp_path / "new.db")
    assert result.returncode == 2 and "schoolbot db upgrade" in result.stderr


def test_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "SCHOOLBOT_TIMEZONE": "Mars/Olympus", "SCHOOLBOT_LANGUAGE": "vi"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    expected = "Cấu hình không hợp lệ: SCHOOLBOT_TIMEZONE: unknown time zone 'Mars/Olympus'"
    assert result.stderr.strip() == expected


def test_large_files_show_a_progress_bar(db: Path, tmp_path: Path) -> None:
    rows = [pupil(n, klass=f"{1 + n % 5}A") for n in range(1, 401)]
    result = schoolbot("import", "roster", str(write_table(tmp_path / "big.csv", rows)), db=db)
    assert result.returncode == 0, result.stderr
    assert "Đang đọc các dòng" in result.stderr and "400/400" in result.stderr
    small = schoolbot("import", "roster", str(shared_file("roster.csv")), db=db)
    assert "Đang đọc các dòng" not in small.stderr


def test_sandbox_command_serves_the_bot_api_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SCHOOLBOT_LANGUAGE": "vi", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        assert f"http://127.0.0.1:{port}/" in process.stdout.readline()
        for _ in range(100):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/bot1:unknown/getMe")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert answer.status_code == 401
        assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_invites_writes_one_slip_per_child_of_the_class(db: Path, tmp_path: Path) -> None:
    from docx import Document

    assert schoolbot("import", "roster", str(shared_file("roster.csv")), db=db).returncode == 0
    out = tmp_path / "thu-moi-3B.docx"
    result = schoolbot("invites", "--class", "3b", "--out", str(out), "--bot", "@truong_bot", db=db)
    assert result.returncode == 0, result.stderr
    assert "12 phiếu mời cho lớp 3B" in result.stdout
    document = Document(str(out))
    rows = [row for table in document.tables for row in table.rows]
    assert len(rows) == 12
    assert all("@truong_bot" in "".join(row._tr.xpath(".//w:t/text()")) for row in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--class", "9Z", "--out", "x.docx", "--bot", "b"), "Lớp 9Z"),
        (("--class", "3B", "--out", "x.pdf", "--bot", "b"), ".docx"),
        (("--class", "3B", "--out", "x.docx"), "--bot"),
        (("--class", "3B", "--out", "/no/such/dir/x.docx", "--bot", "b"), "Không tìm thấy thư mục"),
        (("--class", "3B", "--out", "x.docx", "--bot", "b", "--days", "0"), "--days"),
        (("--out", "x.docx"), "Lệnh không hợp lệ"),
    ],
)
def test_invites_bad_input_is_one_line_and_issues_nothing(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    assert schoolbot("import", "roster", str(shared_file("roster.csv")), db=db).returncode == 0
    monkeypatch.chdir(tmp_path)
    result = schoolbot("invites", *args, db=db)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.docx").exists()


def test_outbox_status_and_retry(db: Path) -> None:
    import asyncio
    from datetime import UTC, datetime

    from storage.db import create_engine, session_factory
    from storage.models import Delivery, DeliveryState, Notice, TelegramAccount
    from storage.queries import ensure_school

    async def seed() -> int:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        async with session_factory(engine)() as session, session.begin():
            school = await ensure_school(session, "default")
            notice = Notice(school_id=school.id, kind="class", text="Họp phụ huynh", audience={})
            accounts = [
                TelegramAccount(school_id=school.id, telegram_user_id=n, chat_id=n, state="linked")
                for n in (1, 2, 3)
            ]
            session.add_all([notice, *accounts])
            await session.flush()
            now = datetime.now(UTC)
            for account, state in zip(accounts, ("sent", "failed", "failed"), strict=True):
                session.add(
                    Delivery(
                        school_id=school.id,
                        notice_id=notice.id,
                        account_id=account.id,
                        chat_id=account.chat_id,
                        state=DeliveryState(state),
                        due_at=now,
                        read_at=now if state == "sent" else None,
                        message_ids=[],
                    )
                )
            number = notice.id
        await engine.dispose()
        return number

    notice = asyncio.run(seed())
    status = schoolbot("outbox", "status", "--json", db=db)
    assert status.returncode == 0, status.stderr
    assert f"Thông báo {notice}" in status.stdout
    (row,) = last_json(status.stdout)  # type: ignore[misc]
    assert (row["sent"], row["failed"], row["read"]) == (1, 2, 1)
    retry = schoolbot("outbox", "retry", str(notice), db=db)
    assert retry.returncode == 0 and "2 " in retry.stdout
    (row,) = last_json(schoolbot("outbox", "status", "--json", db=db).stdout)  # type: ignore[misc]
    assert (row["queued"], row["failed"]) == (2, 0)
    missing = schoolbot("outbox", "retry", "999", db=db)
    assert missing.returncode == 2 and "999" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
