"""Link 500 sandbox parents to the bot at once; print the welcome latency as JSON.

Run: .venv/bin/python benchmarks/linking.py [--parents 500] [--database-url URL] [--arrival-ms 0]

The sandbox (with Telegram's limits on) and the bot (`python -m bot run`, the production entry
point, polling) each run in a subprocess; this process plays the parents over the sandbox's
person API.

Setup, not measured: a roster with one pupil per parent (classes 1A..5D, every mother with a
phone of her own) is imported into a fresh database (by default a SQLite file in a temporary
folder; with --database-url, a school of its own in that database), then every parent sends
/start, gets the consent screen, presses "Đồng ý" and is asked for their phone.

Measured: every parent shares their own contact at the same moment (asyncio.gather), or, with
--arrival-ms N, at moments spread evenly over N milliseconds, as at a parents' meeting. A
parent's latency runs from the share to the moment the welcome ("Tài khoản của Quý vị đã được
liên kết", with "<child>, lớp <class>") reaches them. "errors" counts parents who got another
answer, nothing within --timeout seconds, or an exception (setup failures included).

Limits: every Telegram limit stays on (1 message per second per private chat with a burst of
3, message lengths, HTML) except the bot's global 30 messages per second, which is raised to
1,000 (--global-limit) through the sandbox's limits API (`SandboxAdmin.set_limits(
global_per_second=N)`; `python -m sandbox` has no flag for it). At 30 per second 500 welcomes
take 17 s or more whatever the bot does, so the percentiles would measure the cap, not the bot;
`--global-limit 30` measures exactly that. The bot is told the same figure
(SCHOOLBOT_SEND_PER_SECOND; 1,000 is what Telegram allows bots with paid broadcasts) and paces
its sends to it, so that replies queue instead of meeting 429s. The sandbox's limit is raised
during setup, so that only the measured phase meets the chosen one; changing the limits also
forgets earlier sends.

The last line printed is JSON: p50_ms, p95_ms and max_ms (nearest rank, over the parents who
got their welcome), errors, parents, linked, seconds (the measured phase's wall time, first share
to last answer or timeout), links_per_second (links over the time from the first share to the
last welcome), arrival_ms, database, sent_p50_ms and sent_p95_ms (the same latencies up to the
moment the sandbox accepted the bot's sendMessage; the rest is delivery to the parent),
http_429 (the bot's sends refused for flood control while measuring), global_limit_per_second,
setup_seconds, error_kinds, first_errors, pupils_imported and wall_seconds (the whole run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.features.administration.imports import import_roster  # noqa: E402
from sandbox.client import PersonClient, SandboxAdmin  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.queries import ensure_school  # noqa: E402
from tests.factories import pupil, write_table  # noqa: E402

TOKEN = "900000002:BENCH-linking-token"
LINKED = "Tài khoản của Quý vị đã được liên kết"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Gia", "Bảo", "Thanh", "Đức", "Hữu", "Khánh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đăng", "Hà", "Lan", "Linh", "Nam", "Thảo", "Uyên"]
SETUP_CONCURRENCY = 50
RAISED_GLOBAL_LIMIT = 1000  # messages per second per bot; Telegram's is 30


@dataclass(frozen=True)
class Family:
    """One pupil and the mother who links: her phone is the only one a parent shares."""

    child: str
    klass: str
    mother: str
    phone: str  # E.164, as Telegram shares it

    @property
    def expected(self) -> str:
        """The welcome's line for the child."""
        return f"{self.child}, lớp {self.klass}"


@dataclass
class Outcome:
    """What happened to one parent while measuring."""

    latency: float | None = None  # seconds from the share to the welcome
    shared_at: float = 0.0  # time.monotonic() just before the share
    error: str | None = None


