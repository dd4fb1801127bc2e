"""The bot's one clock, which the scheduled jobs obey too.

Every rule, job, deadline, quiet hour and the dispatcher read "now" from `Services.clock` (the
real clock in production). Tests and the term simulation replace it to live a Saturday or a
whole term without sleeping; for that to be true of the schedules as well, the JobQueue's
APScheduler must fire its jobs by the same clock. APScheduler 3 reads `datetime.now()` in two
modules (the scheduler, when it looks for due jobs and plans a new one, and the executor, when
it checks a job's misfire grace); `ClockedJobQueue` gives its scheduler the bot's clock, and
those modules' `datetime` is replaced by one whose `now()` answers by the clock of the scheduler
at work (a context variable, so other schedulers and the real time are untouched). With the
real clock nothing changes.

`run_until(application, moment)` moves a test or simulation clock forward: it stops at each
moment a job is due, lets the scheduler fire it and waits for it to finish, then goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from typing import Any

import apscheduler.executors.base as executors_base
import apscheduler.schedulers.base as schedulers_base
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.ext import Application, JobQueue

Clock = Callable[[], datetime]
_CLOCK: ContextVar[Clock | None] = ContextVar("schoolbot_clock", default=None)


class _ClockedDatetime(datetime):
    """`datetime` whose `now()` follows the clock of the scheduler at work, if any."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _CLOCK.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock()
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


# APScheduler's own modules read the time through their module's `datetime` name.
schedulers_base.datetime = _ClockedDatetime
executors_base.datetime = _ClockedDatetime


@contextmanager
def _following(clock: Clock | None) -> Iterator[None]:
    token = _CLOCK.set(clock)
    try:
        yield
    finally:
        _CLOCK.reset(token)


class ClockedScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """An AsyncIOScheduler that plans and fires jobs by `clock` (set by ClockedJobQueue)."""

    clock: Clock | None = None

    def _process_jobs(self) -> float | None:
        # The executor's tasks are created here and copy the context: their misfire check
        # reads the same clock.
        with _following(self.clock):
            wait: float | None = super()._process_jobs()
        return wait

    def _real_add_job(self, job: Any, jobstore_alias: str, replace_existing: bool) -> None:
        with _following(self.clock):
            super()._real_add_job(job, jobstore_alias, replace_existing)

    def process_now(self) -> list[asyncio.Future[Any]]:
        """Fire what is due by the clock now; the futures of the jobs started."""
        self._stop_timer()
        self._start_timer(self._process_jobs())
        return [
            future
            for executor in self._executors.values()
            for future in getattr(executor, "_pending_futures", ())
        ]

    def next_due(self) -> datetime | None:
        """The earliest moment a job is due, if any."""
        moments = [job.next_run_time for job in self.get_jobs() if job.next_run_time]
        return min(moments) if moments else None


class ClockedJobQueue(JobQueue[Any]):
    """PTB's JobQueue on a ClockedScheduler; `follow(clock)` gives it the bot's clock."""

    def __init__(self) -> None:
        super().__init__()
        self.scheduler = ClockedScheduler(**self.scheduler_configuration)

    def follow(self, clock: Clock) -> None:
        """Plan and fire jobs by `clock` (a callable returning an aware datetime)."""
        self.scheduler.clock = clock


async def run_until(
    application: Application[Any, Any, Any, Any, Any, Any],
    moment: datetime,
    set_clock: Callable[[datetime], None],
) -> int:
    """Move a test or simulation clock to `moment`, firing every job due on the way at its own
    time and waiting for it; returns how many jobs ran."""
    queue = application.job_queue
    assert isinstance(queue, ClockedJobQueue), "the application needs a ClockedJobQueue"
    scheduler = queue.scheduler
    assert isinstance(scheduler, ClockedScheduler)
    ran = 0
    target = moment.astimezone(UTC)
    while True:
        due = scheduler.next_due()
        if due is None or due > target:
            break
        set_clock(due.astimezone(UTC))
        started = scheduler.process_now()
        ran += len(started)
        await asyncio.gather(*started, return_exceptions=True)
    set_clock(target)
    await asyncio.gather(*scheduler.process_now(), return_exceptions=True)
    return ran
