"""A typed text over a limit is kept, never lost: the question that asked for it keeps it in its
pending data ("long") until the person chooses to send it shortened (or in parts, where the
feature allows), or writes a shorter one. Telegram cuts a text longer than its own limit into
parts sent together: a part at that limit followed moments later by another is one text, and
the rest is added to what was kept instead of being taken as an answer of its own.

Plain Python: no Telegram, no database; the feature's chat side makes the offer (feedback:
bot/features/feedback/chat/long.py; leave: bot/features/leave/chat/long.py).
"""

from __future__ import annotations

import html
from typing import Any

from bot.core import limits
from bot.core.i18n import N_
from bot.core.split import split_html, utf16_len

# Telegram cuts a longer message into parts of at most this many UTF-16 units, sent together;
# a part this close to the limit followed within TAIL_SECONDS by another is one text.
TELEGRAM_LIMIT = 4096
CUT_SLACK = 100
TAIL_SECONDS = 5
LONG_LIMIT = 4 * TELEGRAM_LIMIT  # the longest text kept as a draft to shorten or split
LONG_KEYS = ("long", "long_at", "long_piece")  # what a question's pending data keeps

TAIL = N_("The rest of the message, which Telegram delivered separately, was added to it.")
SHORTENED = N_("Send shortened")


def is_tail(long_piece: int, long_at: float | None, sent_at: float) -> bool:
    """Whether a message sent at `sent_at` is the rest of a text Telegram cut: the piece before
    it reached Telegram's limit and was sent moments earlier."""
    return (
        long_at is not None
        and TELEGRAM_LIMIT - CUT_SLACK <= long_piece <= TELEGRAM_LIMIT
        and 0 <= sent_at - long_at <= TAIL_SECONDS
    )


def keep_long(data: dict[str, Any], text: str, sent_at: float) -> bool:
    """Keep a text over the limit in a question's pending data ("long", with when its last
    piece was sent and that piece's length), added to the one before when it is its tail;
    True when it was added as a tail."""
    kept = data.get("long")
    tail = bool(kept) and is_tail(int(data.get("long_piece") or 0), data.get("long_at"), sent_at)
    whole = f"{kept}{text}" if tail else text
    data.update(long=whole[:LONG_LIMIT], long_at=sent_at, long_piece=utf16_len(text))
    return tail


def take(
    data: dict[str, Any], text: str, sent_at: float, limit: int = limits.TEXT_LIMIT
) -> bool | None:
    """Keep `text` in `data` if it is over `limit` or the rest of a text kept before; None
    when the question may take it as it is, else whether it was added as a tail."""
    tail = bool(data.get("long")) and is_tail(
        int(data.get("long_piece") or 0), data.get("long_at"), sent_at
    )
    if not tail and len(text) <= limit:
        return None
    return keep_long(data, text, sent_at)


def without_long(data: dict[str, Any]) -> dict[str, Any]:
    """The pending data without a kept text."""
    return {key: value for key, value in data.items() if key not in LONG_KEYS}


def split_text(text: str, limit: int = limits.TEXT_LIMIT) -> list[str]:
    """A plain text in parts of at most `limit` characters, cut between sentences or words."""
    parts = split_html(html.escape(text, quote=False), limit)
    return [html.unescape(part) for part in parts if part.strip()]


def shorten(text: str, limit: int = limits.TEXT_LIMIT) -> str:
    """The beginning of a text that fits `limit` characters, with "…" where it was cut."""
    if len(text) <= limit:
        return text
    return split_text(text, limit - 1)[0] + "…"
