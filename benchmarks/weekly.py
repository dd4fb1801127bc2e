"""Compose and enqueue a whole school's weekly notices; print seconds, queries and notices.

Run: .venv/bin/python benchmarks/weekly.py [--pupils 2000] [--database-url URL]

Setup, not measured: the roster of benchmarks/import_roster.py (N pupils in classes of about
35, siblings sharing parents) is imported into a fresh SQLite file (or a new database on the
PostgreSQL server of --database-url, dropped at the end); every guardian with a phone gets a
linked Telegram account; every pupil but one in ten gets a homeroom comment, one in five a
subject comment, one in seven an absence, and each class a class-wide note.

Measured: one `send_week` for the whole school in one transaction, committed, exactly what the
Friday job runs. `queries` counts every statement the database driver executed (an
executemany counts once), so that it can be compared across sizes: it must not grow with N.
The last line is JSON: pupils, classes, notices, deliveries, seconds, queries, database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_roster import generate  # noqa: E402

from bot.features.administration.imports import import_roster  # noqa: E402
from bot.features.calendar.queries import Calendar  # noqa: E402
from bot.features.weekly.notices import send_week  # noqa: E402
from bot.features.weekly.rules import SCHOOL  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    Absence,
    AccountState,
    ClassWeek,
    CommentKind,
    DayPart,
    Guardian,
    Student,
    TelegramAccount,
    WeeklyComment,
)
from storage.queries import ensure_school  # noqa: E402

WEEK = Calendar(date(2026, 9, 7)).weeks()[11]  # week 12, 23/11-27/11/2026


async def prepare(url: str, pupils: int, folder: Path) -> int:
    """Import the roster, link the guardians and write the week's comments; return the school."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    roster = folder / "roster.xlsx"
    generate(roster, pupils)
    async with sessions() as session, session.begin():
        school = await ensure_school(session, "bench", "Trường Tiểu học Thử")
        outcome = await import_roster(session, school, roster, today=date(2026, 11, 23), actor="b")
        assert not outcome.refused, outcome.problems[:3]
        school_id = school.id
        guardians = list(
            await session.scalars(
                select(Guardian.id).where(
                    Guardian.school_id == school_id, Guardian.phone.is_not(None)
                )
            )
        )
        now = datetime.now(UTC)
        await session.execute(
            insert(TelegramAccount),
            [
                {
                    "school_id": school_id,
                    "telegram_user_id": 10_000_000 + g,
                    "chat_id": 10_000_000 + g,
                    "guardian_id": g,
                    "state": AccountState.LINKED,
                    "consent_at": now,
                    "consent_version": "2026.1",
                    "failed_codes": 0,
                }
                for g in guardians
            ],
        )
        students = (
            await session.execute(
                select(Student.id, Student.class_id).where(Student.school_id == school_id)
            )
        ).all()
        comments: list[dict[str, Any]] = []
        absences: list[dict[str, Any]] = []
        for n, (sid, _class) in enumerate(students):
            base = {"school_id": school_id, "student_id": sid, "week_start": WEEK.start}
            if n % 10:
                text_ = f"Con tiến bộ trong tuần {n}: đọc to, rõ ràng; cần luyện viết thêm."
                comments.append(base | {"kind": CommentKind.HOMEROOM, "subject": "", "text": text_})
            if n % 5 == 0:
                comments.append(
                    base | {"kind": CommentKind.SUBJECT, "subject": "NN1", "text": "Good job."}
                )
            if n % 7 == 0:
                day = WEEK.start + timedelta(days=n % 5)
                absences.append(
                    {
                        "school_id": school_id,
                        "student_id": sid,
                        "day": day,
                        "part": DayPart.MORNING,
                        "excused": bool(n % 2),
                    }
                )
        await session.execute(insert(WeeklyComment), comments)
        await session.execute(insert(Absence), absences)
        await session.execute(
            insert(ClassWeek),
            [
                {
                    "school_id": school_id,
                    "class_id": c,
                    "week_start": WEEK.start,
                    "note": "Thứ Hai tuần sau học sinh mặc đồng phục thể dục.",
                    "hold_missing": False,
                }
                for c in {c for _, c in students}
            ],
        )
    await engine.dispose()
    return school_id


async def measure(url: str, school_id: int) -> dict[str, Any]:
    """Run the Friday send once and count what it cost."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    queries = 0

    def count(*_args: object) -> None:
        nonlocal queries
        queries += 1

    async with sessions() as session:  # warm the connection and the mappers, not measured
        await session.execute(text("SELECT 1"))
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        results = await send_week(session, school_id, WEEK, SCHOOL, now=datetime.now(UTC))
    seconds = time.perf_counter() - started
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    await engine.dispose()
    return {
        "classes": len(results),
        "notices": sum(r.notices for r in results),
        "deliveries": sum(r.deliveries for r in results),
        "held": sum(len(r.held) for r in results),
        "seconds": round(seconds, 3),
        "queries": queries,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (a new database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="weekly-bench-") as folder:
        if args.database_url:
            server = make_url(args.database_url)
            name = f"weekly_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.database_url)
            async with admin.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = server.set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite+aiosqlite:///{folder}/weekly.db"
        try:
            school_id = await prepare(url, args.pupils, Path(folder))
            result = await measure(url, school_id)
        finally:
            if args.database_url:
                async with admin.connect() as conn:
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                await admin.dispose()
    result = {"pupils": args.pupils, **result, "database": make_url(url).get_backend_name()}
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
