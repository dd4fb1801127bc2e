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

from bot.core.callbacks import pattern
from bot.core.context import BotContext

log = logging.getLogger(__name__)

PressCallback = Callable[[Update, BotContext], Awaitable[None]]

_answered: set[str] = set()


async def alert(query: CallbackQuery, text: str) -> None:
    """Answer the press with a pop-up the person must dismiss (a refusal, a warning)."""
    _answered.add(query.id)
    await query.answer(text, show_alert=True)


async def cosmetic(change: Awaitable[object], what: str) -> bool:
    """Make a change to a message whose failure harms nobody (the pressed card shows the new
    state, loses its buttons): what it shows is already stored and other people's news already
    queued, so a Telegram error is logged (its kind only, never a text) and not raised."""
    try:
        await change
    except TelegramError as error:
        log.warning("could not %s: %s", what, type(error).__name__)
        return False
    return True


async def toast(query: CallbackQuery, text: str) -> None:
    """Answer the press with a short note that goes away by itself (nothing went wrong)."""
    _answered.add(query.id)
    await query.answer(text)


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
