"""The answer to anything no feature understood."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core.context import BotContext


async def not_understood(update: Update, context: BotContext) -> None:
    """Answer anything no feature handled with a pointer to /help."""
    if update.effective_message is None or update.effective_user is None:
        return
    async with context.visit(update) as visit:
        visit.reply(
            visit._("Sorry, I did not understand that. Send /help to see what you can do."),
            as_html=False,
        )


def build_fallback() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the catch-all handler; it must be registered after every feature.

    Presses no feature knows are answered by the press router (bot/core/presses.py).
    """
    return [
        MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND), not_understood),
    ]
