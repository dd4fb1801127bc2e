"""The web contact book on a cheap phone, and the server under a burst of presses.

Run: .venv/bin/python benchmarks/web.py [--pupils 600] [--presses 50] [--runs 5]

Setup, not measured: a roster of --pupils pupils (benchmarks/import_roster.generate: about 20
classes) is imported into a fresh SQLite file; every guardian gets a linked account, the school
a principal and a homeroom teacher; week 12 (23/11/2026) gets one weekly notice per pupil,
delivered, a third of them seen, and a few feedback items, leave requests and health checks,
so the dashboard draws every chart. Web sessions are opened directly (as the one-time link
does). The web app is served by uvicorn (bot/core/webhook.AppServer, as SCHOOLBOT_LISTEN serves
it) in a thread of its own with its own event loop; the clients run in the main thread.

For each page (sign-in, the family's page, the leaders' dashboard, and the teacher's grid when
its route exists), in Debian's Chromium through Playwright at 360x640 with the CPU throttled
4x (Chrome DevTools protocol: Emulation.setCPUThrottlingRate), a fresh context each run:

- transferred_bytes: bytes on the wire for the page and its assets (Network.loadingFinished's
  encodedDataLength, headers included), as this server sends them: it does not compress;
- gzip_bytes: the same responses' bodies gzip-compressed (level 6), what a compressing proxy
  in front (nginx `gzip on`) would send;
- interactive_ms: navigation start to DOMContentLoaded's end (the deferred script has run and
  every form works; there is nothing else to wait for), the median of --runs;
  load_ms: to the load event.

The server: --presses families press "Đã xem" (POST /seen with their form token) at the same
moment over real HTTP; each request's time from sending to the answer; p50, p95, max. (The
teacher grid's save endpoint was not there when this was written: the brief asks for 50
teachers saving comments at once when it is; see docs/web.md.)

The last line printed is JSON: pupils, presses, runs, pages (per page: transferred_bytes,
gzip_bytes, interactive_ms, load_ms, status), seen (p50_ms, p95_ms, max_ms, ok).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from import_roster import generate

from bot.core.context import Services
from bot.core.settings import load_settings
from bot.core.webhook import AppServer
from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.administration.imports import import_roster
from bot.features.web_access.queries import open_session
from bot.features.web_access.rules import csrf_token
from bot.features.weekly.notices import ref
from bot.web import build_web_app
from bot.web.security import COOKIE
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import (
    AccountState,
    Delivery,
    DeliveryState,
    Feedback,
    FeedbackState,
    FeedbackTopic,
    Guardian,
    HealthCheck,
    LeavePart,
    LeaveRequest,
    RequestState,
    Role,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    TelegramAccount,
)
from storage.queries import ensure_school

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday of week 12, 15:00 in Hà Nội
PHONE = {"width": 360, "height": 640}
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


async def linked(session: Any, school_id: int, user: int, **link: int) -> TelegramAccount:
    account = TelegramAccount(
        school_id=school_id,
        telegram_user_id=user,
        chat_id=user,
        state=AccountState.LINKED,
        consent_at=NOW,
        consent_version="2026.1",
        failed_codes=0,
        **link,
    )
    session.add(account)
    await session.flush()
    return account


async def staff(session: Any, school_id: int, name: str, role: Role, klass: int | None) -> int:
    member = Staff(school_id=school_id, full_name=name, phone=f"+8490{abs(hash(name)) % 10**7:07d}")
    member.homeroom_class_id = klass
    session.add(member)
    await session.flush()
    session.add(StaffRole(staff_id=member.id, role=role))
    return member.id


async def school_life(session: Any, school_id: int, pupils: list[tuple[int, int]]) -> None:
    """A few feedback items, leave requests and health checks, so every chart has bars."""
    for n, (pupil, klass) in enumerate(pupils[:60]):
        day = datetime(2026, 11, 23 + n % 5, 2, tzinfo=UTC)
        session.add(
            Feedback(
                school_id=school_id,
                student_id=pupil,
                class_id=klass,
                topic=list(FeedbackTopic)[n % 5],
                state=FeedbackState.ANSWERED if n % 3 else FeedbackState.OPEN,
                created_at=day,
            )
        )
        session.add(
            LeaveRequest(
                school_id=school_id,
                student_id=pupil,
                class_id=klass,
                first_day=day.date(),
                last_day=day.date(),
                part=LeavePart.ALL_DAY,
                reason="Con bị sốt.",
                state=[RequestState.PENDING, RequestState.APPROVED][n % 2],
            )
        )
    nutrition = ["normal", "normal", "normal", "thinness", "overweight", "obesity"]
    for n, (pupil, _klass) in enumerate(pupils):
        session.add(
            HealthCheck(
                school_id=school_id,
                student_id=pupil,
                measured_on=date(2026, 10, 15),
                height_cm=120.0,
                weight_kg=22.0,
                vision_left="10/10" if n % 4 else "7/10",
                vision_right="10/10",
                bmi=15.3,
                bmi_z=0.1,
                height_z=0.2,
                nutrition=nutrition[n % 6],
                stunted=False,
            )
        )


async def prepare(url: str, pupils: int, folder: Path, presses: int) -> dict[str, Any]:
    """The school, its week, the people and their sessions; what the clients need."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    roster = folder / "roster.xlsx"
    generate(roster, pupils)
    async with sessions() as session, session.begin():
        school = await ensure_school(session, "bench", "Trường Tiểu học Thử")
        outcome = await import_roster(session, school, roster, today=MONDAY, actor="bench")
        assert not outcome.refused, outcome.problems[:3]
        school_id = school.id
        rows = (
            await session.execute(
                select(Student.id, Student.class_id)
                .where(Student.school_id == school_id)
                .order_by(Student.id)
            )
        ).all()
        first_class = await session.scalar(select(SchoolClass.id).order_by(SchoolClass.id))
        leader = await staff(session, school_id, "Trịnh Văn Khải", Role.PRINCIPAL, None)
        teacher = await staff(session, school_id, "Phan Thị Thu", Role.HOMEROOM, first_class)
        guardians = list(
            await session.scalars(select(Guardian.id).where(Guardian.school_id == school_id))
        )
        families = [
            await linked(session, school_id, 10_000 + n, guardian_id=g)
            for n, g in enumerate(guardians)
        ]
        principal = await linked(session, school_id, 1, staff_id=leader)
        homeroom = await linked(session, school_id, 2, staff_id=teacher)
        drafts = {
            pupil: Draft(
                "weekly",
                f"<b>SỔ LIÊN LẠC TUẦN 12</b>\nCon tiến bộ trong tuần {n}.",
                ref(MONDAY, klass, pupil),
            )
            for n, (pupil, klass) in enumerate(rows)
        }
        await enqueue_per_pupil(session, school_id, drafts, now=NOW)
        await session.execute(
            update(Delivery).values(state=DeliveryState.SENT, sent_at=NOW, due_at=NOW)
        )
        await session.execute(
            update(Delivery).where(Delivery.id % 3 == 0).values(read_at=NOW + timedelta(hours=3))
        )
        await school_life(session, school_id, [(p, c) for p, c in rows])
        cookies: dict[str, str] = {}
        for name, account in (
            ("family", families[0]),
            ("leader", principal),
            ("teacher", homeroom),
        ):
            cookies[name] = (await open_session(session, account, NOW, 12, via="link")).token
        pressing: list[tuple[str, int]] = []
        for account in families[1:]:
            delivery = await session.scalar(
                select(Delivery.id).where(
                    Delivery.account_id == account.id, Delivery.read_at.is_(None)
                )
            )
            if delivery is not None and len(pressing) < presses:
                token = (await open_session(session, account, NOW, 12, via="link")).token
                pressing.append((token, delivery))
    await engine.dispose()
    return {"school_id": school_id, "cookies": cookies, "pressing": pressing}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    url: str, school_id: int, port: int, ready: threading.Event, stop: threading.Event
) -> None:
    """The web app on uvicorn, in this thread's own event loop, until `stop`."""

    async def run() -> None:
        settings = load_settings(
            _env_file=None,
            token="123456:bench",
            database_url=url,
            school="bench",
            send_outbox=False,
            web_url=f"http://127.0.0.1:{port}/",
        )
        engine = create_engine(url, write_lock_at_begin=True)
        services = Services(settings=settings, engine=engine, sessions=session_factory(engine))
        services.school_id = school_id
        services.clock = lambda: NOW
        server = AppServer(build_web_app(services), f"127.0.0.1:{port}", "web")
        await server.start()
        ready.set()
        await asyncio.to_thread(stop.wait)
        await server.stop()
        await engine.dispose()

    asyncio.run(run())


