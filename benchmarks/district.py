"""A district on one deployment: an alert and a Friday's weekly notices to every family of S
schools, through one and then two workers, and a worker killed mid-alert.

Run: .venv/bin/python benchmarks/district.py [--schools 20] [--families 500] [--workers 1,2]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--no-kill]

Setup, not measured: the sandbox (`python -m sandbox`, a subprocess) with Telegram's limits on
(30 messages a second per bot, 1 a second per private chat with a burst of 3); S bots, one per
school, each added with the production `schoolbot school add` path (storage.bots.put_bot); per
school F sandbox people who have sent /start to their school's bot (the updates are dropped),
a roster of F pupils imported, and one mother per person linked (as benchmarks/broadcast.py
does). A fresh PostgreSQL database on the server given (dropped at the end).

Then, for each worker count W of --workers in turn, W workers are started as subprocesses,
`python -m bot worker`, on that database, each on its own port (SCHOOLBOT_PUBLIC_URL points at
the first: updates are not what is measured); the run waits until every worker's /readyz
answers 200 and the bots' leadership is shared among them (the first worker up leads every bot
and gives the others their part at its next refresh). Then the phases, each measured from the
sandbox's call record from its first enqueue to the last accepted sendMessage, and from the
families' chats (a marker in every message): seconds, the bound (F / 30: every bot at Telegram's
pace from the first moment) and how far over it, messages a second in all against S x 30, each
bot's rate against 30, 429s, families lost and duplicated, the workers' CPU seconds per 1,000
messages (psutil):

1. `alert`: an urgent notice to every family, enqueued for every school in one moment (one
   transaction per school, as the school's own "Gửi" would). `one_bot_minutes` is what the same
   alert would take through one bot at Telegram's 30 a second: families / 30 / 60.
2. `weekly`: every pupil has a homeroom comment and every class a note for a past week (a
   different week per worker count, as a week is sent once), then `send_week` as the school
   for every class, one transaction per school: exactly what the Friday 16:30 schedule runs.
3. `failover` (with two workers or more, unless --no-kill): a second alert is enqueued; when
   about a third of it has been accepted, the worker leading the most bots (found from
   PostgreSQL's advisory locks and the workers' connections) is killed with SIGKILL. Measured:
   for each bot it led, the gap from the kill to that bot's next accepted sendMessage
   (takeover_seconds: max and median), the deliveries in flight at the kill, and the
   duplicates the families received (at most those in flight). The workers keep the default
   lease (120 s): the worker that takes a dead one's bots lets go of its claimed batch after a
   10 s grace (bot/delivery/takeover.py).

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.broadcast import (  # noqa: E402
    SETUP_CONCURRENCY,
    TELEGRAM_PER_SECOND,
    _client,
    _free_port,
    _say,
    _stop,
    _until,
    drop_updates,
    fresh_database,
    prepare_database,
    received,
    roster_rows,
)
from bot.delivery.outbox import Audience, enqueue_notice  # noqa: E402
from bot.features.calendar.queries import load_calendar  # noqa: E402
from bot.features.weekly.notices import send_week  # noqa: E402
from bot.features.weekly.rules import SCHOOL  # noqa: E402
from sandbox.client import SandboxAdmin  # noqa: E402
from storage import bots  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    ClassWeek,
    CommentKind,
    Delivery,
    DeliveryState,
    School,
    Student,
    WeeklyComment,
)
from tests.factories import write_table  # noqa: E402

FINAL = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNREACHABLE)


def token_of(n: int) -> str:
    return f"{910000000 + n}:BENCH-district-school-{n:03d}"


async def people_of_school(admin: SandboxAdmin, school: int, count: int, bot_id: int) -> list[int]:
    """F people of one school, each having sent /start to the school's bot."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(n: int) -> int:
        async with gate:
            phone = f"+8498{school:03d}{n + 1:04d}"
            person = await admin.add_person(f"Phụ huynh {school}-{n + 1}", phone=phone)
            person_id = int(person["id"])
            await admin.person(person_id, bot_id).command("start")
            return person_id

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def set_up(
    args: argparse.Namespace, admin: SandboxAdmin, http: httpx.AsyncClient, url: str, folder: Path
) -> dict[int, tuple[int, list[int]]]:
    """Bots, people and schools: {school id: (bot id, people)}."""
    schools: dict[int, tuple[int, list[int]]] = {}
    roster = write_table(folder / "roster.xlsx", roster_rows(args.families, date.today()))
    engine = create_engine(url)
    try:
        for n in range(args.schools):
            token = token_of(n)
            bot_id = int(token.split(":")[0])
            await admin.add_bot(token, f"district_{n:03d}_bot", f"Sổ liên lạc {n}")
            people = await people_of_school(admin, n, args.families, bot_id)
            await drop_updates(http, admin.base_url, token)
            code = f"th-{n:03d}"
            school_id = await prepare_database(
                url, code, roster, people, None, f"Trường Tiểu học Số {n}"
            )
            async with session_factory(engine)() as session, session.begin():
                school = await session.get(School, school_id)
                assert school is not None
                await bots.put_bot(session, school, token, username=f"district_{n:03d}_bot")
            schools[school_id] = (bot_id, people)
            _say(f"school {n + 1}/{args.schools} ready ({len(people)} families)")
    finally:
        await engine.dispose()
    return schools


