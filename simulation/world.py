"""The run: a fresh database, the strict sandbox in-process, the real Application (its outbox
sender on) on a clock the simulation moves hour by hour, faults, a kill and a restart.

Every message the sandbox delivers is recorded with the simulated moment it arrived
(`Delivered`), which the invariants read; people act through `sandbox.client.PersonClient`
(real HTTP). A "kill" abandons the running Application the way a SIGKILL would leave it: its
tasks are cancelled, its scheduler's timer dropped, nothing is shut down or committed; the
database and the sandbox stay, and a new Application starts on them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select
from telegram.error import TimedOut

from bot.app import build_application, startup
from bot.core.clock import ClockedJobQueue, run_until
from bot.core.context import BotApplication
from bot.core.settings import load_settings
from bot.features.calendar.rules import Break, Calendar
from sandbox.config import LimitsConfig, SandboxConfig
from sandbox.server import RunningSandbox, running_sandbox
from sandbox.world import ChatLog, Entry
from storage.models import Delivery, DeliveryState

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "700000001:SIMULATION-term"
YEAR_START = date(2026, 9, 7)
TET = Break("Nghỉ Tết Nguyên đán", date(2027, 2, 4), date(2027, 2, 14))
# The short run's two weeks: the week before Tết, and the week Tết begins on its Thursday.
SHORT_START = date(2027, 1, 25)
# A term's 18 weeks from the first week of term II, Tết inside.
TERM_START = date(2027, 1, 11)
QUIET_START, QUIET_END = 21 * 60, 6 * 60 + 30  # the school's default quiet hours, minutes


def calendar() -> Calendar:
    """The simulated school's calendar (the same one is stored in its database)."""
    return Calendar(YEAR_START, breaks=(TET,))


def vn(moment: datetime) -> datetime:
    return moment.astimezone(ZONE)


def quiet(moment: datetime) -> bool:
    local = vn(moment)
    minutes = local.hour * 60 + local.minute
    return minutes >= QUIET_START or minutes < QUIET_END


@dataclass
class Options:
    seed: int = 1
    classes: int = 1
    per_class: int = 20
    weeks: int = 2
    start: date = SHORT_START
    database_url: str | None = None
    plants: tuple[str, ...] = ()
    kills: int = 1  # the first while Friday's notices go out, the others at seeded moments
    faults: bool = True  # the storms' Bad Gateways and slow answers (timeouts)
    folder: Path | None = None
    # Whether a seeded kill falls in the middle of a person's update (None: drawn from the seed)
    kill_during_update: bool | None = None


@dataclass
class Delivered:
    """One message (or edit) the sandbox recorded from the bot, with its simulated moment."""

    chat_id: int
    message_id: int
    at: datetime
    text: str
    buttons: list[str]
    edit: bool = False
    document: str | None = None


class SimClock:
    """The bot's clock: held at a moment, moved only by the simulation."""

    def __init__(self, start: datetime) -> None:
        self.moment = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)


