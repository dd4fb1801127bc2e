"""The JobQueue fires scheduled jobs by the bot's clock, never by the wall clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest_asyncio
from apscheduler.schedulers.base import datetime as scheduler_datetime
from telegram.ext import Application, CallbackContext

from bot.core.clock import ClockedJobQueue, run_until

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest_asyncio.fixture
async def app() -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = Application.builder().token("1:test").job_queue(ClockedJobQueue()).build()
    assert application.job_queue is not None
    await application.job_queue.start()
    yield application
    await application.job_queue.stop()


async def test_a_daily_job_fires_at_its_simulated_time_only(
    app: Application[Any, Any, Any, Any, Any, Any],
) -> None:
    clock = Clock(datetime(2026, 12, 4, 16, 0, tzinfo=ZONE).astimezone(UTC))  # a Friday
    queue = app.job_queue
    assert isinstance(queue, ClockedJobQueue)
    queue.follow(clock)
    fired: list[datetime] = []

    async def record(context: CallbackContext[Any, Any, Any, Any]) -> None:
        fired.append(clock())

    queue.run_daily(record, time=time(16, 30, tzinfo=ZONE), days=(5,))  # PTB: 5 = Friday
    assert await run_until(app, clock() + timedelta(minutes=29), clock.set) == 0
    assert fired == []
    assert await run_until(app, datetime(2026, 12, 12, 9, 0, tzinfo=ZONE), clock.set) == 2
    assert [moment.astimezone(ZONE).strftime("%d/%m %H:%M") for moment in fired] == [
        "04/12 16:30",
        "11/12 16:30",
    ]
    assert clock().astimezone(ZONE) == datetime(2026, 12, 12, 9, 0, tzinfo=ZONE)


def test_outside_a_clocked_scheduler_the_time_is_the_real_time() -> None:
    before = datetime.now(UTC)
    assert before <= scheduler_datetime.now(UTC) <= datetime.now(UTC)