def families(count: int) -> list[Family]:
    """Distinct children (unique names below 1,210) spread over classes 1A..5D."""
    found = []
    for n in range(count):
        grade = 1 + n * 5 // count
        surname = FAMILY[n % len(FAMILY)]
        middle = MIDDLE[n // len(FAMILY) % len(MIDDLE)]
        given = GIVEN[n // (len(FAMILY) * len(MIDDLE)) % len(GIVEN)]
        found.append(
            Family(
                child=f"{surname} {middle} {given}",
                klass=f"{grade}{'ABCD'[n % 4]}",
                mother=f"{FAMILY[(n + 3) % len(FAMILY)]} Thị {GIVEN[n % len(GIVEN)]}",
                phone=f"+84983{n + 1:06d}",
            )
        )
    return found


def write_roster(path: Path, rows: list[Family], today: date) -> Path:
    """The roster file, in the shape of the tests' exports."""
    lines = []
    for n, family in enumerate(rows, start=1):
        born = date(today.year - 6 - int(family.klass[0]), 1 + n % 12, 1 + n % 28)
        lines.append(
            pupil(
                n,
                name=family.child,
                born=born.strftime("%d/%m/%Y"),
                gender="Nam" if n % 2 else "Nữ",
                klass=family.klass,
                mother=(family.mother, "0" + family.phone.removeprefix("+84")),
            )
        )
    return write_table(path, lines)


async def prepare_database(url: str, school_code: str, roster: Path) -> dict[str, Any]:
    """Migrate, create the school, import the roster; return the import summary."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            school = await ensure_school(session, school_code, "Trường Tiểu học Thử")
            outcome = await import_roster(
                session, school, roster, today=date.today(), actor="bench"
            )
    finally:
        await engine.dispose()
    if outcome.problems:
        raise SystemExit(f"the generated roster was refused: {outcome.problems[:3]}")
    return outcome.summary


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
            print(f"{name} did not stop on SIGTERM; killing it", file=sys.stderr)
            process.kill()
            process.wait(timeout=10)


async def _until(
    check: Callable[[], Awaitable[bool]], seconds: float, what: str, alive: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what}: the process exited")
        with contextlib.suppress(httpx.TransportError):
            if await check():
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{what}: not ready after {seconds:.0f} s")


async def next_new(person: PersonClient, seconds: float) -> dict[str, Any]:
    """The bot's next new message within `seconds` (the sandbox caps one poll at 60 s)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"nothing from the bot to person {person.person_id} in {seconds}s")
        with contextlib.suppress(TimeoutError):
            return await person.next_message(timeout=min(left, 50.0), new_only=True)


async def consent(person: PersonClient, patience: float) -> None:
    """/start, "Đồng ý", and the request for the phone, as tests/e2e/conftest.py does."""
    await person.command("start")
    screen = await next_new(person, patience)
    if "đồng ý" not in screen["text"].lower():
        raise AssertionError(f"no consent screen: {screen['text'][:80]!r}")
    await person.press("Đồng ý")
    asked = await next_new(person, patience)
    if asked.get("reply_keyboard") is None:
        raise AssertionError(f"not asked for the phone: {asked['text'][:80]!r}")


async def link(
    person: PersonClient, family: Family, delay: float, patience: float, origin: float
) -> Outcome:
    """Share the contact at origin + delay and wait for the welcome; never raises."""
    outcome = Outcome()
    await asyncio.sleep(max(origin + delay - time.monotonic(), 0.0))
    outcome.shared_at = started = time.monotonic()
    try:
        await person.share_contact()
        welcome = await next_new(person, patience)
        outcome.latency = time.monotonic() - started
        text = welcome["text"]
        if LINKED not in text or family.expected not in text:
            outcome.error = f"wrong welcome: {text[:120]!r}"
    except Exception as exc:  # any failure counts, none stops the run
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile in milliseconds (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * share))
    return round(ordered[rank - 1] * 1000, 1)


async def drive(
    url: str, args: argparse.Namespace, bot: subprocess.Popen[bytes], backend: str
) -> dict[str, Any]:
    """Create the parents, run setup, then measure the shares; return the figures."""
    rows = families(args.parents)
    tls = ssl.create_default_context()  # never used on http://, but each client would load one
    async with contextlib.AsyncExitStack() as clients:

        def phone() -> httpx.AsyncClient:
            # A pool of its own per parent, as each has a phone of their own: httpcore scans a
            # pool's every connection on every request, which with one pool of 1,000
            # connections cost this process more CPU than the bot used.
            # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so that no
            # request is sent on a connection the sandbox is closing (a ReadError).
            limits = httpx.Limits(
                max_connections=2, max_keepalive_connections=2, keepalive_expiry=2.0
            )
            nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            transport = httpx.AsyncHTTPTransport(verify=tls, limits=limits, socket_options=nodelay)
            client = httpx.AsyncClient(timeout=60.0, transport=transport)
            clients.push_async_callback(client.aclose)
            return client

        admin = SandboxAdmin(url, http=phone())
        bot_id = int(TOKEN.split(":")[0])

        async def polling() -> bool:  # PTB deletes any webhook just before it starts polling
            return bool(await admin.calls(method="deleteWebhook"))

        await _until(polling, 60, "bot", lambda: bot.poll() is None)
        people = []
        for n, family in enumerate(rows):
            person = await admin.add_person(f"Mẹ {n + 1}", phone=family.phone)
            people.append(PersonClient(url, int(person["id"]), bot_id, http=phone()))

        await admin.set_limits(global_per_second=RAISED_GLOBAL_LIMIT)
        started = time.monotonic()
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def prepare(person: PersonClient) -> str | None:
            async with gate:
                try:
                    await consent(person, args.timeout)
                except Exception as exc:
                    return f"setup {type(exc).__name__}: {exc}"
                return None

        setup_errors = await asyncio.gather(*(prepare(p) for p in people))
        setup_seconds = time.monotonic() - started
        failed = sum(1 for error in setup_errors if error)
        _say(
            f"setup: {len(people) - failed} parents asked for their phone in {setup_seconds:.1f} s"
        )

        ready = [i for i, error in enumerate(setup_errors) if error is None]
        await admin.set_limits(global_per_second=args.global_limit)
        await admin.clear_calls()
        spread = args.arrival_ms / 1000
        origin = time.monotonic() + 0.2  # every task is waiting before the first share
        measured = await asyncio.gather(
            *(
                link(people[i], rows[i], spread * k / len(ready), args.timeout, origin)
                for k, i in enumerate(ready)
            )
        )
        seconds = time.monotonic() - origin
        _say(f"measured: {len(ready)} shares answered in {seconds:.1f} s")
        calls = await admin.calls(bot_id=bot_id)

    sends = [c for c in calls if c["method"].lower() == "sendmessage"]
    first_sent: dict[int, float] = {}
    for call in sends:
        if call["ok"] and isinstance(call["chat_id"], int):
            first_sent.setdefault(call["chat_id"], call["monotonic"] + call["duration"])
    sent = [
        first_sent[people[i].person_id] - outcome.shared_at
        for i, outcome in zip(ready, measured, strict=True)
        if outcome.error is None and people[i].person_id in first_sent
    ]
    latencies = [o.latency for o in measured if o.error is None and o.latency is not None]
    problems = [e for e in setup_errors if e] + [o.error for o in measured if o.error]
    linked = len(latencies)
    # Parents left waiting out --timeout would make the rate meaningless: count to the last link.
    welcomed = [o.shared_at + o.latency for o in measured if o.error is None and o.latency]
    span = max(welcomed, default=origin) - origin
    return {
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": percentile(latencies, 1.0),
        "errors": len(problems),
        "parents": args.parents,
        "linked": linked,
        "seconds": round(seconds, 2),
        "links_per_second": round(linked / span, 1) if span > 0 else None,
        "arrival_ms": args.arrival_ms,
        "database": backend,
        "sent_p50_ms": percentile(sent, 0.50),
        "sent_p95_ms": percentile(sent, 0.95),
        "http_429": sum(1 for c in sends if c["error_code"] == 429),
        "global_limit_per_second": args.global_limit,
        "setup_seconds": round(setup_seconds, 2),
        "error_kinds": dict(Counter(e.split(":")[0] for e in problems)),
        "first_errors": problems[:3],
    }


def main() -> None:
    """Start the sandbox and the bot, drive the parents, print the JSON result."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument(
        "--database-url", help="SQLAlchemy async URL (default: a fresh SQLite file)"
    )
    parser.add_argument(
        "--arrival-ms",
        type=float,
        default=0.0,
        help="spread the shares evenly over this many ms (default 0: all at once)",
    )
    parser.add_argument(
        "--global-limit",
        type=int,
        default=RAISED_GLOBAL_LIMIT,
        help="the bot's messages per second in all while measuring (Telegram's: 30)",
    )
    parser.add_argument("--bot-log", type=Path, help="keep the bot's log in this file")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for each answer"
    )
    args = parser.parse_args()
    if args.parents < 1:
        parser.error("--parents must be at least 1")
    wall = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="linking-") as name:
        folder = Path(name)
        url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        school = f"bench{uuid.uuid4().hex[:8]}"  # a school of its own in a shared database
        roster = write_roster(folder / "roster.xlsx", families(args.parents), date.today())
        summary = asyncio.run(prepare_database(url, school, roster))
        port = _free_port()
        sandbox_url = f"http://127.0.0.1:{port}"
        sandbox = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        bot: subprocess.Popen[bytes] | None = None
        log_path = args.bot_log or folder / "bot.log"
        log: IO[bytes] = log_path.open("wb")
        try:
            asyncio.run(_register_bot(sandbox_url, sandbox))
            env = {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLBOT_")}
            env.update(
                SCHOOLBOT_TOKEN=TOKEN,
                SCHOOLBOT_API_BASE_URL=sandbox_url,
                SCHOOLBOT_DATABASE_URL=url,
                SCHOOLBOT_SCHOOL=school,
                # The bot paces its sends to the limit it is told (bot/core/pacing.py).
                SCHOOLBOT_SEND_PER_SECOND=str(args.global_limit),
                PYTHONPATH=str(ROOT),
            )
            # The temporary folder as the working directory keeps a developer's .env out.
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            backend = make_url(url).get_backend_name()
            result = asyncio.run(drive(sandbox_url, args, bot, backend))
        finally:
            if bot is not None:
                _stop(bot, "the bot")
            _stop(sandbox, "the sandbox")
            log.close()
            if bot is not None and bot.returncode not in (0, -signal.SIGTERM):
                tail = log_path.read_text(errors="replace")[-3000:]
                print(f"the bot exited with {bot.returncode}:\n{tail}", file=sys.stderr)
    result["pupils_imported"] = summary["students"]["new"]
    result["wall_seconds"] = round(time.monotonic() - wall, 1)
    print(
        f"{result['linked']}/{args.parents} parents linked in {result['seconds']} s; "
        f"{result['errors']} errors; setup took {result['setup_seconds']} s"
    )
    print(json.dumps(result, ensure_ascii=False))


async def _register_bot(url: str, sandbox: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(timeout=10.0) as http:
        admin = SandboxAdmin(url, http=http)

        async def up() -> bool:
            await admin.state()
            return True

        await _until(up, 20, "sandbox", lambda: sandbox.poll() is None)
        await admin.add_bot(TOKEN, "bench_linking_bot", "Sổ liên lạc")


if __name__ == "__main__":
    main()