def start_workers(count: int, url: str, sandbox_url: str, log: Path) -> list[Any]:
    ports = [_free_port() for _ in range(count)]
    workers = []
    for n, port in enumerate(ports):
        env = {
            **os.environ,
            "SCHOOLBOT_DATABASE_URL": url,
            "SCHOOLBOT_API_BASE_URL": sandbox_url,
            "SCHOOLBOT_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
            "SCHOOLBOT_LISTEN": f"127.0.0.1:{port}",
            "SCHOOLBOT_WEB_URL": "",
            "SCHOOLBOT_WEBHOOK_URL": "",
        }
        env.pop("SCHOOLBOT_TOKEN", None)
        out = (log / f"worker-{count}-{n}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], env=env, stdout=out, stderr=out, cwd=ROOT
        )
        workers.append((process, port))
    return workers


async def enqueue_alert(url: str, schools: list[int], marker: str) -> None:
    """One urgent notice per school, each in its own transaction (as the school's own "Gửi")."""
    text_html = (
        f"<b>THÔNG BÁO KHẨN {marker}</b>\nDo bão số 9, học sinh toàn quận nghỉ học ngày mai. "
        "Kính mong Quý phụ huynh sắp xếp đưa đón &amp; theo dõi tin nhắn tiếp theo."
    )
    engine = create_engine(url)
    try:
        for school_id in schools:
            async with session_factory(engine)() as session, session.begin():
                await enqueue_notice(session, school_id, Audience.school(), "urgent", text_html)
    finally:
        await engine.dispose()


async def write_week(url: str, schools: list[int], back: int, marker: str) -> dict[int, Any]:
    """Every pupil's homeroom comment and every class's note (carrying the marker) for the
    week `back` weeks before the one being written today; {school id: that week}."""
    engine = create_engine(url)
    weeks: dict[int, Any] = {}
    try:
        for school_id in schools:
            async with session_factory(engine)() as session, session.begin():
                school = await session.get(School, school_id)
                assert school is not None
                calendar = await load_calendar(session, school, date.today())
                writing = calendar.writing_week(date.today())
                assert writing is not None, "no teaching week today: the benchmark needs one"
                week = calendar.weeks()[writing.number - 1 - back]
                rows = (
                    await session.execute(
                        select(Student.id, Student.class_id).where(Student.school_id == school_id)
                    )
                ).all()
                comments = [
                    {
                        "school_id": school_id,
                        "student_id": student,
                        "week_start": week.start,
                        "kind": CommentKind.HOMEROOM,
                        "subject": "",
                        "text": "Con đọc to, rõ ràng; tuần sau cần luyện viết chữ hoa.",
                    }
                    for student, _class in rows
                ]
                await session.execute(insert(WeeklyComment), comments)
                notes = [
                    {
                        "school_id": school_id,
                        "class_id": class_id,
                        "week_start": week.start,
                        "note": f"Thứ Hai tuần sau học sinh mặc đồng phục thể dục {marker}.",
                        "hold_missing": False,
                    }
                    for class_id in {c for _s, c in rows}
                ]
                await session.execute(insert(ClassWeek), notes)
                weeks[school_id] = week
    finally:
        await engine.dispose()
    return weeks


