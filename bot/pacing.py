"""Flood control for replies: wait out a short 429 instead of losing the answer.

A person tapping quickly can make the bot answer faster than Telegram's per-chat pace; Telegram
then answers 429 with `retry_after`. For a conversational reply the right thing is to wait that
long and send it, as a person would not notice a second's delay but would notice a missing
answer. Long pauses (a flood ban) are not waited out here: the error goes on to the caller.
Bulk sending has its own pacing in the notification engine.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int today, timedelta later
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class WaitOutFloodControl(BaseRateLimiter[None]):
    """Retry a request after Telegram's `retry_after`, if it is short, a bounded number of times."""

    def __init__(self, *, max_wait: float = 10.0, max_retries: int = 3) -> None:
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
        """Call the Bot API; on a short 429 wait and call again."""
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_seconds(error)
                attempt += 1
                if attempt > self.max_retries or wait > self.max_wait:
                    raise
                log.info("%s: flood control, waiting %.1f s", endpoint, wait)
                await asyncio.sleep(wait)
