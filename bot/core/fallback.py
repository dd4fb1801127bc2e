"""The answer to anything no feature understood."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.core.context import BotContext
from bot.core.presses import alert


async def not_understood(update: Update, context: BotContext) -> None:
    """Answer anything no feature handled with a pointer to /help."""
    if update.effective_message is None or update.effective_user is None:
        return
    async with context.visit(update) as visit:
        await update.effective_message.reply_text(
            visit._("Sorry, I did not understand that. Send /help to see what you can do.")
        )


async def stale_press(update: Update, context: BotContext) -> None:
    """A button no feature knows (an old version's, or forged): say so, change nothing."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    async with context.visit(update) as visit:
        await alert(query, visit._("This button is no longer valid."))


def build_fallback() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the catch-all handler; it must be registered after every feature."""
    return [
        MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND), not_understood),
        CallbackQueryHandler(stale_press),
    ]
