"""Routers that run before every feature: an answer the bot asked for, and files sent in chat.

They sit in an earlier handler group. When a feature takes the update, the router stops it
there (ApplicationHandlerStop); otherwise the update goes on to group 0 as if nothing happened:
a typed menu label, an invitation code, a roster file for the administrator.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, translator
from bot.features.administration.imports import describe
from bot.features.assessment.chat import book as assessment
from bot.features.corrections.chat import presses as corrections
from bot.features.feedback.chat import parent as feedback
from bot.features.health.chat import records as health
from bot.features.health.chat import sheet as health_import
from bot.features.leave.chat import parent as leave
from bot.features.urgent.chat import compose as urgent
from bot.features.weekly.chat import comments as weekly
from bot.features.weekly.chat import sheet as weekly_sheet
from storage import files
from storage.models import Role
from storage.roster.problems import FileRefused

PRIVATE = filters.ChatType.PRIVATE
GROUP = -1
SHEETS = (".xlsx", ".csv")
MEGABYTES = files.MAX_FILE_BYTES // (1024 * 1024)


def _menu_labels() -> frozenset[str]:
    labels = [value for name, value in vars(keyboards).items() if name.startswith("MENU_")]
    return frozenset(translator(code)(label) for label in labels for code in LANGUAGES)


MENU_LABELS = _menu_labels()
Taker = Callable[[Message, Visit, BotContext], Awaitable[bool]]
# The features that may be waiting for a typed answer or a file, asked in this order.
TEXT_TAKERS: tuple[Taker, ...] = (
    weekly.pending_text,
    health.take_text,
    urgent.take_text,
    feedback.take_text,
    leave.take_text,
    corrections.take_text,
)
MEDIA_TAKERS: tuple[Taker, ...] = (urgent.take_media, feedback.take_media, corrections.take_media)


async def answer_typed(update: Update, context: BotContext) -> None:
    """Give a typed text to the feature waiting for it; a menu tap cancels the wait."""
    message = update.effective_message
    assert message is not None and message.text is not None
    async with context.visit(update) as visit:
        waiting = await pending.peek(visit.session, visit.account.id, visit.now)
        if waiting is None:
            return
        if message.text in MENU_LABELS:
            await pending.clear(visit.session, visit.account.id)
            return
        taken = False
        for take in TEXT_TAKERS:
            if await take(message, visit, context):
                taken = True
                break
    if taken:
        raise ApplicationHandlerStop


async def media_received(update: Update, context: BotContext) -> None:
    """Give a photo or document to the feature waiting for one, else offer a spreadsheet."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        waiting = await pending.peek(visit.session, visit.account.id, visit.now)
        taken = False
        if waiting is not None:
            for take in MEDIA_TAKERS:
                if await take(message, visit, context):
                    taken = True
                    break
    if taken:
        raise ApplicationHandlerStop
    if message.document is not None:
        await file_received(update, context)


async def file_received(update: Update, context: BotContext) -> None:
    """Offer a spreadsheet to the features of the sender's roles before the list import."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "file"
    if not name.lower().endswith(SHEETS):
        return
    async with context.visit(update) as visit:
        if not visit.actor.has(Role.HOMEROOM, Role.MEDICAL, Role.ADMIN):
            return
        if (document.file_size or 0) > files.MAX_FILE_BYTES:  # refused before downloading
            await _refuse(message, visit, FileRefused(files.TOO_BIG, megabytes=MEGABYTES))
            taken = True
        else:
            taken = await _offer(message, visit, context, document.file_id, name)
    if taken:
        raise ApplicationHandlerStop


async def _offer(
    message: Message, visit: Visit, context: BotContext, file_id: str, name: str
) -> bool:
    """Download a spreadsheet, check it is safe to open, and offer it to the features."""
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        try:
            await asyncio.to_thread(files.check_upload, path)
        except FileRefused as refused:
            await _refuse(message, visit, refused)
            return True
        return (
            await weekly_sheet.try_file(message, visit, context, path, name)
            or await health_import.try_file(message, visit, context, path, name, file_id)
            or await assessment.try_file(message, visit, context, path, name)
        )


async def _refuse(message: Message, visit: Visit, refused: FileRefused) -> None:
    """Tell the sender why a file was not opened; nothing is stored."""
    await message.reply_text(str(describe(refused.problem, visit._)["reason"]))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the routers, to be added in group GROUP."""
    return [
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answer_typed),
        MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL), media_received),
    ]
