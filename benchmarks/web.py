"""The web contact book on a cheap phone, and the server under a burst of saves and presses.

Run: .venv/bin/python benchmarks/web.py [--classes 50] [--class-size 35] [--presses 50]
     [--runs 5] [--database-url postgresql+asyncpg://user@host/postgres]

Setup, not measured (benchmarks/web_school.py): --classes classes of --class-size pupils
imported into a fresh database (a SQLite file; with --database-url, a new database on that
PostgreSQL server, dropped at the end), a linked account for every guardian, a principal and a
homeroom teacher per class, week 12's notices delivered (a third seen), some feedback, leave
and health checks. The web app is served by uvicorn (bot/core/webhook.AppServer, as
SCHOOLBOT_LISTEN serves it) in a thread of its own with its own event loop; the clients run in
the main thread.

For each page (sign-in, the Mini App's first page `/app` as Telegram opens it before its
script signs in, the family's page, the family's "Phản hồi" page with three answered items of
its own, the leaders' dashboard, the teacher's grid of a --class-size class, the teacher's
assessment book of the period), in Debian's Chromium through Playwright at 360x640 with the
CPU throttled 4x (Chrome DevTools protocol: Emulation.setCPUThrottlingRate), a fresh context
each run:

- transferred_bytes: bytes the browser received for the page and its assets
  (Network.loadingFinished's encodedDataLength: compressed bodies and headers), as served;
- body_bytes: the same bodies decoded (what they weigh uncompressed);
- interactive_ms: navigation start to DOMContentLoaded's end (the deferred script has run and
  every form works; there is nothing else to wait for), the median of --runs;
  load_ms: to the load event.

The server, each over real HTTP with every client's request released at the same moment, each
request timed from sending to the answer (p50, p95 by nearest rank, max):
- saves: every homeroom teacher (one per class, each signed in with her own session) saves a
  comment for a pupil of her class through the grid's save endpoint (POST /teacher/row, as
  grid.js does: the row's form token, Accept: application/json); then the comments stored
  with that text are counted in the database;
- seen: --presses families press "Đã xem" (POST /seen with their form token).

The last line printed is JSON: database, classes, class_size, pupils, runs, pages (per page:
transferred_bytes, body_bytes, interactive_ms, load_ms, status), saves (requests, ok, stored,
p50_ms, p95_ms, max_ms), seen (requests, ok, p50_ms, p95_ms, max_ms).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import select
from web_school import COMMENT, MONDAY, NOW, Made, fresh_database, prepare, stored_comments

from bot.core.context import Services
from bot.core.settings import load_settings
from bot.core.webhook import AppServer
from bot.features.web_access.rules import csrf_token, digest
from bot.web import build_web_app
from bot.web.security import COOKIE
from storage.db import create_engine, session_factory
from storage.models import (
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    Student,
    StudentGuardian,
    TelegramAccount,
    WebSession,
)

PHONE = {"width": 360, "height": 640}
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


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
    bodies: list[int] = []
    encodings: set[str] = set()

    async def keep(response: Any) -> None:
        encodings.add(response.headers.get("content-encoding", "identity"))
        with contextlib.suppress(Exception):  # a redirect has no body
            bodies.append(len(await response.body()))  # decoded by the browser

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
        "body": sum(bodies),
        "encodings": sorted(encodings),
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
        "body_bytes": loads[0]["body"],
        "encodings": loads[0]["encodings"],
        "interactive_ms": round(statistics.median(load["interactive"] for load in loads)),
        "load_ms": round(statistics.median(load["load"] for load in loads)),
    }


async def pages(site: str, cookies: dict[str, str], runs: int) -> dict[str, Any]:
    """Every page's weight and times in Chromium."""
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    found: dict[str, Any] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        for name, path, cookie in [
            ("sign_in", "/", None),
            ("mini_app", "/app", None),
            ("family", "/", cookies["family"]),
            ("feedback", "/feedback", cookies["family"]),
            ("dashboard", "/dashboard", cookies["leader"]),
            ("grid", "/teacher", cookies["teacher"]),
            ("book", "/teacher/book", cookies["teacher"]),
        ]:
            found[name] = await page_figures(browser, site, path, cookie, runs)
            print(name, found[name], flush=True)
        await browser.close()
    return found


