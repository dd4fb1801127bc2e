"""Which school and which bot a log line is about, for a worker that runs many bots.

The worker sets `school_var` (the school's code) and `bot_var` (the bot's Telegram id) while it
handles an update, and once before it starts a bot, so that the bot's outbox sender and its
scheduled jobs (tasks created from there) carry them too. `ContextFilter` copies them onto every
record as `record.school` and `record.bot` ("-" outside any bot), for a formatter to print.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

school_var: ContextVar[str | None] = ContextVar("school", default=None)
bot_var: ContextVar[int | None] = ContextVar("bot", default=None)
OUTSIDE = "-"


class ContextFilter(logging.Filter):
    """Add `record.school` and `record.bot` from the context (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        school, bot = school_var.get(), bot_var.get()
        record.school = school if school is not None else OUTSIDE
        record.bot = str(bot) if bot is not None else OUTSIDE
        return True


@contextlib.contextmanager
def about(school: str, bot: int) -> Iterator[None]:
    """Tag the log lines of this block (and of the tasks it creates) with a school and bot."""
    school_token, bot_token = school_var.set(school), bot_var.set(bot)
    try:
        yield
    finally:
        bot_var.reset(bot_token)
        school_var.reset(school_token)


def install(logger: logging.Logger | None = None) -> ContextFilter:
    """Put one ContextFilter on every handler of the root logger (or `logger`)."""
    target = logger or logging.getLogger()
    found = next(
        (f for h in target.handlers for f in h.filters if isinstance(f, ContextFilter)), None
    )
    active = found or ContextFilter()
    for handler in target.handlers:
        if active not in handler.filters:
            handler.addFilter(active)
    return active
