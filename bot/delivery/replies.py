"""Messages that fit Telegram's limits: a long text goes out in parts with its buttons under the
last one, and a text that must stay in one message (a caption, a screen that is edited in
place, a card with buttons) is cut to a bounded excerpt ending in "…".
"""

from __future__ import annotations

import html

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from telegram.constants import ParseMode

from bot.core.split import ELLIPSIS, LIMIT, split_html, utf16_len
from bot.core.split import fit as fit_html

CAPTION_LIMIT = 1024
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup
__all__ = ["fit_html"]


def parts(text: str, *, as_html: bool, limit: int = LIMIT) -> list[str]:
    """The text in parts of at most limit characters; plain text is never read as HTML."""
    if as_html:
        return split_html(text, limit)
    escaped = html.escape(text, quote=False)
    return [html.unescape(part) for part in split_html(escaped, limit)]


async def reply_long(
    message: Message, text: str, *, as_html: bool = False, reply_markup: Markup | None = None
) -> list[Message]:
    """Reply with the text in as many messages as it needs; the buttons go under the last."""
    return await send_long(
        message.get_bot(), message.chat_id, text, as_html=as_html, reply_markup=reply_markup
    )


async def send_long(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    as_html: bool = False,
    reply_markup: Markup | None = None,
) -> list[Message]:
    """Send the text in as many messages as it needs; the buttons go under the last."""
    pieces = parts(text, as_html=as_html)
    sent = []
    for index, piece in enumerate(pieces):
        sent.append(
            await bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML if as_html else None,
                reply_markup=reply_markup if index == len(pieces) - 1 else None,
            )
        )
    return sent


async def edit_long(query: CallbackQuery, text: str, *, as_html: bool = False) -> None:
    """Show the text in the pressed message; what does not fit follows in new messages."""
    first, *rest = parts(text, as_html=as_html)
    mode = ParseMode.HTML if as_html else None
    await query.edit_message_text(first, parse_mode=mode)
    if rest and query.message is not None:
        for piece in rest:
            await query.get_bot().send_message(query.message.chat.id, piece, parse_mode=mode)


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
