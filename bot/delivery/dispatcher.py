"""The dispatcher: claims due deliveries, sends them under Telegram's limits, records the outcome.

- Claiming marks rows `sending` with a lease in one short transaction (`FOR UPDATE SKIP LOCKED`
  on PostgreSQL; on SQLite the bot's single connection makes the claim exclusive). A row whose
  lease ran out (its sender died) is claimed again: only messages in flight at a crash can be
  sent twice.
- Urgent rows go first. Routine rows of a school in its quiet hours stay queued.
- The overall pace and 429 pauses are the Bot API gate's (`bot/core/pacing.py`); here each chat gets
  at most one message per `per_chat_interval`.
- Outcomes: sent; 403 -> unreachable (and the account is marked blocked); "chat not found" and
  other bad requests -> failed at once; network errors, timeouts, 5xx and long 429s -> queued
  again with exponential backoff, failed after `max_attempts`.
- A web account's rows (a family without Telegram, `channel` "web") are marked sent when
  claimed, with no message: the family reads them on the web page; Telegram is never called.
- How one delivery is sent (text in parts, a file by its kind, a stored document read in its
  own short session) is bot/delivery/sending.py.
- A feature may be told when a delivery of one of its notice kinds fails for good (`on_failure`):
  its hook runs in the transaction that records the failure, so what it queues (telling the
  people concerned) is stored with the failure or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.core.pacing import retry_seconds
from bot.delivery import takeover
from bot.delivery.leader import Leadership
from bot.delivery.quiet import quiet_schools
from bot.delivery.report import Reports
from bot.delivery.sending import CAPTION_LIMIT, Claimed, MissingDocument, send_delivery
from bot.delivery.web_channel import on_the_web

__all__ = [  # CAPTION_LIMIT: urgent's preview
    "CAPTION_LIMIT",
    "Claimed",
    "Dispatcher",
    "Failure",
    "FailureHook",
    "on_failure",
]
from storage.models import AccountState, Delivery, DeliveryState, Notice, TelegramAccount

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    """A delivery that failed for good, as a feature's failure hook receives it."""

    delivery_id: int
    notice_id: int
    account_id: int
    school_id: int
    kind: str  # the notice's kind
    ref: str | None  # the notice's ref
    state: DeliveryState  # FAILED (refused, or out of attempts) or UNREACHABLE (blocked)
    error: str | None
    at: datetime


FailureHook = Callable[[AsyncSession, Failure], Awaitable[None]]
_HOOKS: dict[str, FailureHook] = {}


def on_failure(kind: str, hook: FailureHook) -> None:
    """Call `hook(session, failure)` when a delivery of a notice of `kind` fails for good, in the
    transaction that records the failure (a feature registers it; delivery knows no feature).
    A hook that raises is logged and undone; the failure is recorded all the same."""
    _HOOKS[kind] = hook


def utc_now() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


