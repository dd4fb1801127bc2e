"""/start and /help: the first words a person reads from the bot."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    """Greet the person and say what the bot does."""
    if update.effective_message is None or update.effective_user is None:
        return
    _ = context.translator_for(update.effective_user.language_code)
    name = html.escape(update.effective_user.first_name)
    text = _(
        "Hello {name}! This is the school's electronic contact book. Here parents receive "
        "weekly study and health notices about their child and urgent messages from the "
        "teachers, and can send feedback to the school."
    ).format(name=f"<b>{name}</b>")
    await update.effective_message.reply_text(
        text + "\n\n" + _("Send /help to see what you can do."), parse_mode=ParseMode.HTML
    )


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands available now."""
    if update.effective_message is None or update.effective_user is None:
        return
    _ = context.translator_for(update.effective_user.language_code)
    lines = [
        _("What you can do:"),
        _("/start - start using the bot"),
        _("/help - show this help"),
    ]
    await update.effective_message.reply_text("\n".join(lines))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers."""
    return [CommandHandler("start", start), CommandHandler("help", help_command)]


async def not_understood(update: Update, context: BotContext) -> None:
    """Answer anything no feature handled with a pointer to /help."""
    if update.effective_message is None or update.effective_user is None:
        return
    _ = context.translator_for(update.effective_user.language_code)
    await update.effective_message.reply_text(
        _("Sorry, I did not understand that. Send /help to see what you can do.")
    )


def build_fallback() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the catch-all handler; it must be registered after every feature."""
    return [
        MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.COMMAND), not_understood)
    ]
