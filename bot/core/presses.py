"""Button presses: parsed once, routed by kind, every callback query answered exactly once.

`router(features)` is the one handler of every press. It reads the callback data into its typed
button (bot/core/callbacks.py), opens the unit of work and calls the handler the feature
registered for that kind; the handler says `visit.alert(...)` (a pop-up) or `visit.toast(...)`,
and the press is answered after the commit, quietly if it said nothing. Data no button carries
(forged, or from an older version) is answered here and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.callbacks import VERSION, BadCallback, read
from bot.core.context import BotContext
from bot.core.features import Features


def router(features: Features) -> CallbackQueryHandler[BotContext, None]:
    """The one handler of every press."""

    async def route(update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        try:
            press = read(query.data)
        except BadCallback:
            await _refuse_unknown(update, context, features)
            return
        handler = features.presses.get(type(press))
        if handler is None:  # declared, but no feature of this application routes it
            await _refuse_unknown(update, context, features)
            return
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
