"""Placeholder while issue 8 is being built; replaced in this session."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.context import BotContext, Visit


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers."""
    return []


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: object, name: str
) -> bool:
    """Take an assessment summary spreadsheet; False if the file is not one."""
    return False
