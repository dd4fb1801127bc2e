"""Scaffold: filled in by the feedback feature."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.context import BotContext, Visit


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's commands and presses."""
    return []


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer this feature asked for; False if it asked for none."""
    return False


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document this feature asked for; False if it asked for none."""
    return False
