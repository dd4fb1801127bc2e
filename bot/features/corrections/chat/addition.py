"""The teacher's answer to the leader's "Cần bổ sung": "Bổ sung đề nghị" opens an addition, the
teacher types text and sends files, and "Gửi bổ sung" attaches them to the request and sends
the card to the deciding leaders again.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message

from bot.core import limits, pending
from bot.core.callbacks import Callback
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.presses import alert
from bot.features.corrections import queries as corrections
from bot.features.corrections import steps as correction_steps
from bot.features.corrections.chat.card import (
    add_done_button,
    download,
    send_to_deciders,
    state_text,
)
from bot.features.corrections.chat.draft import STALE_FORM, expect, open_draft
from bot.features.corrections.queries import Refused, Stale

WAIT_ADD = "corr_add"


async def on_add(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Bổ sung đề nghị": only the requester, only while the leader waits for more."""
    _ = visit._
    request_id = p.int_arg(0)
    try:
        request = await corrections.load(visit.session, visit.actor.school_id, request_id)
        if request.requester_account != visit.account.id:
            raise Refused(N_("Only the teacher who filed this request can add to it."))
        if request.state.value != "needs_info":
            raise Stale(request)
    except Refused as refused:
        await alert(query, refused.message(_))
        return
    except Stale as stale:
        await alert(query, state_text(stale.request, _))
        return
    await expect(visit, WAIT_ADD, {"request": request_id, "text": "", "files": []})
    await context.bot.send_message(
        visit.account.chat_id,
        _("Please type the addition and/or send the files, then press “Send the addition”."),
        reply_markup=add_done_button(_, request_id),
    )


async def take_addition_text(message: Message, visit: Visit, draft: dict[str, Any]) -> None:
    """Typed text joins the addition."""
    _ = visit._
    draft["text"] = (str(draft.get("text", "")) + "\n" + (message.text or "")).strip()
    problem = limits.text_problem(draft["text"])
    if problem is not None:
        await message.reply_text(limits.fill(problem, _(problem)))
        return
    await expect(visit, WAIT_ADD, draft)
    await message.reply_text(
        _("Noted. Send files too if needed, then press “Send the addition”."),
        reply_markup=add_done_button(_, int(draft["request"])),
    )


async def on_add_done(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Gửi bổ sung": attach the addition and send the card to the leaders again."""
    _ = visit._
    draft = await open_draft(visit, WAIT_ADD)
    if draft is None or int(draft["request"]) != p.int_arg(0):
        await alert(query, _(STALE_FORM))
        return
    try:
        evidence = await download(context, draft.get("files", []))
        request = await correction_steps.supplement(
            visit.session,
            visit.actor,
            p.int_arg(0),
            text=str(draft.get("text", "")),
            evidence=evidence,
            who=visit.who,
        )
    except Refused as refused:
        await alert(query, refused.message(_))
        return
    except Stale as stale:
        await pending.clear(visit.session, visit.account.id)
        await alert(query, state_text(stale.request, _))
        return
    await pending.clear(visit.session, visit.account.id)
    await send_to_deciders(visit, context, request)
    await query.edit_message_text(
        _("The addition to request no. {number} was sent to the principal.").format(
            number=request.id
        )
    )
