"""Every Bot API call passes here: no open transaction while we talk to Telegram, and short
flood-control pauses are waited out.

1. No call while a transaction is open. A unit of work (`BotContext.visit`, a web page's
   `WebVisit`) registers its session here; a Bot API call made while that session's transaction
   is open is refused (`OpenTransaction`): the handler's answers are sent after its commit.
   Scheduled jobs are given no bot at all (`schedules.job`: a session maker, the school and the
   bot's time), so whatever they tell people goes through the outbox. Nobody is told of a
   change that is not stored, and no database lock (SQLite's write lock, PostgreSQL's row locks)
   is held across a network round trip that can take seconds.
2. Sends are paced to Telegram's overall limit (about 30 messages per second per bot): when
   hundreds of parents write at once, replies queue here for a fraction of a second instead of
   meeting 429s.
3. A person tapping quickly can make the bot answer faster than Telegram's per-chat pace;
   Telegram answers 429 with `retry_after`. For a conversational reply the right thing is to
   wait that long and send it. Long pauses (a flood ban) are not waited out: the error goes on.
   Bulk sending has its own pacing in the notification engine.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# The session of the unit of work running in this task, if any.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class OpenTransaction(RuntimeError):
    """A Bot API call made while the unit of work's transaction is open (a programming error)."""


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int today, timedelta later
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# Methods that put a message in a chat, which Telegram's per-bot limit counts.
PACED_PREFIXES = ("send", "edit", "copy", "forward")


class Pacer:
    """At most `rate` starts per second, in arrival order (a spaced schedule, no bursts).

    `pause()` holds every start until the pause ends, including callers that had already
    booked a slot inside it: they book again after it.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        # The last starts: however the event loop bunches wake-ups, no second holds more than
        # `rate` of them (Telegram counts per second).
        self._recent: deque[float] = deque(maxlen=max(1, math.floor(rate)))

    def pause(self, seconds: float) -> None:
        """Hold every start for `seconds` (Telegram's 429 `retry_after` is per bot)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def wait(self) -> None:
        """Wait for this caller's slot."""
        while True:
            async with self._lock:
                now = time.monotonic()
                start = max(now, self._next, self._paused_until)
                self._next = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            now = time.monotonic()
            if now < self._paused_until:
                continue
            full = len(self._recent) == self._recent.maxlen
            if full and now - self._recent[0] < 1.0:  # keep the slot, just wait the gap out
                await asyncio.sleep(self._recent[0] + 1.0 - now)
                now = time.monotonic()
            self._recent.append(now)
            return


class BotApiGate(BaseRateLimiter[None]):
    """Refuse calls inside a transaction, pace sends, call; on a short 429 wait and retry."""

    def __init__(
        self, *, per_second: float = 30.0, max_wait: float = 10.0, max_retries: int = 5
    ) -> None:
        self.pacer = Pacer(per_second)
        self.max_wait = max_wait
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Call the Bot API, and retry after a short flood-control pause."""
        session = current_session.get()
        if session is not None and session.in_transaction():
            raise OpenTransaction(f"{endpoint} called inside an open transaction")
        paced = endpoint.lower().startswith(PACED_PREFIXES)
        attempt = 0
        while True:
            if paced:
                await self.pacer.wait()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_seconds(error)
                if paced:  # the limit is the bot's: every send waits, even if this one gives up
                    self.pacer.pause(wait)
                attempt += 1
                if attempt > self.max_retries or wait > self.max_wait:
                    raise
                log.info("%s: flood control, waiting %.1f s", endpoint, wait)
                # Spread the retries, so that those refused together do not return together.
                await asyncio.sleep(wait + random.uniform(0, 0.5))