class Dispatcher:
    """Sends the outbox; `run()` until stopped, or `tick()` once (tests)."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime] = utc_now,
        batch: int = 60,
        lease: timedelta = timedelta(seconds=120),
        max_attempts: int = 6,
        per_chat_interval: float = 1.0,
        concurrency: int = 32,
        leadership: Leadership | None = None,
        school_id: int | None = None,
    ) -> None:
        self.bot = bot
        self.school_id = school_id  # a bot sends only its own school's notices
        self.sessions = sessions
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.per_chat_interval = per_chat_interval
        self.concurrency = concurrency
        self.leadership = leadership
        self._last_in_chat: dict[int, float] = {}
        self._wake = asyncio.Event()
        self._web_delivered: set[int] = set()  # notices delivered to web accounts, to touch
        self.reports = Reports(bot, sessions)

    def wake(self) -> None:
        """Look at the outbox now (a notice was just enqueued)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Send until `stop` is set; when nothing is due, wait `idle` seconds or a wake-up.

        With a `leadership`, only while this process holds it (another process may send).
        """
        try:
            await self._run(stop, idle)
        finally:
            if self.leadership is not None:
                await self.leadership.release()

    async def _run(self, stop: asyncio.Event, idle: float) -> None:
        while not stop.is_set():
            if self.leadership is not None:
                leading = await takeover.leads(
                    self.leadership, self.sessions, self.school_id, self.clock
                )
                if not leading:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=idle * 2)
                    continue
            try:
                sent = await self.tick()
            except Exception:
                log.exception("dispatcher tick failed")
                sent = 0
            await self.reports.refresh()  # logs its own failures
            if sent:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    async def tick(self) -> int:
        """Claim one batch of due deliveries and send them; return how many were claimed."""
        claimed = await self.claim()
        on_the_web, self._web_delivered = self._web_delivered, set()
        if on_the_web:
            self.reports.touch(*on_the_web)
        if not claimed:
            return len(on_the_web)
        by_chat: dict[int, list[Claimed]] = {}
        for item in claimed:
            by_chat.setdefault(item.chat_id, []).append(item)
        limit = asyncio.Semaphore(self.concurrency)

        async def chat_queue(items: list[Claimed]) -> None:
            for item in items:
                async with limit:
                    await self._pace_chat(item.chat_id)
                    await self.deliver(item)

        await asyncio.gather(*(chat_queue(items) for items in by_chat.values()))
        self.reports.touch(*{item.notice_id for item in claimed})
        return len(claimed)

    async def claim(self) -> list[Claimed]:
        """Mark a batch of due rows `sending` under a lease, urgent first, and return them."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            quiet = await quiet_schools(session, now)
            due = or_(
                (Delivery.state == DeliveryState.QUEUED) & (Delivery.due_at <= now),
                (Delivery.state == DeliveryState.SENDING) & (Delivery.lease_until < now),
            )
            query = select(Delivery.id).where(due)
            if self.school_id is not None:
                query = query.where(Delivery.school_id == self.school_id)
            if quiet:
                query = query.where(Delivery.urgent | Delivery.school_id.not_in(quiet))
            query = query.order_by(Delivery.urgent.desc(), Delivery.due_at, Delivery.id).limit(
                self.batch
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(await session.scalars(query))
            if not ids:
                return []
            ids, web = await on_the_web(session, ids, now)
            self._web_delivered.update(web)
            if not ids:
                return []
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(
                    state=DeliveryState.SENDING,
                    lease_until=now + self.lease,
                    attempts=Delivery.attempts + 1,
                )
            )
            rows = await session.execute(
                select(
                    Delivery.id,
                    Delivery.chat_id,
                    Delivery.attempts,
                    Notice.text,
                    Notice.requires_ack,
                    Notice.media_kind,
                    Notice.media_file,
                    TelegramAccount.language,
                    Notice.id,
                    Notice.translations,
                    Notice.buttons,
                    Notice.school_id,
                )
                .join(Notice, Notice.id == Delivery.notice_id)
                .join(TelegramAccount, TelegramAccount.id == Delivery.account_id)
                .where(Delivery.id.in_(ids))
                .order_by(Delivery.urgent.desc(), Delivery.id)
            )
            return [Claimed(*row) for row in rows]

    async def _pace_chat(self, chat_id: int) -> None:
        last = self._last_in_chat.get(chat_id)
        if last is not None:
            wait = last + self.per_chat_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        self._last_in_chat[chat_id] = time.monotonic()
        if len(self._last_in_chat) > 50_000:
            horizon = time.monotonic() - self.per_chat_interval
            self._last_in_chat = {c: t for c, t in self._last_in_chat.items() if t > horizon}

    async def deliver(self, item: Claimed) -> None:
        """Send one delivery and store what happened."""
        try:
            messages = await send_delivery(self.bot, self.sessions, item)
        except Forbidden as error:
            await self._finish(item, DeliveryState.UNREACHABLE, error=str(error), blocked=True)
        except (BadRequest, MissingDocument) as error:
            await self._finish(item, DeliveryState.FAILED, error=str(error))
        except (NetworkError, RetryAfter) as error:  # TimedOut and 5xx are NetworkErrors
            await self._retry(item, error)
        except Exception as error:
            log.exception("delivery %s failed", item.id)
            await self._retry(item, error)
        else:
            await self._finish(
                item, DeliveryState.SENT, message_ids=[m.message_id for m in messages]
            )

    async def _finish(
        self,
        item: Claimed,
        state: DeliveryState,
        *,
        error: str | None = None,
        message_ids: list[int] | None = None,
        blocked: bool = False,
    ) -> None:
        values: dict[str, Any] = {"state": state, "lease_until": None, "error": error}
        if state is DeliveryState.SENT:
            values |= {"sent_at": self.clock(), "message_ids": message_ids or []}
        async with self.sessions() as session, session.begin():
            await session.execute(update(Delivery).where(Delivery.id == item.id).values(**values))
            if blocked:
                account_id = select(Delivery.account_id).where(Delivery.id == item.id)
                await session.execute(
                    update(TelegramAccount)
                    .where(
                        TelegramAccount.id.in_(account_id),
                        TelegramAccount.state == AccountState.LINKED,
                    )
                    .values(state=AccountState.BLOCKED)
                )
            if state is not DeliveryState.SENT and _HOOKS:
                await self._failed(session, item, state, error)

    async def _failed(
        self, session: AsyncSession, item: Claimed, state: DeliveryState, error: str | None
    ) -> None:
        """Run the failure hook of the notice's kind, if one is registered, in a savepoint."""
        row = (
            await session.execute(
                select(Notice.kind, Notice.ref, Delivery.account_id)
                .join(Delivery, Delivery.notice_id == Notice.id)
                .where(Delivery.id == item.id)
            )
        ).first()
        hook = None if row is None else _HOOKS.get(row[0])
        if row is None or hook is None:
            return
        failure = Failure(
            item.id,
            item.notice_id,
            row[2],
            item.school_id,
            row[0],
            row[1],
            state,
            error,
            self.clock(),
        )
        try:
            async with session.begin_nested():
                await hook(session, failure)
        except Exception:
            log.exception("the failure hook of %s failed for delivery %s", row[0], item.id)

    async def _retry(self, item: Claimed, error: BaseException) -> None:
        if item.attempts >= self.max_attempts:
            await self._finish(item, DeliveryState.FAILED, error=_short(error))
            return
        backoff = timedelta(seconds=min(2 ** (item.attempts - 1), 300))
        if isinstance(error, RetryAfter):
            backoff = max(backoff, timedelta(seconds=retry_seconds(error)))
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Delivery)
                .where(Delivery.id == item.id)
                .values(
                    state=DeliveryState.QUEUED,
                    lease_until=None,
                    due_at=self.clock() + backoff,
                    error=_short(error),
                )
            )


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
