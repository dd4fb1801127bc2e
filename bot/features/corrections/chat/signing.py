"""After an approval: the administrator's "changed in the official system", the three
confirmations of the principal, the administrator and the teacher, and the signed minutes (.docx)
kept with the evidence and queued in the outbox for all three.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot.core.context import BotContext, Visit
from bot.core.labels import SIGNER_LABELS
from bot.features.corrections import minutes, reads, steps, texts
from bot.features.corrections.chat import applying, paper
from bot.features.corrections.chat.buttons import Applied, Sign
from bot.features.corrections.chat.card import refusal
from bot.features.corrections.rules import Refused, Stale
from storage.models import CorrectionState


async def applied_pressed(press: Applied, visit: Visit, context: BotContext) -> None:
    """ "Đã cập nhật trên hệ thống": the administrator made the change; ask the three to sign
    (before the school's first minutes, the details they need are asked first: chat/paper.py)."""
    if await paper.ask_first(visit, context, press.request_id):
        return
    await applying.apply_change(visit, context, press.request_id)


async def sign_pressed(press: Sign, visit: Visit, context: BotContext) -> None:
    """ "Ký xác nhận" for one role; after the last of the three, the minutes are made."""
    _ = visit._
    try:
        request, complete = await steps.sign(
            visit.session, visit.actor, press.request_id, press.role, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await refusal(visit, error)
        if isinstance(error, Stale) and error.request.state is CorrectionState.SIGNED:
            visit.later(_make_minutes(context, error.request.id))  # if a crash lost them
        return
    _drop_sign_button(visit)
    if complete:  # after the commit, with no transaction open; before the signer's answer,
        visit.later(_make_minutes(context, request.id))  # which then finds them queued
    what = texts.what(request, await reads.request_facts(visit.session, request, _), _)
    signed = _("Signed as {role}: the correction of {what}.")
    visit.reply(html.escape(signed.format(role=_(SIGNER_LABELS[press.role]), what=what)))


def _make_minutes(context: BotContext, request_id: int) -> Callable[[], Awaitable[None]]:
    """Make, keep and queue the minutes (minutes.produce), then ring the dispatcher."""

    async def make() -> None:
        if await minutes.produce(context.db, request_id, context.now()):
            context.wake_sender()

    return make


def _drop_sign_button(visit: Visit) -> None:
    """After the commit, the pressed "Ký xác nhận" loses its button (a failure harms nobody)."""
    if visit.query is not None:
        visit.edit_markup(None)
