"""The district: one shared engine and an Application per enabled bot of the bots table.

`refresh()` reads `storage.bots.runnable()` and makes the running bots match it: it starts the
added ones (and tells Telegram their webhook), stops the disabled ones (and deletes their
webhook, so Telegram holds their updates), and restarts a bot whose token, secret or school
changed. A bot Telegram refuses to start is logged by its id and tried again at the next
refresh; the others keep running. Updates come in through bot/district/routes.py and are
handled in the request (`handle`), each chat's in order across workers (bot/district/chat_lock.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp
from telegram import Update
from telegram.error import TelegramError

from bot.app import build_application, shutdown, startup
from bot.core import logsafety
from bot.core.context import BotApplication
from bot.core.settings import Settings
from bot.delivery import leader
from bot.district.chat_lock import ChatLocks
from bot.district.logcontext import about
from bot.web import build_web_app
from storage import bots
from storage.bots import RunnableBot
from storage.db import create_engine, session_factory

log = logging.getLogger(__name__)

STARTING_AT_ONCE = 8  # bots started together at a refresh (each asks Telegram a few things)
DRAIN_SECONDS = 10.0  # how long a stopping bot's updates in hand may still take
READY_SECONDS = 3.0  # how long /readyz waits for the database


@dataclass(eq=False)
class RunningBot:
    """One school's bot as this worker runs it."""

    row: RunnableBot
    application: BotApplication
    web: ASGIApp | None = None
    busy: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.idle.set()

    @contextlib.contextmanager
    def in_hand(self) -> Iterator[None]:
        """Count an update being handled, so that stopping the bot waits for it."""
        self.busy += 1
        self.idle.clear()
        try:
            yield
        finally:
            self.busy -= 1
            if not self.busy:
                self.idle.set()


def identity(row: RunnableBot) -> tuple[object, ...]:
    """What a bot's Application is built from: a change of any of it restarts the bot."""
    return (
        row.telegram_id,
        row.token,
        row.webhook_secret,
        row.school_code,
        row.school_name,
        row.timezone,
    )


def bot_settings(settings: Settings, row: RunnableBot) -> Settings:
    """The process's settings made one school's: its token, school, webhook and web address."""
    assert settings.public_url is not None
    update: dict[str, object] = {
        "token": SecretStr(row.token),
        "school": row.school_code,
        "school_name": row.school_name,
        "timezone": row.timezone,
        "webhook_url": f"{settings.public_url}/tg/{row.telegram_id}",
        "webhook_secret": SecretStr(row.webhook_secret),
    }
    if settings.web_url:
        update["web_url"] = f"{settings.web_url.rstrip('/')}/s/{row.school_code}/"
    return settings.model_copy(update=update)


