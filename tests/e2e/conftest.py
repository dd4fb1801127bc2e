"""End-to-end helpers: the school's lists imported, and people who link in one line."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import run_until
from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.administration.imports import import_roster, import_staff
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import School
from tests.factories import pupil, shared_file, write_table

# A younger sibling of Hoàng Anh Đăng and Hoàng Hà Thuý (1A), in class 3B: same parents.
SIBLING_3B = pupil(
    99,
    code="7900000099",
    name="Hoàng Minh Khôi",
    klass="3B",
    father=("Hoàng Văn Sang", "0385908301"),
    mother=("Ngô Kim Hạnh", "0841860913"),
)
MOTHER = ("Ngô Kim Hạnh", "+84841860913")
TEACHER_1A = ("Phan Thị Thu", "+84784437323")
TEACHER_3B = ("Bùi Văn Nam", "+84842493516")
ADMIN = ("Trần Minh Khoa", "+84931149131")


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School, tmp_path: Path) -> School:
    """The shared sample roster and staff list, plus a sibling in another class."""
    today = date(2026, 11, 23)
    for path in (shared_file("roster.xlsx"), write_table(tmp_path / "extra.csv", [SIBLING_3B])):
        outcome = await import_roster(session, school, path, today=today, actor="test")
        assert not outcome.refused, outcome.problems
    staff = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    assert not staff.refused, staff.problems
    await session.commit()
    return school


async def consent(person: PersonClient, *args: str) -> dict[str, Any]:
    """Send /start (with an optional code) and agree; return the bot's next message."""
    await person.command("start", *args)
    screen = await person.next_message(timeout=10)
    assert "đồng ý" in screen["text"].lower()
    await person.press("Đồng ý")
    return await person.next_message(timeout=10, new_only=True)


async def linked_person(make_person: PersonFactory, name: str, phone: str) -> PersonClient:
    """A person who consents and shares their own phone; returns them after the welcome."""
    person = await make_person(name, phone)
    await consent(person)
    await person.share_contact()
    welcome = await person.next_message(timeout=10)
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"], welcome["text"]
    return person


async def send_outbox(application: BotApplication) -> int:
    """Send what the outbox holds now, as the running bot's sender would (it is off in tests):
    the news a step queued for other people. Returns how many deliveries were claimed."""
    services = application.bot_data["services"]
    dispatcher = Dispatcher(
        application.bot,
        services.sessions,
        school_id=services.school_id,
        per_chat_interval=0,
        clock=lambda: services.clock(),  # the bot's clock (BotClock in a test)
    )
    claimed = 0
    while sent := await dispatcher.tick():
        claimed += sent
    return claimed


async def forge(sandbox: RunningSandbox, person: PersonClient, data: str) -> str | None:
    """Press callback data no button carries; return the alert text (None: a quiet answer)."""
    (bot_id,) = sandbox.state.bots
    alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=data, forged=True)
    query_id = sent["callback_query_id"]
    for _ in range(200):
        if sandbox.state.callbacks[query_id][2]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the press {data!r} was never answered")
    return str(alerts[-1]["text"]) if len(alerts) > before else None


SCHOOL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on the school's wall clock (Asia/Ho_Chi_Minh), time-zone aware."""
    return datetime(year, month, day, hour, minute, tzinfo=SCHOOL_ZONE)


class BotClock:
    """The bot's clock, held at a moment the test chooses and moved without sleeping.

    It replaces `Services.clock`, which every update, job and the dispatcher read.
    """

    def __init__(self, application: BotApplication, start: datetime) -> None:
        self.moment = start.astimezone(UTC)
        self.application = application
        application.bot_data["services"].clock = self

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        """Move the clock to `moment` (aware)."""
        self.moment = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move the clock on, e.g. `advance(minutes=2)` or `advance(days=1)`; scheduled jobs
        due on the way do not run (`run_until` runs them)."""
        self.moment += timedelta(**delta)

    async def run_until(self, moment: datetime) -> int:
        """Move the clock to `moment`, the JobQueue firing each job due on the way at its own
        time (bot/core/clock.py); how many jobs ran."""
        return await run_until(self.application, moment, self.set)
