"""Buttons pressed late: a feedback draft's (or an answer's) "Huỷ" and steps, once the draft
was sent, replaced by a newer one, or closed. Each says what became of it and changes nothing;
only the question still open is cancelled."""

from __future__ import annotations

from typing import Any

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.feedback import queries as feedback
from bot.features.feedback.buttons import CancelFeedback
from bot.features.feedback.chat.ask import DRAFT_KINDS, esc
from bot.features.feedback.chat.staff import WAIT_REPLY
from bot.features.feedback.chat.thread import WAIT_MORE
from bot.features.feedback.rules import capital, title
from storage.models import PendingInput

ALL_KINDS = (*DRAFT_KINDS, WAIT_MORE, WAIT_REPLY)
FORM_CLOSED = N_("This form is closed; send /gopy to start again.")
ALREADY_SENT = N_("{title} was already sent; “Cancel” changes nothing now.")
ANSWER_SENT = N_("This message on the {title} was already sent; “Cancel” changes nothing now.")
REPLACED = N_("This form was replaced by a newer one; nothing was changed.")
CLOSED = N_("This form is already closed; nothing was sent and nothing was changed.")


def started_of(waiting: PendingInput | None) -> int:
    """The update that opened a pending question (0 if unknown)."""
    data: dict[str, Any] = waiting.data if waiting is not None else {}
    return int(data.get("started") or 0)


async def was_sent(visit: Visit, context: BotContext, started: int) -> str | None:
    """What to say when what update `started` opened was already sent; None if it was not."""
    _ = visit._
    sent = await feedback.sent_from(visit.session, visit.actor, started)
    if sent is None:
        return None
    item, first = sent
    named = title(item, context.settings.zone, _)
    if first:
        return _(ALREADY_SENT).format(title=capital(named))
    return _(ANSWER_SENT).format(title=named)


async def closed_draft(visit: Visit, context: BotContext, started: int) -> str:
    """Why a step of a draft no longer open does nothing: sent, or closed."""
    return await was_sent(visit, context, started) or visit._(FORM_CLOSED)


async def cancel_pressed(press: CancelFeedback, visit: Visit, context: BotContext) -> None:
    """ "Huỷ": the question it is under is dropped if still open; otherwise say what became of
    it (sent, replaced by a newer one, closed) and change nothing."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    open_here = waiting is not None and waiting.kind in ALL_KINDS
    if open_here and press.started in (0, started_of(waiting)):
        await pending.clear(visit.session, visit.account.id)
        visit.edit(esc(_("Cancelled. Nothing was sent.")))
        return
    sent = await was_sent(visit, context, press.started)
    if sent is not None:
        visit.alert(sent)
        visit.edit_markup(None)
    elif open_here:
        visit.alert(_(REPLACED))
    else:
        visit.alert(_(CLOSED))
        visit.edit_markup(None)