@dataclass
class Stage:
    """The running pieces one simulation shares with its people and its checks."""

    options: Options
    sandbox: RunningSandbox
    clock: SimClock
    database_url: str
    school_code: str
    bot_id: int
    http: httpx.AsyncClient
    rng: random.Random
    app: BotApplication | None = None
    log: list[Delivered] = field(default_factory=list)
    # (chat, notice) of the deliveries in flight at a kill or whose send timed out: only these
    # may arrive twice (the invariants count their second copies as duplicates)
    in_flight_at_kill: set[tuple[int, int]] = field(default_factory=set)
    timed_out: set[tuple[int, int]] = field(default_factory=set)  # (chat, notice)
    kills: list[datetime] = field(default_factory=list)
    started_wall: float = field(default_factory=time.monotonic)
    problems: list[str] = field(default_factory=list)
    slips: dict[str, str] = field(default_factory=dict)  # guardian's name -> invitation code

    @property
    def services(self) -> Any:
        assert self.app is not None
        return self.app.bot_data["services"]

    @property
    def sessions(self) -> Any:
        return self.services.sessions

    @property
    def school_id(self) -> int:
        return int(self.services.school_id)

    def now(self) -> datetime:
        return self.clock()

    # --- the bot ------------------------------------------------------------------------

    async def start_bot(self) -> None:
        settings = load_settings(
            _env_file=None,
            token=TOKEN,
            api_base_url=self.sandbox.url,
            database_url=self.database_url,
            school=self.school_code,
            school_name="Trường Tiểu học Mô Phỏng",
            send_outbox=True,
            send_per_second=1000,
        )
        application = build_application(settings)
        application.bot_data["services"].clock = self.clock
        await startup(application)
        services = application.bot_data["services"]
        if services.dispatcher is not None:
            services.dispatcher.per_chat_interval = 0  # real seconds; the clock is simulated
            self._watch_timeouts(services.dispatcher)
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        self.app = application

    def _watch_timeouts(self, dispatcher: Any) -> None:
        """Remember every delivery whose send timed out (the bot's read timeout on a slow
        answer): the sandbox may have delivered it all the same, and its retry is then a second
        copy, in flight as at a kill. Observation only: the retry is the dispatcher's own."""
        retry = dispatcher._retry

        async def retrying(item: Any, error: BaseException) -> None:
            if isinstance(error, TimedOut):
                pair = (int(item.chat_id), int(item.notice_id))
                self.timed_out.add(pair)
                self.in_flight_at_kill.add(pair)
            await retry(item, error)

        setattr(dispatcher, "_retry", retrying)  # noqa: B010 - this run's dispatcher only

    async def kill(self) -> None:
        """Abandon the Application as a SIGKILL would, then start a new one on the same data."""
        assert self.app is not None
        async with self.sessions() as session:
            rows = await session.execute(
                select(Delivery.chat_id, Delivery.notice_id).where(
                    Delivery.state == DeliveryState.SENDING, Delivery.school_id == self.school_id
                )
            )
            self.in_flight_at_kill |= {(int(c), int(n)) for c, n in rows}
        queue = self.app.job_queue
        assert isinstance(queue, ClockedJobQueue)
        queue.scheduler.shutdown(wait=False)  # its timer would fire in a dead process
        engine = self.services.engine
        mine = [t for t in asyncio.all_tasks() if _of_the_bot(t)]
        for task in mine:
            task.cancel()
        await asyncio.gather(*mine, return_exceptions=True)
        await engine.dispose()  # a dead process's connections close; nothing open is committed
        self.kills.append(self.now())
        self.app = None
        await self.start_bot()

    async def stop_bot(self) -> None:
        from bot.app import shutdown

        if self.app is None:
            return
        assert self.app.updater is not None
        await self.app.updater.stop()
        await shutdown(self.app)
        self.app = None

    # --- time ---------------------------------------------------------------------------

    async def run_until(self, moment: datetime) -> None:
        assert self.app is not None
        await run_until(self.app, moment, self.clock.set)
        await self.settle()

    async def settle(self, seconds: float = 20.0, *, report: bool = True) -> None:
        """Wait (real time) until the outbox has nothing due and nothing in flight (else, if
        `report`, say so in the problems)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.services.dispatcher is not None:
                self.services.dispatcher.wake()
            if not self.handling() and not await self.outbox_busy():
                return
            await asyncio.sleep(0.01)
        if report:
            self.problems.append(f"{vn(self.now()):%d/%m %H:%M}: the outbox did not settle")

    def handling(self) -> bool:
        """Whether the bot still has an update to handle (or its sends after the commit, like
        the draft minutes laid out once a change is applied): the clock waits for it."""
        assert self.app is not None
        return bool(
            self.app.update_queue.qsize() or self.app.update_processor.current_concurrent_updates
        )

    async def outbox_busy(self) -> int:
        """Deliveries due (as the dispatcher claims them: queued and due, or sending under a
        lease that ran out, like a dead bot's; only urgent ones in quiet hours) or in flight."""
        now = self.now()
        sending = Delivery.state == DeliveryState.SENDING
        due = ((Delivery.state == DeliveryState.QUEUED) & (Delivery.due_at <= now)) | (
            sending & (Delivery.lease_until < now)
        )
        if quiet(now):
            due = due & Delivery.urgent
        busy = due | (sending & (Delivery.lease_until >= now))
        mine = Delivery.school_id == self.school_id
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).where(busy, mine)) or 0)

    # --- what the sandbox delivered -------------------------------------------------------

    def record(self) -> None:
        """Record every message and edit the bot makes, with the simulated moment."""
        world = self.sandbox.state
        add_message, touch = world.add_message, world.touch

        def adding(*args: Any, **kwargs: Any) -> Entry:
            entry = add_message(*args, **kwargs)
            if kwargs.get("outgoing"):
                self.log.append(self._delivered(entry, edit=False))
            return entry

        def touching(entry: Entry, log: ChatLog, kind: str) -> None:
            touch(entry, log, kind)
            if kind == "edit" and entry.outgoing:
                self.log.append(self._delivered(entry, edit=True))

        setattr(world, "add_message", adding)  # noqa: B010 - the sandbox object of this run
        setattr(world, "touch", touching)  # noqa: B010

    def _delivered(self, entry: Entry, *, edit: bool) -> Delivered:
        message = entry.message
        markup = message.get("reply_markup") or {}
        buttons = [
            str(b.get("callback_data"))
            for row in markup.get("inline_keyboard", [])
            for b in row
            if b.get("callback_data")
        ]
        document = (message.get("document") or {}).get("file_name")
        return Delivered(
            int(message["chat"]["id"]),
            int(message["message_id"]),
            self.now(),
            str(message.get("text") or message.get("caption") or ""),
            buttons,
            edit,
            document,
        )


