"""The administrator's change in the official system: applied to the book, the item locked
again, the card shown as it is now; after the commit, the draft minutes are made with no
transaction open and the three are asked to sign with them (signatures.py)."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot.core.context import BotContext, Visit
from bot.features.corrections import minutes, steps
from bot.features.corrections.chat.card import card, refusal, show_card, state_text
from bot.features.corrections.chat.signatures import ask_signatures
from bot.features.corrections.rules import Refused, Stale
from storage.models import CorrectionState


async def apply_change(
    visit: Visit, context: BotContext, request_id: int, message_id: int | None = None
) -> None:
    """Apply the change to the book, ask the three to sign (the draft minutes follow, made
    after the commit with no transaction open), and show the card as it is now (in place of the
    pressed message, or of the card `message_id`)."""
    try:
        request = await steps.apply(
            visit.session, visit.actor, request_id, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        if isinstance(error, Stale) and error.request.state is CorrectionState.APPLIED:
            visit.later(draft_later(context, request_id))  # if a crash lost the asking
        if visit.query is None:
            visit.reply(html.escape(await _told(visit, error)))
        else:
            await refusal(visit, error)
        return
    visit.later(draft_later(context, request.id))  # the three asked to sign, with the draft
    shown = await card(visit.session, request, visit._)
    if visit.query is None and message_id is None:
        visit.reply(shown)
    else:
        show_card(visit, shown, message_id=message_id)


async def _told(visit: Visit, error: Refused | Stale) -> str:
    """A refusal as plain text (for a typed answer, where no press waits for an alert)."""
    if isinstance(error, Stale):
        return await state_text(visit.session, error.request, visit._)
    return error.message(visit._)


def draft_later(context: BotContext, request_id: int) -> Callable[[], Awaitable[None]]:
    """Make the draft minutes and ask the three to sign with it (no transaction open while it is
    laid out), then ring the sender."""

    async def make() -> None:
        if await minutes.produce_draft(context.db, request_id, context.now(), ask_signatures):
            context.wake_sender()

    return make