async def one_load(browser: Any, site: str, path: str, cookie: str | None) -> dict[str, Any]:
    """One load in a fresh context (nothing cached), the CPU throttled 4x."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=1)
    if cookie:
        await context.add_cookies([{"name": COOKIE, "value": cookie, "url": site}])
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    bodies: list[bytes] = []

    async def keep(response: Any) -> None:
        with contextlib.suppress(Exception):  # a redirect has no body
            bodies.append(await response.body())

    page.on("response", lambda r: asyncio.ensure_future(keep(r)))
    answer = await page.goto(f"{site}{path}", wait_until="load")
    timing = await page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"
    )
    await asyncio.sleep(0.2)  # the last loadingFinished events
    await context.close()
    return {
        "status": answer.status if answer is not None else 0,
        "wire": sum(sizes.values()),
        "gzip": sum(len(gzip.compress(body, 6)) for body in bodies),
        "interactive": float(timing[0]),
        "load": float(timing[1]),
    }


async def page_figures(
    browser: Any, site: str, path: str, cookie: str | None, runs: int
) -> dict[str, Any]:
    """Bytes (of the first load) and the median times of `runs` loads of one page."""
    loads = [await one_load(browser, site, path, cookie) for _ in range(runs)]
    return {
        "status": loads[0]["status"],
        "transferred_bytes": loads[0]["wire"],
        "gzip_bytes": loads[0]["gzip"],
        "interactive_ms": round(statistics.median(load["interactive"] for load in loads)),
        "load_ms": round(statistics.median(load["load"] for load in loads)),
    }


async def press_seen(site: str, pressing: list[tuple[str, int]]) -> dict[str, Any]:
    """Every family presses "Đã xem" at the same moment; each answer's time."""
    clients = [
        httpx.AsyncClient(base_url=site, cookies={COOKIE: token}, timeout=60)
        for token, _ in pressing
    ]
    gate = asyncio.Event()

    async def one(client: httpx.AsyncClient, token: str, delivery: int) -> tuple[float, int]:
        await gate.wait()
        started = time.perf_counter()
        answer = await client.post(
            "/seen", data={"csrf": csrf_token(token), "delivery": str(delivery)}
        )
        return (time.perf_counter() - started) * 1000, answer.status_code

    tasks = [
        asyncio.ensure_future(one(c, t, d)) for c, (t, d) in zip(clients, pressing, strict=True)
    ]
    await asyncio.sleep(0.1)
    gate.set()
    results = await asyncio.gather(*tasks)
    for client in clients:
        await client.aclose()
    times = sorted(ms for ms, _status in results)
    return {
        "presses": len(times),
        "ok": sum(1 for _ms, status in results if status == 303),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    folder = Path(tempfile.mkdtemp(prefix="web-bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite'}"
    made = await prepare(url, args.pupils, folder, args.presses)
    port = free_port()
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(url, made["school_id"], port, ready, stop))
    thread.start()
    ready.wait(30)
    site = f"http://127.0.0.1:{port}"
    cookies = made["cookies"]
    pages: dict[str, Any] = {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=FLAGS)
            wanted = [
                ("sign_in", "/", None),
                ("family", "/", cookies["family"]),
                ("dashboard", "/dashboard", cookies["leader"]),
                ("grid", "/teacher", cookies["teacher"]),
            ]
            for name, path, cookie in wanted:
                found = await page_figures(browser, site, path, cookie, args.runs)
                if name == "grid" and found["status"] == 404:
                    continue  # the grid is not served yet
                pages[name] = found
                print(name, found, flush=True)
            await browser.close()
        seen = await press_seen(site, made["pressing"])
        print("seen", seen, flush=True)
    finally:
        stop.set()
        thread.join(30)
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "pupils": args.pupils,
        "presses": args.presses,
        "runs": args.runs,
        "pages": pages,
        "seen": seen,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=600)
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    print(json.dumps(asyncio.run(main(parser.parse_args())), ensure_ascii=False))
