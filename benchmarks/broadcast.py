"""Broadcast one notice to N sandbox parents: our outbox and dispatcher against the usual loop.

Run: .venv/bin/python benchmarks/broadcast.py [--recipients 3000] [--database-url URL]
     [--kill-at random|SECONDS] [--seed 1] [--lease SECONDS] [--per-second 29] [--no-baseline]
     [--bot-log FILE] [--calls-out FILE]

Both sides send the same notice to the same N people, one message each, through one sandbox
(`python -m sandbox`, a subprocess) with Telegram's limits on: 30 messages per second per bot,
1 per second per private chat with a burst of 3. Each side is a bot of its own in the sandbox,
so each has its own limits.

- ours: the production path. One notice is stored with `enqueue_notice(session, school_id,
  Audience.school(), "class", text)`, then the bot is started as a subprocess,
  `python -m bot run` with SCHOOLBOT_SEND_OUTBOX=true: `bot.app.startup` runs the `Dispatcher`
  over the PTB bot whose rate limiter is `BotApiGate(per_second=SCHOOLBOT_SEND_PER_SECOND)`.
  --per-second defaults to the app's own default (`Settings.send_per_second`, 29; the
  environment and .env are not read for it). The side ends when every delivery is in a final
  state (sent, failed, unreachable) in the database. At 29 per second the ratio cannot exceed
  29 / 30 = 0.967.
- baseline: what people write: `ExtBot(token, rate_limiter=AIORateLimiter(max_retries=3))`,
  one `bot.send_message(chat_id, text, parse_mode=HTML)` task per chat and
  `asyncio.gather(*tasks, return_exceptions=True)`, in this process.

Setup, not measured: N sandbox people are created over the person API and each sends /start
to both bots while no bot runs (that opens the private chat; the queued updates are then
dropped with getUpdates offsets, so the bot never answers them). A roster of N pupils (classes
1A..5D, distinct phones) is imported into a fresh database (a SQLite file in a temporary
folder; with --database-url on PostgreSQL, a new database on that server, dropped at the end;
with a SQLite URL, a school of its own in that file), and one `TelegramAccount` per person is
inserted directly, linked to one pupil's mother, as tests/e2e/test_notifications.py does. The
school's quiet hours are switched off ({"start": "00:00", "end": "00:00"}), so that the
routine notice is claimed whatever the hour in Asia/Ho_Chi_Minh.

Counted from the sandbox, not from what the sender believes: every person's chat with each
bot is read through the person API; a person with no message carrying the notice is `lost`,
every message beyond the first is a duplicate. The sandbox's call record gives the 429s and
the timings (--calls-out keeps both bots' sendMessage records as JSON for a closer look).

--kill-at random (or a number of seconds after the first send): the sending process is killed
with SIGKILL at that moment (random: uniform between 15% and 85% of N / per-second, seeded by
--seed), the deliveries in state `sending` are counted in the database at once
(`in_flight_at_kill`), and the same command is started again. After a kill, `sending` rows are
taken again only when their lease runs out: 120 s by default (SCHOOLBOT_OUTBOX_LEASE_SECONDS).
With --lease S the sending process is instead a small script (`python -c`,
RUNNER below) that builds the same application with `bot.app.build_application` and `startup`
(SCHOOLBOT_SEND_OUTBOX=false) and runs the production `Dispatcher(bot, sessions,
lease=timedelta(seconds=S))` on its bot, so that the run does not wait 120 s.

The last line printed is JSON: recipients, telegram_limit_per_second (30), database, seed,
setup_seconds, wall_seconds, and per side ("ours", "baseline") an object with
throughput_ratio ((accepted sends - 1) over the time from the first to the last accepted
sendMessage's arrival at the sandbox, divided by 30; duplicates count as sends), http_429 (the
sandbox's 429 answers to that bot's sendMessage), lost, duplicates, delivered (people who got
it), messages_per_second (the rate behind throughput_ratio), seconds (first sendMessage to
the end of the last one, as the sandbox saw them; after a kill this includes the restart and
the lease), wall_seconds (the side from its start, process start-up included, to the last
outcome), send_calls, other_errors (other refused sends by code). "ours" adds per_second,
sender, lease_seconds, states (the deliveries per final state in the database) and, with
--kill-at, kill: after_first_send_seconds, in_flight_at_kill, sent_in_database_at_kill,
accepted_by_sandbox_at_kill, unrecorded_at_kill (sends the sandbox accepted that the database
did not record as sent: the duplicates to expect; in_flight_at_kill counts the whole claimed
batch, up to 60 rows, so it is a loose bound), states_at_kill, restarted_at_seconds.
"baseline" adds exceptions (what gather returned, by type).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402

from bot.core.settings import Settings  # noqa: E402
from bot.delivery.outbox import Audience, enqueue_notice  # noqa: E402
from bot.features.accounts.queries import CONSENT_VERSION  # noqa: E402
from bot.features.administration.imports import import_roster  # noqa: E402
from sandbox.client import SandboxAdmin  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    AccountState,
    Delivery,
    DeliveryState,
    Relation,
    Student,
    StudentGuardian,
    TelegramAccount,
)
from storage.queries import ensure_school  # noqa: E402
from tests.factories import pupil, write_table  # noqa: E402

OURS_TOKEN = "900000005:BENCH-broadcast-outbox"
BASELINE_TOKEN = "900000006:BENCH-broadcast-gather"
TELEGRAM_PER_SECOND = 30  # Telegram's (and the sandbox's) messages per second per bot
SETUP_CONCURRENCY = 50
FINAL = (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNREACHABLE)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Gia", "Bảo", "Thanh", "Đức", "Hữu", "Khánh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đăng", "Hà", "Lan", "Linh", "Nam", "Thảo", "Uyên"]
SECOND = ["", "Anh ", "Khôi ", "Phúc ", "Quang ", "Tâm ", "Trí ", "Vy "]

# The sending process of --lease: the app's own build and startup, and the production
# Dispatcher with a shorter lease (`python -m bot run` has no option for it).
RUNNER = textwrap.dedent(
    """
    import asyncio, logging, sys
    from datetime import timedelta
    from bot.app import build_application, shutdown, startup
    from bot.delivery.dispatcher import Dispatcher
    from bot.runner import stop_on_signals
    from bot.core.settings import load_settings

    async def main(lease: float) -> None:
        stop = stop_on_signals()
        settings = load_settings(send_outbox=False)
        application = build_application(settings)
        await startup(application)
        services = application.bot_data["services"]
        dispatcher = Dispatcher(
            application.bot, services.sessions, lease=timedelta(seconds=lease)
        )
        try:
            await dispatcher.run(stop)
        finally:
            await shutdown(application)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main(float(sys.argv[1])))
    """
)


@dataclass
class Prepared:
    """What setup leaves for the sending sides."""

    url: str  # the database
    school: str  # its code
    notice_id: int
    people: list[int]  # person ids, which are also their private chat ids
    text: str  # the notice as sent (HTML)
    marker: str  # a string every copy of the notice shows, and nothing else does


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes], name: str) -> None:
    """SIGTERM, then SIGKILL if the process does not exit within 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _say(f"{name} did not stop on SIGTERM; killing it")
            process.kill()
            process.wait(timeout=10)