def chat_of(update: Update) -> int:
    """The chat an update belongs to (its sender's for chat-less updates; 0 for neither)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


def district_engine(database_url: str) -> AsyncEngine:
    """The engine every bot of the worker shares. On PostgreSQL its pool serves the units of
    work of every bot (the locks of the bots it leads are all held on one more connection,
    bot/delivery/leader.py; the chats' locks have their own small pool, chat_lock.py)."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return create_engine(database_url, pool_size=20, max_overflow=20)
    return create_engine(database_url, write_lock_at_begin=True)


class District:
    """Run every enabled bot of the bots table in this process."""

    def __init__(self, settings: Settings) -> None:
        if settings.public_url is None:
            raise ValueError("SCHOOLBOT_PUBLIC_URL is required")
        self.settings = settings
        self.engine = district_engine(settings.database_url)
        self.sessions = session_factory(self.engine)
        self.locks = ChatLocks(settings.database_url)
        self.running: dict[int, RunningBot] = {}  # by the bots table's id
        self.by_telegram_id: dict[int, RunningBot] = {}
        self.enabled: dict[int, str] = {}  # the last read: bot id -> school code
        self.refreshed = False
        self._refreshing = asyncio.Lock()

    def find(self, telegram_id: int) -> RunningBot | None:
        """The running bot with this Telegram id, if this worker runs it."""
        return self.by_telegram_id.get(telegram_id)

    def web_of(self, code: str) -> ASGIApp | None:
        """The web contact book of the running school with this code, if served."""
        for running in self.running.values():
            if running.row.school_code == code:
                return running.web
        return None

    async def refresh(self) -> None:
        """Make the running bots match the bots table (see the module's docstring)."""
        async with self._refreshing:
            async with self.sessions() as session:
                rows = {row.id: row for row in await bots.runnable(session)}
            for bot_id, running in list(self.running.items()):
                row = rows.get(bot_id)
                if row is None or identity(row) != identity(running.row):
                    await self._stop(running, disabled=row is None)
            self.enabled = {row.id: row.school_code for row in rows.values()}
            waiting = [row for bot_id, row in rows.items() if bot_id not in self.running]
            turns = asyncio.Semaphore(STARTING_AT_ONCE)

            async def start(row: RunnableBot) -> None:
                async with turns:
                    await self._start(row)

            await asyncio.gather(*(start(row) for row in waiting))
            await self._balance()
            self.refreshed = True

    async def _balance(self) -> None:
        """Share the bots' leadership (their senders and schedules) with the other workers on
        PostgreSQL: each leads about its part, and takes over a dead worker's bots at once."""
        if self.engine.dialect.name != "postgresql":
            return  # SQLite: one process leads everything
        leaderships = [
            services.dispatcher.leadership
            for running in self.running.values()
            if (services := running.application.bot_data["services"]).dispatcher is not None
            and services.dispatcher.leadership is not None
        ]
        given = await leader.balance(self.engine, leaderships, len(self.enabled))
        if given:
            log.info("gave %d bots to the other workers", given)

    async def _start(self, row: RunnableBot) -> None:
        """Start one bot; on failure log it by id (never its token) and leave it for later."""
        _hide_in_logs(row.token, row.webhook_secret)
        settings = bot_settings(self.settings, row)
        # Set before starting, so that the bot's sender and jobs (created here) carry them too.
        with about(row.school_code, row.telegram_id):
            application = build_application(settings, engine=self.engine, updater=False)
            running = RunningBot(row, application)
            try:
                await startup(application)
                if settings.web_url:
                    running.web = build_web_app(application.bot_data["services"])
                self.running[row.id] = self.by_telegram_id[row.telegram_id] = running
                assert settings.webhook_url is not None
                await application.bot.set_webhook(
                    url=settings.webhook_url,
                    secret_token=row.webhook_secret,
                    allowed_updates=Update.ALL_TYPES,
                )
            except Exception as error:
                self._forget(running)
                log.warning(
                    "bot %s of school %s did not start (%s); tried again at the next refresh",
                    row.telegram_id,
                    row.school_code,
                    type(error).__name__,  # the error's text may carry the token
                )
                with contextlib.suppress(Exception):
                    await shutdown(application)
                return
        log.info("bot %s of school %s started", row.telegram_id, row.school_code)

    def _forget(self, running: RunningBot) -> None:
        if self.running.get(running.row.id) is running:
            del self.running[running.row.id]
        if self.by_telegram_id.get(running.row.telegram_id) is running:
            del self.by_telegram_id[running.row.telegram_id]

    async def _stop(self, running: RunningBot, *, disabled: bool) -> None:
        """Stop routing to the bot, let its updates in hand finish, then stop it; a disabled
        bot's webhook is deleted so that Telegram keeps its updates until it is enabled."""
        row = running.row
        self._forget(running)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DRAIN_SECONDS):
                await running.idle.wait()
        with about(row.school_code, row.telegram_id):
            if disabled:
                try:
                    await running.application.bot.delete_webhook()
                except TelegramError as error:
                    log.warning(
                        "bot %s: webhook not deleted (%s)", row.telegram_id, type(error).__name__
                    )
            await shutdown(running.application)
        log.info("bot %s of school %s stopped", row.telegram_id, row.school_code)

    async def handle(self, running: RunningBot, update: Update) -> None:
        """Handle one update now, in the request: the chat's lock held around the unit of work
        and the answers sent after its commit (ChatBusy when the lock is not had in time)."""
        application = running.application
        with about(running.row.school_code, running.row.telegram_id):
            async with self.locks.hold(running.row.telegram_id, chat_of(update)):
                # The update processor keeps the bot's bound on updates handled at once.
                await application.update_processor.process_update(
                    update, application.process_update(update)
                )
            log.debug("update %s handled", update.update_id)

    async def readiness(self) -> dict[str, object]:
        """Whether this worker can take traffic: the database answers and the bots have been
        read and started once. A school whose bot does not start (a token Telegram refuses) is
        named in `not_started` but does not make the worker unready: the proxy must not take a
        whole district's workers out for one school's token."""
        try:
            async with asyncio.timeout(READY_SECONDS), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            return {"ready": False, "reason": "database", "error": type(error).__name__}
        if not self.refreshed:
            return {"ready": False, "reason": "starting"}
        waiting = sorted(
            code for bot_id, code in self.enabled.items() if bot_id not in self.running
        )
        state: dict[str, object] = {"ready": True, "bots": len(self.running)}
        if waiting:
            state["not_started"] = waiting
        return state

    async def close(self) -> None:
        """Stop every bot (their webhooks stay: other workers serve them) and the engine."""
        async with self._refreshing:
            for running in list(self.running.values()):
                await self._stop(running, disabled=False)
        await self.locks.close()
        await leader.leave(self.engine)
        await self.engine.dispose()


def _hide_in_logs(*secrets: str) -> None:
    """Add the bot's secrets to the logs' redacting filter, where the command line set one."""
    for handler in logging.getLogger().handlers:
        for found in handler.filters:
            if isinstance(found, logsafety.RedactingFilter):
                found.redactor.add(*secrets)
