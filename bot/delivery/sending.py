"""Sending one claimed delivery: the text in parts with the buttons under the last, or a file by
its kind (Telegram refuses a document's file id in sendPhoto) with the text as its caption; a
stored document is read from the database in its own short session, closed before it travels;
a drawn photo's figures and caption are read the same way, then it is drawn in a thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.core.i18n import translator
from bot.core.split import split_html
from bot.delivery.buttons import notice_markup
from bot.delivery.outbox import DRAWN, STORED, read_drawn, read_stored

CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed delivery with what is needed to send it."""

    id: int
    chat_id: int
    attempts: int
    text: str
    requires_ack: bool
    media_kind: str | None
    media_file: str | None
    language: str | None
    notice_id: int
    translations: dict[str, str]
    buttons: list[list[str]]
    school_id: int


class MissingDocument(Exception):
    """A stored document a notice names is no longer in the database."""


async def send_delivery(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], item: Claimed
) -> list[Message]:
    """Send one delivery: its text in parts, or its file with the text as caption."""
    _ = translator(item.language or "vi")
    markup = notice_markup(_, item.id, item.requires_ack, item.buttons)
    sent: list[Message] = []
    text = item.translations.get(_.language) or item.text
    if item.media_kind and item.media_file:
        photo = None
        if item.media_kind == DRAWN:
            text, photo = await _drawn(sessions, item, _.language)
        caption = text if len(text) <= CAPTION_LIMIT else None
        if photo is not None:
            sent.append(
                await bot.send_photo(
                    item.chat_id,
                    photo,
                    caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if caption is not None else None,
                )
            )
        elif item.media_kind == STORED:
            name, content = await _stored(sessions, item)
            sent.append(
                await bot.send_document(
                    item.chat_id,
                    content,
                    filename=name,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if caption is not None else None,
                )
            )
        else:
            sent.append(await _send_file(bot, item, caption, markup))
        if caption is not None:
            return sent
    parts = split_html(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent.append(
            await bot.send_message(
                item.chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
            )
        )
    return sent


async def _send_file(
    bot: Bot, item: Claimed, caption: str | None, markup: InlineKeyboardMarkup | None
) -> Message:
    """Send a Telegram file by its kind: Telegram refuses a document's id in sendPhoto."""
    assert item.media_file is not None
    markup = markup if caption is not None else None
    file, chat, mode = item.media_file, item.chat_id, ParseMode.HTML
    if item.media_kind == "photo":
        return await bot.send_photo(chat, file, caption, parse_mode=mode, reply_markup=markup)
    if item.media_kind == "video":
        return await bot.send_video(
            chat, file, caption=caption, parse_mode=mode, reply_markup=markup
        )
    if item.media_kind == "voice":
        return await bot.send_voice(
            chat, file, caption=caption, parse_mode=mode, reply_markup=markup
        )
    if item.media_kind == "audio":
        return await bot.send_audio(
            chat, file, caption=caption, parse_mode=mode, reply_markup=markup
        )
    return await bot.send_document(
        chat, file, caption=caption, parse_mode=mode, reply_markup=markup
    )


async def _stored(sessions: async_sessionmaker[AsyncSession], item: Claimed) -> tuple[str, bytes]:
    """The stored document's name and bytes, read in a session closed before sending."""
    assert item.media_file is not None
    async with sessions() as session:
        found = await read_stored(session, item.school_id, item.media_file)
    if found is None:
        raise MissingDocument(f"stored document {item.media_file} is gone")
    return found


async def _drawn(
    sessions: async_sessionmaker[AsyncSession], item: Claimed, language: str
) -> tuple[str, bytes]:
    """A drawn photo's caption and PNG: the figures read in a short session, drawn after it
    closes, in a thread (never on the event loop)."""
    assert item.media_file is not None
    async with sessions() as session:
        drawing = await read_drawn(session, item.school_id, item.media_file, language)
    if drawing is None:
        raise MissingDocument(f"nothing draws {item.media_file}")
    return drawing.caption, await asyncio.to_thread(drawing.draw)