async def _until(
    check: Callable[[], Awaitable[bool]],
    seconds: float,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    every: float = 0.1,
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what}: the process exited")
        with contextlib.suppress(httpx.TransportError):
            if await check():
                return
        await asyncio.sleep(every)
    raise RuntimeError(f"{what}: not done after {seconds:.0f} s")


def _client(connections: int) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends (see linking.py).
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2.0
    )
    nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=nodelay)
    return httpx.AsyncClient(timeout=60.0, transport=transport)


# --- setup ---------------------------------------------------------------------------------


def roster_rows(count: int, today: date) -> list[list[object]]:
    """N pupils with distinct names over classes 1A..5D; the factory's phones are distinct."""
    rows = []
    for n in range(count):
        grade = 1 + n * 5 // count
        family = FAMILY[n % len(FAMILY)]
        middle = MIDDLE[n // len(FAMILY) % len(MIDDLE)]
        given = GIVEN[n // (len(FAMILY) * len(MIDDLE)) % len(GIVEN)]
        second = SECOND[n // (len(FAMILY) * len(MIDDLE) * len(GIVEN)) % len(SECOND)]
        born = date(today.year - 6 - grade, 1 + n % 12, 1 + n % 28)
        rows.append(
            pupil(
                n + 1,
                name=f"{family} {middle} {second}{given}",
                born=born.strftime("%d/%m/%Y"),
                gender="Nam" if n % 2 else "Nữ",
                klass=f"{grade}{'ABCD'[n % 4]}",
            )
        )
    return rows


async def create_people(admin: SandboxAdmin, count: int, bot_ids: list[int]) -> list[int]:
    """N people, each of whom has sent /start to every bot (so the private chats exist)."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(n: int) -> int:
        async with gate:
            person = await admin.add_person(f"Phụ huynh {n + 1}", phone=f"+84983{n + 1:06d}")
            person_id = int(person["id"])
            for bot_id in bot_ids:
                await admin.person(person_id, bot_id).command("start")
            return person_id

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def drop_updates(http: httpx.AsyncClient, url: str, token: str) -> int:
    """Confirm every queued update (getUpdates with offsets), as if a bot had read them."""
    endpoint = f"{url}/bot{token}/getUpdates"
    last = (await http.post(endpoint, json={"offset": -1, "timeout": 0})).json()["result"]
    if not last:
        return 0
    newest = int(last[-1]["update_id"])
    rest = (await http.post(endpoint, json={"offset": newest + 1, "timeout": 0})).json()
    if rest["result"]:
        raise RuntimeError(f"updates left for {token.split(':')[0]}: {len(rest['result'])}")
    return newest


async def prepare_database(
    url: str,
    school_code: str,
    roster: Path,
    people: list[int],
    text_html: str | None,
    school_name: str = "Trường Tiểu học Thử",
) -> int:
    """Migrate, create the school, import the roster, link one mother per person, enqueue
    (nothing with `text_html` None: then the school's id is returned)."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            school = await ensure_school(session, school_code, school_name)
            # start == end: never quiet, so that the routine notice goes now, whatever the hour.
            school.settings = {"quiet_hours": {"start": "00:00", "end": "00:00"}}
            outcome = await import_roster(
                session, school, roster, today=date.today(), actor="bench"
            )
            if outcome.problems:
                raise SystemExit(f"the generated roster was refused: {outcome.problems[:3]}")
        async with sessions() as session, session.begin():
            mothers = list(
                await session.scalars(
                    select(StudentGuardian.guardian_id)
                    .join(Student, Student.id == StudentGuardian.student_id)
                    .where(
                        Student.school_id == school.id,
                        StudentGuardian.relation == Relation.MOTHER,
                    )
                    .order_by(Student.id)
                )
            )
            if len(mothers) < len(people):
                raise SystemExit(f"only {len(mothers)} mothers for {len(people)} people")
            now = datetime.now(UTC)
            await session.execute(
                insert(TelegramAccount),
                [
                    {
                        "school_id": school.id,
                        "telegram_user_id": person,
                        "chat_id": person,
                        "language": "vi",
                        "guardian_id": guardian,
                        "consent_at": now,
                        "consent_version": CONSENT_VERSION,
                        "state": AccountState.LINKED,
                    }
                    for person, guardian in zip(people, mothers, strict=False)
                ],
            )
            if text_html is None:
                return int(school.id)
            notice = await enqueue_notice(session, school.id, Audience.school(), "class", text_html)
            notice_id = notice.id
        async with sessions() as session:
            queued = await session.scalar(
                select(func.count()).where(Delivery.notice_id == notice_id)
            )
        if queued != len(people):
            raise SystemExit(f"{queued} deliveries enqueued for {len(people)} people")
    finally:
        await engine.dispose()
    return notice_id


@contextlib.asynccontextmanager
async def fresh_database(url: str | None, folder: Path) -> AsyncIterator[tuple[str, str]]:
    """Yield (URL, school code): a new SQLite file, a new PostgreSQL database, or the file given."""
    school = f"bc{uuid.uuid4().hex[:8]}"
    if url is None:
        yield f"sqlite+aiosqlite:///{folder / 'broadcast.db'}", school
        return
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url, school  # a school of its own in the database given
        return
    name = f"broadcast_{uuid.uuid4().hex[:12]}"
    server = create_async_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with server.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False), school
        finally:
            async with server.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await server.dispose()


# --- counting --------------------------------------------------------------------------------


async def received(
    admin: SandboxAdmin, people: list[int], bot_id: int, marker: str
) -> dict[int, int]:
    """How many copies of the notice each person has in their chat with the bot."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(person: int) -> int:
        async with gate:
            messages = await admin.person(person, bot_id).messages()
        return sum(1 for m in messages if m["from_bot"] and marker in (m.get("text") or ""))

    counts = await asyncio.gather(*(one(p) for p in people))
    return dict(zip(people, counts, strict=True))


async def tally(admin: SandboxAdmin, people: list[int], bot_id: int, marker: str) -> dict[str, Any]:
    """The side's figures from the sandbox: the people's chats and the call record."""
    counts = await received(admin, people, bot_id, marker)
    calls = await admin.calls(bot_id=bot_id, method="sendMessage")
    accepted = sorted(c["monotonic"] for c in calls if c["ok"])
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0
    rate = (len(accepted) - 1) / span if span > 0 else None
    first = min((c["monotonic"] for c in calls), default=0.0)
    last = max((c["monotonic"] + c["duration"] for c in calls), default=0.0)
    others = Counter(
        f"{c['error_code']} {c['description']}"
        for c in calls
        if not c["ok"] and c["error_code"] != 429
    )
    return {
        "throughput_ratio": round(rate / TELEGRAM_PER_SECOND, 3) if rate else None,
        "http_429": sum(1 for c in calls if c["error_code"] == 429),
        "lost": sum(1 for n in counts.values() if n == 0),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "delivered": sum(1 for n in counts.values() if n > 0),
        "seconds": round(last - first, 2),
        "messages_per_second": round(rate, 2) if rate else None,
        "send_calls": len(calls),
        "other_errors": dict(others),
    }


async def states(sessions: async_sessionmaker[AsyncSession], notice_id: int) -> dict[str, int]:
    """The notice's deliveries per state, from the database."""
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.notice_id == notice_id)
            .group_by(Delivery.state)
        )
        return {state.value: int(number) for state, number in rows}


# --- the two sides ---------------------------------------------------------------------------


async def run_ours(
    args: argparse.Namespace,
    sandbox_url: str,
    admin: SandboxAdmin,
    prepared: Prepared,
    folder: Path,
) -> dict[str, Any]:
    """Start the sending process, kill and restart it if asked, wait for every outcome."""
    bot_id = int(OURS_TOKEN.split(":")[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLBOT_")}
    env.update(
        SCHOOLBOT_TOKEN=OURS_TOKEN,
        SCHOOLBOT_API_BASE_URL=sandbox_url,
        SCHOOLBOT_DATABASE_URL=prepared.url,
        SCHOOLBOT_SCHOOL=prepared.school,
        SCHOOLBOT_SEND_PER_SECOND=str(args.per_second),
        SCHOOLBOT_SEND_OUTBOX="true" if args.lease is None else "false",
        PYTHONPATH=str(ROOT),
    )
    if args.lease is None:
        command = [sys.executable, "-m", "bot", "run"]
        sender = "python -m bot run"
    else:
        command = [sys.executable, "-c", RUNNER, str(args.lease)]
        sender = f"python -c RUNNER (build_application + Dispatcher(lease={args.lease:g} s))"
    log: IO[bytes] = (args.bot_log or folder / "bot.log").open("ab")

    def start() -> subprocess.Popen[bytes]:
        # The temporary folder as the working directory keeps a developer's .env out.
        return subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)

    engine = create_engine(prepared.url)
    sessions = session_factory(engine)
    kill: dict[str, Any] | None = None
    process: subprocess.Popen[bytes] | None = None
    expected = len(prepared.people) / args.per_second
    try:
        began = time.monotonic()
        process = start()
        if args.kill_at is not None:
            current = process

            async def sending() -> bool:
                return bool(await admin.calls(bot_id=bot_id, method="sendMessage"))

            await _until(sending, 60, "first send", lambda: current.poll() is None, every=0.02)
            first_seen = time.monotonic()
            if args.kill_at == "random":
                delay = random.Random(args.seed).uniform(0.15, 0.85) * expected
            else:
                delay = float(args.kill_at)
            await asyncio.sleep(delay)
            process.kill()
            process.wait(timeout=10)
            killed = time.monotonic()
            at_kill = await states(sessions, prepared.notice_id)
            await asyncio.sleep(0.5)  # requests the sandbox had already taken finish
            accepted = len(await admin.calls(bot_id=bot_id, method="sendMessage", ok=True))
            sent = at_kill.get(DeliveryState.SENT.value, 0)
            kill = {
                "after_first_send_seconds": round(killed - first_seen, 2),
                "in_flight_at_kill": at_kill.get(DeliveryState.SENDING.value, 0),
                "sent_in_database_at_kill": sent,
                "accepted_by_sandbox_at_kill": accepted,
                "unrecorded_at_kill": accepted - sent,
                "states_at_kill": at_kill,
            }
            _say(f"ours: killed {killed - first_seen:.1f} s after the first send: {kill}")
            process = start()
            kill["restarted_at_seconds"] = round(time.monotonic() - first_seen, 2)
        running = process

        async def settled() -> bool:
            now = await states(sessions, prepared.notice_id)
            return sum(now.get(s.value, 0) for s in FINAL) == len(prepared.people)

        lease = 120.0 if args.lease is None else float(args.lease)
        await _until(
            settled, expected * 3 + lease + 120, "ours", lambda: running.poll() is None, 0.25
        )
        wall = time.monotonic() - began
        final = await states(sessions, prepared.notice_id)
    finally:
        if process is not None:
            _stop(process, "the bot")
        log.close()
        await engine.dispose()
    result = await tally(admin, prepared.people, bot_id, prepared.marker)
    result |= {
        "wall_seconds": round(wall, 2),
        "per_second": args.per_second,
        "sender": sender,
        "lease_seconds": lease,
        "states": final,
    }
    if kill is not None:
        result["kill"] = kill
    return result


async def run_baseline(sandbox_url: str, admin: SandboxAdmin, prepared: Prepared) -> dict[str, Any]:
    """One send_message task per chat, gathered, through PTB's AIORateLimiter."""
    bot = ExtBot(
        BASELINE_TOKEN,
        base_url=f"{sandbox_url}/bot",
        rate_limiter=AIORateLimiter(max_retries=3),
    )
    async with bot:
        began = time.monotonic()
        tasks = []
        for chat_id in prepared.people:
            tasks.append(bot.send_message(chat_id, prepared.text, parse_mode=ParseMode.HTML))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.monotonic() - began
    result = await tally(admin, prepared.people, int(BASELINE_TOKEN.split(":")[0]), prepared.marker)
    result |= {
        "wall_seconds": round(wall, 2),
        "exceptions": dict(
            Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
        ),
    }
    return result


# --- the run ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, folder: Path, sandbox_url: str) -> dict[str, Any]:
    """Set up people and the database, run both sides, return the figures."""
    async with contextlib.AsyncExitStack() as stack:
        http = _client(SETUP_CONCURRENCY + 10)
        stack.push_async_callback(http.aclose)
        admin = SandboxAdmin(sandbox_url, http=http)

        async def up() -> bool:
            await admin.state()
            return True

        await _until(up, 20, "sandbox")
        setup = time.monotonic()
        await admin.add_bot(OURS_TOKEN, "bench_outbox_bot", "Sổ liên lạc")
        await admin.add_bot(BASELINE_TOKEN, "bench_gather_bot", "Sổ liên lạc (gather)")
        await admin.set_limits(
            rates=True,
            global_per_second=TELEGRAM_PER_SECOND,
            private_per_second=1.0,
            private_burst=3,
            require_contact=True,
        )
        bot_ids = [int(t.split(":")[0]) for t in (OURS_TOKEN, BASELINE_TOKEN)]
        people = await create_people(admin, args.recipients, bot_ids)
        for token in (OURS_TOKEN, BASELINE_TOKEN):
            await drop_updates(http, sandbox_url, token)
        marker = f"[{uuid.uuid4().hex[:6]}]"
        notice = (
            f"<b>Thông báo của nhà trường {marker}</b>\n"
            "Do ảnh hưởng của bão, học sinh toàn trường nghỉ học ngày mai. "
            "Kính mong Quý phụ huynh sắp xếp đưa đón &amp; theo dõi tin nhắn tiếp theo."
        )
        roster = write_table(folder / "roster.xlsx", roster_rows(args.recipients, date.today()))
        database = await stack.enter_async_context(fresh_database(args.database_url, folder))
        url, school = database
        notice_id = await prepare_database(url, school, roster, people, notice)
        await admin.clear_calls()
        setup_seconds = time.monotonic() - setup
        _say(f"setup: {len(people)} people linked and 1 notice enqueued in {setup_seconds:.1f} s")
        prepared = Prepared(url, school, notice_id, people, notice, marker)
        results: dict[str, Any] = {
            "recipients": args.recipients,
            "telegram_limit_per_second": TELEGRAM_PER_SECOND,
            "database": make_url(url).get_backend_name(),
            "seed": args.seed,
            "setup_seconds": round(setup_seconds, 1),
        }
        results["ours"] = await run_ours(args, sandbox_url, admin, prepared, folder)
        _say(f"ours: {results['ours']}")
        if not args.no_baseline:
            results["baseline"] = await run_baseline(sandbox_url, admin, prepared)
            _say(f"baseline: {results['baseline']}")
        if args.calls_out:
            record = await admin.calls(method="sendMessage")
            names = {
                int(t.split(":")[0]): side
                for t, side in ((OURS_TOKEN, "ours"), (BASELINE_TOKEN, "baseline"))
            }
            sides = {
                side: [c for c in record if names[c["bot_id"]] == side] for side in names.values()
            }
            args.calls_out.write_text(json.dumps(sides))
    return results


def main() -> None:
    """Start the sandbox, run both sides, print the JSON result."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy async URL; PostgreSQL: a server to create a fresh database on "
        "(default: a fresh SQLite file)",
    )
    parser.add_argument(
        "--kill-at",
        help="'random' or seconds after the first send: SIGKILL the sender then, and restart it",
    )
    parser.add_argument("--seed", type=int, default=1, help="for --kill-at random")
    parser.add_argument(
        "--lease",
        type=float,
        help="run the production Dispatcher with this lease (s) in a small script instead of "
        "`python -m bot run` (whose lease is 120 s)",
    )
    parser.add_argument(
        "--per-second",
        type=float,
        default=float(Settings.model_fields["send_per_second"].default),
        help="SCHOOLBOT_SEND_PER_SECOND for ours (default: the app's default)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="run ours only")
    parser.add_argument(
        "--bot-log", type=Path, help="append the sending process's log to this file"
    )
    parser.add_argument(
        "--calls-out", type=Path, help="write the sandbox's sendMessage records here (JSON)"
    )
    args = parser.parse_args()
    if args.recipients < 1:
        parser.error("--recipients must be at least 1")
    if args.kill_at not in (None, "random"):
        try:
            float(args.kill_at)
        except ValueError:
            parser.error("--kill-at takes 'random' or a number of seconds")
    wall = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="broadcast-") as name:
        folder = Path(name)
        port = _free_port()
        sandbox = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        try:
            result = asyncio.run(run(args, folder, f"http://127.0.0.1:{port}"))
        finally:
            _stop(sandbox, "the sandbox")
    result["wall_seconds"] = round(time.monotonic() - wall, 1)
    for side in ("ours", "baseline"):
        if side in result:
            figures = result[side]
            print(
                f"{side}: ratio {figures['throughput_ratio']}, {figures['http_429']} x 429, "
                f"{figures['lost']} lost, {figures['duplicates']} duplicates, "
                f"{figures['seconds']} s"
            )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