async def burst(site: str, clients: list[tuple[str, Request]], ok: int) -> dict[str, Any]:
    """Every client's request (with its own session cookie) released at the same moment; each
    answer's time from sending, and how many answered `ok`."""
    opened = [
        (httpx.AsyncClient(base_url=site, cookies={COOKIE: token}, timeout=120), call)
        for token, call in clients
    ]
    gate = asyncio.Event()

    async def one(client: httpx.AsyncClient, call: Request) -> tuple[float, int]:
        await client.get("/static/app.js")  # the connection is open before the gate
        await gate.wait()
        started = time.perf_counter()
        answer = await call(client)
        return (time.perf_counter() - started) * 1000, answer.status_code

    tasks = [asyncio.ensure_future(one(client, call)) for client, call in opened]
    await asyncio.sleep(0.5)
    gate.set()
    results = await asyncio.gather(*tasks)
    for client, _call in opened:
        await client.aclose()
    times = sorted(ms for ms, _status in results)
    return {
        "requests": len(times),
        "ok": sum(1 for _ms, status in results if status == ok),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[math.ceil(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
    }


def save_comment(token: str, pupil: int) -> Request:
    """The grid's save of one row's comment, as grid.js posts it."""
    form = {"csrf": csrf_token(token), "week": MONDAY.isoformat(), "pupil": str(pupil)}
    form["comment"] = COMMENT
    json_please = {"Accept": "application/json"}
    return lambda client: client.post("/teacher/row", data=form, headers=json_please)


def press_seen(token: str, delivery: int) -> Request:
    """A family's "Đã xem" on the week's notice."""
    form = {"csrf": csrf_token(token), "delivery": str(delivery)}
    return lambda client: client.post("/seen", data=form)


async def measure(url: str, made: Made, runs: int) -> dict[str, Any]:
    """The pages in Chromium, then the bursts of saves and presses, against one server."""
    port = free_port()
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(url, made.school_id, port, ready, stop))
    thread.start()
    ready.wait(60)
    site = f"http://127.0.0.1:{port}"
    try:
        found = await pages(site, made.cookies, runs)
        savers = [(token, save_comment(token, pupil)) for token, pupil in made.saving]
        saves = await burst(site, savers, 200)
        pressers = [(token, press_seen(token, delivery)) for token, delivery in made.pressing]
        seen = await burst(site, pressers, 303)
        print("seen", seen, flush=True)
    finally:
        stop.set()
        thread.join(30)
    return {"pages": found, "saves": saves, "seen": seen}


THREADS = [
    (
        FeedbackTopic.HEALTH,
        "Con bị ho từ sáng thứ Hai, cô để ý giúp con uống nước ấm ạ.",
        "Cô đã cho con uống nước ấm và báo y tế trường; chiều nay con đã đỡ ho.",
    ),
    (
        FeedbackTopic.STUDY,
        "Tuần này con chưa thuộc bảng nhân 3, ở nhà con ôn thế nào ạ?",
        "Mỗi tối con đọc lại bảng nhân 3 mười phút; thứ Sáu cô kiểm tra lại cho con.",
    ),
    (
        FeedbackTopic.OTHER,
        "Thứ Năm gia đình xin đón con sớm lúc 10 giờ để đi khám răng.",
        "Cô đã ghi nhận; gia đình đón con ở phòng bảo vệ lúc 10 giờ.",
    ),
]


async def family_threads(url: str, family_cookie: str) -> None:
    """Three answered feedback items of the measured family about each child, so that its
    "Phản hồi" page shows threads as a family that writes to the school sees it."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            web = await session.scalar(
                select(WebSession).where(WebSession.token_hash == digest(family_cookie))
            )
            assert web is not None
            account = await session.get(TelegramAccount, web.account_id)
            assert account is not None
            children = await session.execute(
                select(Student.id, Student.class_id)
                .join(StudentGuardian, StudentGuardian.student_id == Student.id)
                .where(StudentGuardian.guardian_id == account.guardian_id)
            )
            for pupil, klass in children:
                for topic, asked, answered in THREADS:
                    item = Feedback(
                        school_id=account.school_id,
                        account_id=account.id,
                        student_id=pupil,
                        class_id=klass,
                        topic=topic,
                        state=FeedbackState.ANSWERED,
                        answered_at=NOW,
                    )
                    session.add(item)
                    await session.flush()
                    for from_parent, text in ((True, asked), (False, answered)):
                        session.add(
                            FeedbackMessage(
                                school_id=account.school_id,
                                feedback_id=item.id,
                                from_parent=from_parent,
                                text=text,
                            )
                        )
            await session.commit()
    finally:
        await engine.dispose()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="web-bench-"))
    try:
        async with fresh_database(args.database_url, folder) as url:
            made = await prepare(url, folder, args.classes, args.class_size, args.presses)
            await family_threads(url, made.cookies["family"])
            found = await measure(url, made, args.runs)
            found["saves"]["stored"] = await stored_comments(url, [p for _c, p in made.saving])
            print("saves", found["saves"], flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "classes": args.classes,
        "class_size": args.class_size,
        "pupils": args.classes * args.class_size,
        "runs": args.runs,
        **found,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--class-size", type=int, default=35)
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server (default: a SQLite file)")
    print(json.dumps(asyncio.run(main(parser.parse_args())), ensure_ascii=False))
