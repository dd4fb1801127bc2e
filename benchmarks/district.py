"""A district on one deployment: an alert to every family of S schools, and a worker killed.

Run: .venv/bin/python benchmarks/district.py [--schools 10] [--families 300] [--workers 2]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--no-kill]

Setup, not measured: the sandbox (`python -m sandbox`, a subprocess) with Telegram's limits on
(30 messages a second per bot, 1 a second per private chat with a burst of 3); S bots, one per
school, each added with the production `schoolbot school add` path (storage.bots.put_bot); per
school F sandbox people who have sent /start to their school's bot (the updates are dropped),
a roster of F pupils imported, and one mother per person linked (as benchmarks/broadcast.py
does). A fresh PostgreSQL database on the server given (dropped at the end).

Then W workers are started as subprocesses, `python -m bot worker`, on that database, each on
its own port (SCHOOLBOT_PUBLIC_URL points at the first: updates are not what is measured), and
the run waits until every worker's /readyz answers 200.

1. The alert: an urgent notice to every family is enqueued for every school in one moment
   (one transaction per school, as the school's own "Gửi" would), and the run waits until every
   delivery is final in the database. Measured from the sandbox's call record: the seconds from
   the enqueue to the last accepted sendMessage, messages a second in all and per bot, 429s,
   people lost and duplicated. `one_bot_minutes` is what the same alert would take through one
   bot at Telegram's 30 a second: families / 30 / 60.
   Before it, the run waits until the bots' leadership is shared among the workers (the first
   worker up leads every bot and gives the others their part at its next refresh).
2. The failover (unless --no-kill): a second alert is enqueued; when about a third of it has been
   accepted, the worker leading the most bots (found from PostgreSQL's advisory locks and the
   workers' connections) is killed with SIGKILL. Measured: for each bot it led, the gap from the
   kill to that bot's next accepted sendMessage (takeover_seconds: max and median), the
   deliveries in flight at the kill, and the duplicates the families received (at most those in
   flight). The workers keep the default lease (120 s): the worker that takes a dead one's bots
   lets go of its claimed batch after a 10 s grace (bot/delivery/takeover.py).

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
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, select, text

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
from sandbox.client import SandboxAdmin  # noqa: E402
from storage import bots  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.models import Delivery, DeliveryState, School  # noqa: E402
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


def start_workers(args: argparse.Namespace, url: str, sandbox_url: str, log: Path) -> list[Any]:
    ports = [_free_port() for _ in range(args.workers)]
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
        out = (log / f"worker-{n}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], env=env, stdout=out, stderr=out, cwd=ROOT
        )
        workers.append((process, port))
    return workers


async def enqueue_alert(url: str, schools: list[int], marker: str) -> list[int]:
    """One urgent notice per school, each in its own transaction; their ids."""
    text_html = (
        f"<b>THÔNG BÁO KHẨN {marker}</b>\nDo bão số 9, học sinh toàn quận nghỉ học ngày mai. "
        "Kính mong Quý phụ huynh sắp xếp đưa đón &amp; theo dõi tin nhắn tiếp theo."
    )
    engine = create_engine(url)
    notices = []
    try:
        for school_id in schools:
            async with session_factory(engine)() as session, session.begin():
                notice = await enqueue_notice(
                    session, school_id, Audience.school(), "urgent", text_html
                )
                notices.append(notice.id)
    finally:
        await engine.dispose()
    return notices


async def counts(url: str, notices: list[int]) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.notice_id.in_(notices))
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


async def alert(
    admin: SandboxAdmin,
    url: str,
    schools: dict[int, tuple[int, list[int]]],
    workers: list[Any],
    kill: bool,
) -> dict[str, Any]:
    marker = f"[{uuid.uuid4().hex[:6]}]"
    total = sum(len(p) for _b, p in schools.values())
    await admin.clear_calls()
    began = time.monotonic()
    notices = await enqueue_alert(url, list(schools), marker)
    killed: dict[str, Any] = {}
    if kill:

        async def third() -> bool:
            state = await counts(url, notices)
            return state.get("sent", 0) >= total // 3

        await _until(third, 600, "a third of the alert", every=0.05)
        held = await leaders(url, workers)
        victim = max(held, key=lambda n: held[n])
        in_flight = (await counts(url, notices)).get("sending", 0)
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
        killed = {
            "worker": victim,
            "locks_held": held,
            "in_flight_at_kill": in_flight,
            "leadership_takeover_seconds": round(time.monotonic() - killed_at, 2),
        }
        _say(f"killed worker {victim} holding {held[victim]} locks; {in_flight} in flight")

    async def done() -> bool:
        state = await counts(url, notices)
        return sum(state.get(s.value, 0) for s in FINAL) >= total

    await _until(done, 1800, "the alert", every=0.2)
    calls = await admin.calls(method="sendMessage")
    accepted = sorted(c["monotonic"] for c in calls if c["ok"])
    per_bot: dict[int, list[float]] = {}
    for c in calls:
        if c["ok"]:
            per_bot.setdefault(c["bot_id"], []).append(c["monotonic"])
    copies: dict[int, int] = {}
    for bot_id, people in schools.values():
        copies.update(await received(admin, people, bot_id, marker))
    result: dict[str, Any] = {
        "families": total,
        "seconds": round(accepted[-1] - began, 2) if accepted else None,
        "messages_per_second": round(len(accepted) / (accepted[-1] - began), 1)
        if accepted
        else None,
        "per_bot_messages_per_second_median": round(
            statistics.median(
                (len(t) - 1) / (t[-1] - t[0]) for t in per_bot.values() if len(t) > 1
            ),
            1,
        ),
        "http_429": sum(1 for c in calls if c["error_code"] == 429),
        "lost": sum(1 for n in copies.values() if n == 0),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "states": await counts(url, notices),
        "one_bot_minutes": round(total / TELEGRAM_PER_SECOND / 60, 1),
    }
    if kill:
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
            bots_sending_before=len(led),
        )
        result["kill"] = killed
    return result


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
        setup_seconds = time.monotonic() - setup
        workers = start_workers(args, url, sandbox_url, folder)
        for process, _port in workers:
            stack.callback(_stop, process, "worker")
        started = time.monotonic()
        for process, port in workers:

            async def ready(port: int = port) -> bool:
                answer = await http.get(f"http://127.0.0.1:{port}/readyz")
                return answer.status_code == 200

            await _until(
                ready, 300, "a worker's readiness", alive=lambda p=process: p.poll() is None
            )
        ready_seconds = time.monotonic() - started
        _say(f"{args.workers} workers ready in {ready_seconds:.1f} s")

        async def balanced() -> bool:  # the first worker up leads all, then gives the others
            held = await leaders(url, workers)  # their part at its next refresh (10 s)
            return (
                sum(held.values()) >= args.schools and max(held.values()) - min(held.values()) <= 1
            )

        await _until(balanced, 120, "the bots shared among the workers", every=0.5)
        balanced_seconds = time.monotonic() - started
        _say(f"bots shared among the workers {balanced_seconds:.1f} s after start")
        results: dict[str, Any] = {
            "schools": args.schools,
            "families_per_school": args.families,
            "workers": args.workers,
            "database": "postgresql",
            "setup_seconds": round(setup_seconds, 1),
            "workers_ready_seconds": round(ready_seconds, 1),
            "bots_shared_seconds": round(balanced_seconds, 1),
            "telegram_limit_per_second_per_bot": TELEGRAM_PER_SECOND,
        }
        results["alert"] = await alert(admin, url, schools, workers, kill=False)
        _say(f"alert: {results['alert']}")
        if not args.no_kill:
            results["failover"] = await alert(admin, url, schools, workers, kill=True)
            _say(f"failover: {results['failover']}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
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
