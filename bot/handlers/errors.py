"""The one error handler: log with the traceback, apologise in the person's language."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BotContext
from bot.i18n import choose_language, translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the person something went wrong."""
    log.error("update failed: %r", update, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = update.effective_user.language_code if update.effective_user else None
    _ = translator(choose_language(None, language))
    await context.bot.send_message(
        update.effective_chat.id,
        _("Sorry, something went wrong. Please try again in a moment."),
    )
