"""Routers that run before every feature: an answer the bot asked for, and files sent in chat.

They sit in an earlier handler group. When a feature takes the update, the router stops it
there (ApplicationHandlerStop); otherwise the update goes on to group 0 as if nothing happened:
a typed menu label, an invitation code, a roster file for the administrator.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot import keyboards
from bot.context import BotContext
from bot.handlers import health, weekly
from bot.i18n import LANGUAGES, translator
from bot.services import pending
from storage.models import Role

PRIVATE = filters.ChatType.PRIVATE
GROUP = -1
MAX_FILE_BYTES = 5 * 1024 * 1024
SHEETS = (".xlsx", ".csv")


def _menu_labels() -> frozenset[str]:
    labels = [value for name, value in vars(keyboards).items() if name.startswith("MENU_")]
    return frozenset(translator(code)(label) for label in labels for code in LANGUAGES)


MENU_LABELS = _menu_labels()


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
        taken = await weekly.pending_text(message, visit, context) or await health.take_text(
            message, visit, context
        )
    if taken:
        raise ApplicationHandlerStop


async def file_received(update: Update, context: BotContext) -> None:
    """Offer a spreadsheet to the features of the sender's roles before the list import."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "file"
    if not name.lower().endswith(SHEETS) or (document.file_size or 0) > MAX_FILE_BYTES:
        return
    async with context.visit(update) as visit:
        if not visit.actor.has(Role.HOMEROOM, Role.MEDICAL):
            return
        with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
            path = Path(folder) / ("upload" + Path(name).suffix.lower())
            telegram_file = await context.bot.get_file(document.file_id)
            await telegram_file.download_to_drive(path)
            taken = await weekly.try_file(
                message, visit, context, path, name
            ) or await health.try_file(message, visit, context, path, name, document.file_id)
    if taken:
        raise ApplicationHandlerStop


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the routers, to be added in group GROUP."""
    return [
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answer_typed),
        MessageHandler(PRIVATE & filters.Document.ALL, file_received),
    ]
