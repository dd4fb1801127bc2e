"""Placeholder while issue 8 is being built; replaced in this session."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers."""
    return []