async def enqueue_weekly(url: str, weeks: dict[int, Any]) -> None:
    """Each school's weekly notices, exactly what the Friday schedule runs (`send_week` as the
    school, every class, one transaction per school)."""
    engine = create_engine(url)
    try:
        for school_id, week in weeks.items():
            async with session_factory(engine)() as session, session.begin():
                await send_week(session, school_id, week, SCHOOL, now=datetime.now(UTC))
    finally:
        await engine.dispose()


async def last_delivery(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            newest = await session.scalar(select(func.coalesce(func.max(Delivery.id), 0)))
            return int(newest or 0)
    finally:
        await engine.dispose()


async def counts(url: str, since: int) -> dict[str, int]:
    """The states of the deliveries made after delivery `since`."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.id > since)
                .group_by(Delivery.state)
            )
            return {state.value: int(n) for state, n in rows}
    finally:
        await engine.dispose()


async def leaders(url: str, workers: list[Any]) -> dict[int, int]:
    """How many exclusive advisory locks (bots led, plus chats being handled) each worker
    holds (not the shared presence lock every worker holds): found from pg_locks' backend pids
    and the workers' own connections (their client ports)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT a.client_port, count(*) FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock' "
                        "GROUP BY a.client_port"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    held: dict[int, int] = {}
    for n, (process, _port) in enumerate(workers):
        ports = {c.laddr.port for c in psutil.Process(process.pid).net_connections("tcp")}
        held[n] = sum(int(count) for port, count in rows if port in ports)
    return held


def cpu_seconds(workers: list[Any]) -> float:
    """The CPU time (user and system) the live workers have used so far."""
    total = 0.0
    for process, _port in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = psutil.Process(process.pid).cpu_times()
            total += times.user + times.system
    return total


async def kill_leader(
    url: str, admin: SandboxAdmin, workers: list[Any], since: int, total: int
) -> dict[str, Any]:
    """When a third of the phase is sent, SIGKILL the worker leading the most bots; wait until
    the survivors hold its locks."""

    async def third() -> bool:
        state = await counts(url, since)
        return state.get("sent", 0) >= total // 3

    await _until(third, 600, "a third of the alert", every=0.05)
    held = await leaders(url, workers)
    victim = max(held, key=lambda n: held[n])
    in_flight = (await counts(url, since)).get("sending", 0)
    process = workers[victim][0]
    calls = await admin.calls(method="sendMessage")
    led = {c["bot_id"] for c in calls if c["ok"]}
    os.kill(process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    process.wait(timeout=10)
    survivors = [n for n in held if n != victim]

    async def taken_over() -> bool:
        now_held = await leaders(url, [w for n, w in enumerate(workers) if n != victim])
        return sum(now_held.values()) >= held[victim] + sum(held[n] for n in survivors)

    await _until(taken_over, 120, "the takeover of the bots' locks", every=0.05)
    _say(f"killed worker {victim} holding {held[victim]} locks; {in_flight} in flight")
    return {
        "worker": victim,
        "locks_held": held,
        "in_flight_at_kill": in_flight,
        "leadership_takeover_seconds": round(time.monotonic() - killed_at, 2),
        "bots_sending_before": len(led),
        "killed_at": killed_at,
    }


async def phase(
    admin: SandboxAdmin,
    url: str,
    schools: dict[int, tuple[int, list[int]]],
    workers: list[Any],
    what: str,
    kill: bool = False,
    back: int = 0,
) -> dict[str, Any]:
    """One district-wide phase ("alert" or "weekly"), measured from the sandbox's call record:
    from the moment its first school is enqueued to the last accepted sendMessage."""
    marker = f"[{uuid.uuid4().hex[:6]}]"
    total = sum(len(p) for _b, p in schools.values())
    weeks = await write_week(url, list(schools), back, marker) if what == "weekly" else {}
    since = await last_delivery(url)
    await admin.clear_calls()
    cpu_before = cpu_seconds(workers)
    began = time.monotonic()
    if what == "alert":
        await enqueue_alert(url, list(schools), marker)
    else:
        await enqueue_weekly(url, weeks)
    enqueued_seconds = time.monotonic() - began
    killed = await kill_leader(url, admin, workers, since, total) if kill else {}

    async def done() -> bool:
        state = await counts(url, since)
        return sum(state.get(s.value, 0) for s in FINAL) >= total

    await _until(done, 1800, what, every=0.2)
    cpu = cpu_seconds(workers) - cpu_before
    calls = await admin.calls(method="sendMessage")
    accepted = sorted(c["monotonic"] for c in calls if c["ok"])
    per_bot: dict[int, list[float]] = {}
    for c in calls:
        if c["ok"]:
            per_bot.setdefault(c["bot_id"], []).append(c["monotonic"])
    copies: dict[int, int] = {}
    for bot_id, people in schools.values():
        copies.update(await received(admin, people, bot_id, marker))
    seconds = accepted[-1] - began if accepted else None
    families = max(len(p) for _b, p in schools.values())
    bound = families / TELEGRAM_PER_SECOND  # every bot at Telegram's pace, from the first moment
    per_bot_rate = statistics.median(
        (len(t) - 1) / (t[-1] - t[0]) for t in per_bot.values() if len(t) > 1
    )
    result: dict[str, Any] = {
        "families": total,
        "enqueue_seconds": round(enqueued_seconds, 2),
        "seconds": round(seconds, 2) if seconds else None,
        "bound_seconds": round(bound, 2),
        "over_bound_seconds": round(seconds - bound, 2) if seconds else None,
        "messages_per_second": round(len(accepted) / seconds, 1) if seconds else None,
        "limit_messages_per_second": len(schools) * TELEGRAM_PER_SECOND,
        "per_bot_messages_per_second_median": round(per_bot_rate, 1),
        "per_bot_ratio_to_limit": round(per_bot_rate / TELEGRAM_PER_SECOND, 3),
        "http_429": sum(1 for c in calls if c["error_code"] == 429),
        "lost": sum(1 for n in copies.values() if n == 0),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "states": await counts(url, since),
        "one_bot_minutes": round(total / TELEGRAM_PER_SECOND / 60, 1),
    }
    if not kill:
        result["cpu_seconds_per_1000_messages"] = round(cpu / len(accepted) * 1000, 2)
    else:
        killed_at = killed.pop("killed_at")
        gaps = []
        for times in per_bot.values():
            before = [t for t in times if t < killed_at]
            after = [t for t in times if t >= killed_at]
            if before and after and after[0] - before[-1] > 1.0:  # this bot's sending paused
                gaps.append(after[0] - killed_at)
        killed.update(
            bots_paused=len(gaps),
            takeover_seconds_max=round(max(gaps), 2) if gaps else None,
            takeover_seconds_median=round(statistics.median(gaps), 2) if gaps else None,
        )
        result["kill"] = killed
    _say(f"{len(workers)} worker(s), {what}{' with a kill' if kill else ''}: {result}")
    return result


async def with_workers(
    args: argparse.Namespace,
    count: int,
    http: httpx.AsyncClient,
    admin: SandboxAdmin,
    url: str,
    sandbox_url: str,
    folder: Path,
    schools: dict[int, tuple[int, list[int]]],
) -> dict[str, Any]:
    """Start `count` workers, wait until they share the bots, run the phases, stop them."""
    workers = start_workers(count, url, sandbox_url, folder)
    try:
        started = time.monotonic()
        for process, port in workers:

            async def ready(port: int = port) -> bool:
                answer = await http.get(f"http://127.0.0.1:{port}/readyz")
                return answer.status_code == 200

            await _until(
                ready, 300, "a worker's readiness", alive=lambda p=process: p.poll() is None
            )
        ready_seconds = time.monotonic() - started

        async def balanced() -> bool:  # the first worker up leads all, then gives the others
            held = await leaders(url, workers)  # their part at its next refresh (10 s)
            return (
                sum(held.values()) >= args.schools and max(held.values()) - min(held.values()) <= 1
            )

        await _until(balanced, 120, "the bots shared among the workers", every=0.5)
        run: dict[str, Any] = {
            "workers": count,
            "workers_ready_seconds": round(ready_seconds, 1),
            "bots_shared_seconds": round(time.monotonic() - started, 1),
        }
        _say(f"{count} worker(s) ready, bots shared: {run}")
        run["alert"] = await phase(admin, url, schools, workers, "alert")
        # each run sends its own week (a week is sent once), counted back from today's
        back = args.workers.index(count)
        run["weekly"] = await phase(admin, url, schools, workers, "weekly", back=back)
        if count > 1 and not args.no_kill:
            run["failover"] = await phase(admin, url, schools, workers, "alert", kill=True)
    finally:
        for process, _port in workers:
            _stop(process, "worker")
    return run


async def run(args: argparse.Namespace, folder: Path, sandbox_url: str) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        http = _client(SETUP_CONCURRENCY + 10)
        stack.push_async_callback(http.aclose)
        admin = SandboxAdmin(sandbox_url, http=http)

        async def up() -> bool:
            await admin.state()
            return True

        await _until(up, 20, "sandbox")
        await admin.set_limits(
            rates=True,
            global_per_second=TELEGRAM_PER_SECOND,
            private_per_second=1.0,
            private_burst=3,
            require_contact=True,
        )
        setup = time.monotonic()
        url, _code = await stack.enter_async_context(fresh_database(args.database_url, folder))
        schools = await set_up(args, admin, http, url, folder)
        results: dict[str, Any] = {
            "schools": args.schools,
            "families_per_school": args.families,
            "database": "postgresql",
            "setup_seconds": round(time.monotonic() - setup, 1),
            "telegram_limit_per_second_per_bot": TELEGRAM_PER_SECOND,
            "runs": [],
        }
        for count in args.workers:
            results["runs"].append(
                await with_workers(args, count, http, admin, url, sandbox_url, folder, schools)
            )
    return results


def counts_of(value: str) -> list[int]:
    """`--workers 1,2`: the worker counts to run in turn."""
    return [int(n) for n in value.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument(
        "--workers",
        type=counts_of,
        default=[1, 2],
        help="worker counts to run in turn, e.g. 1,2 (default)",
    )
    parser.add_argument(
        "--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="district-") as name:
        folder = Path(name)
        port = _free_port()
        sandbox_log = (folder / "sandbox.log").open("wb")
        sandbox = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port)],
            stdout=sandbox_log,
            stderr=sandbox_log,
            cwd=ROOT,
        )
        try:
            results = asyncio.run(run(args, folder, f"http://127.0.0.1:{port}"))
        except BaseException:
            for log in sorted(folder.glob("*.log")):
                _say(f"--- {log.name} (last lines)")
                _say("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
            raise
        finally:
            _stop(sandbox, "sandbox")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
