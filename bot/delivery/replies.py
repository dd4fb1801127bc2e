"""Messages that fit Telegram's limits: a long text goes out in parts with its buttons under the
last one, and a text that must stay in one message (a caption, a screen that is edited in
place, a card with buttons) is cut to a bounded excerpt ending in "…".
"""

from __future__ import annotations

import html

from bot.core.split import ELLIPSIS, LIMIT, split_html, utf16_len
from bot.core.split import fit as fit_html

CAPTION_LIMIT = 1024
__all__ = ["fit_html"]


def parts(text: str, *, as_html: bool, limit: int = LIMIT) -> list[str]:
    """The text in parts of at most limit characters; plain text is never read as HTML."""
    if as_html:
        return split_html(text, limit)
    escaped = html.escape(text, quote=False)
    return [html.unescape(part) for part in split_html(escaped, limit)]


def excerpt(text: str, limit: int) -> str:
    """Plain text cut to at most limit UTF-16 units, ending in "…" when it was cut."""
    if utf16_len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    while cut and utf16_len(cut) > limit - 1:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def head_and_tail(text: str, limit: int) -> str:
    """Plain text cut to at most limit UTF-16 units, keeping its start and its end.

    A reason that grew with additions keeps the first words and the latest addition.
    """
    if utf16_len(text) <= limit:
        return text
    gap = f"\n{ELLIPSIS}\n"
    room = max(limit - len(gap), 2)
    head = excerpt(text, room // 2).removesuffix(ELLIPSIS)
    tail = text[-(room - room // 2) :]
    while tail and utf16_len(tail) > room - room // 2:
        tail = tail[1:]
    return head.rstrip() + gap + tail.lstrip()


def caption(text: str, *, as_html: bool = False) -> str:
    """A document's or photo's caption kept within Telegram's 1,024 characters."""
    if as_html:
        return fit_html(text, CAPTION_LIMIT)
    return excerpt(text, CAPTION_LIMIT)
