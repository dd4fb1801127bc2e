"""Button presses: every callback query is answered exactly once.

Telegram accepts one answer per press. A handler refuses with `alert()` (a pop-up); otherwise
the press is answered quietly after the handler has run, errors included, so the button's
spinner always stops.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.callbacks import pattern
from bot.context import BotContext

log = logging.getLogger(__name__)

PressCallback = Callable[[Update, BotContext], Awaitable[None]]

_answered: set[str] = set()


async def alert(query: CallbackQuery, text: str) -> None:
    """Answer the press with a pop-up the person must dismiss (a refusal, a warning)."""
    _answered.add(query.id)
    await query.answer(text, show_alert=True)


def on_press(feature: str, callback: PressCallback) -> CallbackQueryHandler[BotContext, None]:
    """Handle the presses of one feature's buttons, answering each press once."""

    async def run(update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await callback(update, context)
        finally:
            if query.id in _answered:
                _answered.discard(query.id)
            else:
                with contextlib.suppress(TelegramError):
                    await query.answer()

    return CallbackQueryHandler(run, pattern=pattern(feature))
