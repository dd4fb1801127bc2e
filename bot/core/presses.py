"""Button presses: parsed once, routed by kind, every callback query answered exactly once.

`router(features)` is the one handler of every press. It reads the callback data into its typed
button (bot/core/callbacks.py), opens the unit of work and calls the handler the feature
registered for that kind; the handler says `visit.alert(...)` (a pop-up) or `visit.toast(...)`,
and the press is answered after the commit, quietly if it said nothing. Data no button carries
(forged, or from an older version) is answered here and changes nothing.

Transitional: features not yet on typed buttons register a prefix (`press_prefix`); their
callback opens its own visit and answers with `alert()`/`toast()` below.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.core.callbacks import VERSION, BadCallback, pattern, read
from bot.core.context import BotContext
from bot.core.features import Features

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


def router(features: Features) -> CallbackQueryHandler[BotContext, None]:
    """The one handler of every press."""

    async def route(update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        parts = (query.data or "").split(":")
        prefixed = len(parts) > 2 and parts[0] == VERSION
        legacy = features.legacy_presses.get(parts[1]) if prefixed else None
        if legacy is not None:
            await answered_once(legacy)(update, context)
            return
        try:
            press = read(query.data)
        except BadCallback:
            await _refuse_unknown(update, context, features)
            return
        handler = features.presses[type(press)]
        async with context.visit(update) as visit:
            visit.answers_press = True
            await handler(press, visit, context)

    return CallbackQueryHandler(route)


async def _refuse_unknown(update: Update, context: BotContext, features: Features) -> None:
    """Data no button of this version carries: a known feature's is answered quietly, any
    other with a pop-up; nothing changes."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    known = {kind.feature for kind in features.presses}
    ours = len(parts) >= 3 and parts[0] == VERSION and parts[1] in known
    async with context.visit(update) as visit:
        visit.answers_press = True
        if not ours:
            visit.alert(visit._("This button is no longer valid."))


def answered_once(callback: PressCallback) -> PressCallback:
    """Run a prefix-routed callback, answering its press quietly unless it answered."""

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

    return run


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