class BotErrors(logging.Handler):
    """The errors the bot logs during a run (a failed job, a failed update), with the
    simulated moment: the report's `problems`."""

    def __init__(self, stage: Stage) -> None:
        super().__init__(logging.ERROR)
        self.stage = stage

    def emit(self, record: logging.LogRecord) -> None:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        moment = f"{vn(self.stage.now()):%d/%m/%Y %H:%M}"
        self.stage.problems.append(f"{moment}: {record.name}: {record.getMessage()} {kind}")


def _of_the_bot(task: asyncio.Task[Any]) -> bool:
    """A task of PTB, APScheduler or the bot (not the sandbox's, not the simulation's)."""
    if task is asyncio.current_task():
        return False
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    name = getattr(code, "co_filename", "")
    return any(part in name for part in ("/telegram/", "/bot/", "/apscheduler/"))


@asynccontextmanager
async def stage(options: Options, school: Any) -> AsyncIterator[Stage]:
    """The sandbox, the database and the bot for one run; everything stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="term-") as temp:
        folder = options.folder or Path(temp)
        from simulation.lists import prepare_database  # it imports this module

        url, code, slips = await prepare_database(options, folder, school)
        config = SandboxConfig(strict=True, limits=LimitsConfig(rates=False))
        config.faults.seed = options.seed
        start = datetime.combine(options.start, datetime.min.time(), tzinfo=ZONE)
        async with running_sandbox(config) as sandbox, httpx.AsyncClient(timeout=30) as http:
            user = sandbox.add_bot(TOKEN, "so_lien_lac_sim_bot", "Sổ liên lạc")
            here = Stage(
                options,
                sandbox,
                SimClock(start),
                url,
                code,
                int(user["id"]),
                http,
                random.Random(options.seed),
            )
            here.slips = slips
            here.record()
            errors = BotErrors(here)
            logging.getLogger("bot").addHandler(errors)
            await here.start_bot()
            try:
                yield here
            finally:
                await here.stop_bot()
                logging.getLogger("bot").removeHandler(errors)
