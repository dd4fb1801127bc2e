"""Placeholder while issue 8 is being built; replaced in this session."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.context import BotContext, Visit


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers."""
    return []


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer the correction flow waits for."""
    return False


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document sent as evidence."""
    return False
