"""One /suadiem is one form: its buttons carry the form's flow token (buttons.py), kept in the
teacher's pending input from the class list to "Gửi đề nghị". A press from another form, one
already sent, cancelled, expired or replaced by a newer /suadiem, changes nothing and says what
it finds: the request that form filed and where it stands, or that the form is closed.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from telegram import Message

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.labels import CORRECTION_STATE_LABELS
from bot.features.corrections import reads, texts
from bot.features.corrections.chat.buttons import FLOW

WAIT_PICK = "corr_pick"  # the class or pupil list waits for a press
WAIT_VALUE = "corr_value"
WAIT_REASON = "corr_reason"
WAIT_FILES = "corr_files"  # the draft waits for its evidence
WAIT_READY = "corr_ready"
DRAFTS = (WAIT_VALUE, WAIT_REASON, WAIT_FILES, WAIT_READY)
FORM = (WAIT_PICK, *DRAFTS)  # every step of one /suadiem
CLOSED = N_(
    "This form is closed: nothing was sent from it, and this button changes nothing. "
    "Send /suadiem to start again."
)
STEP_DONE = N_("This step is already done; please go on below.")
SENT = N_("This request was already sent on {day}; this button changes nothing. Now: {state}.")
CHOOSE = N_("Please choose with the buttons above.")
_ALPHABET = string.ascii_lowercase + string.digits


def new_flow() -> str:
    """A fresh form's token."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(FLOW))


async def open_form(visit: Visit, flow: str, *kinds: str) -> dict[str, Any] | None:
    """The teacher's pending form if it is of one of these kinds and the press belongs to it
    (a press without a flow, sent before flows existed, belongs to whatever form is open)."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in kinds:
        return None
    if flow and waiting.data.get("flow") != flow:
        return None
    return dict(waiting.data)


async def closed(visit: Visit, flow: str) -> None:
    """Answer a press that does not belong to the open step: the form is further on; or it
    filed a request (its state); or it is closed and sent nothing. The stale buttons go."""
    _ = visit._
    if await open_form(visit, flow, *FORM) is not None:
        visit.alert(_(STEP_DONE))
        if visit.query is not None:
            visit.edit_markup(None)
        return
    request = await reads.filed_from(visit.session, visit.who, flow) if flow else None
    if request is None:
        visit.alert(texts.alert_sized(_(CLOSED)))
    else:
        facts = await reads.request_facts(visit.session, request, _)
        state = _(CORRECTION_STATE_LABELS[request.state].chat)
        told = _(SENT).format(day=texts.filed(facts), state=state)
        visit.alert(texts.alert_sized(told))
    if visit.query is not None:
        visit.edit_markup(None)


async def take_stray(message: Message, visit: Visit, context: BotContext) -> bool:
    """A text or a file while a list waits for a press: it is not an answer; say so."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != WAIT_PICK:
        return False
    document = message.document
    if document is not None and (document.file_name or "").lower().endswith((".xlsx", ".csv")):
        return False  # a class spreadsheet: offered to the features that read one
    visit.reply(visit._(CHOOSE), as_html=False)
    return True
