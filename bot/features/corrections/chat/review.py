"""The leader's decision on a correction request: "Duyệt", or "Từ chối" and "Cần bổ sung" with a
typed reason or question, then word to the teacher and, after an approval, to the administrators.
Every press re-reads the request: one by anyone but the deciding leader is refused and audited,
one on a request that moved on answers with its current state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, Message
from telegram.ext import filters

from bot.core import pending
from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.presses import cosmetic
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.corrections import queries as corrections
from bot.features.corrections import steps as correction_steps
from bot.features.corrections.chat.card import (
    FEATURE,
    HTML,
    card,
    refusal,
    state_text,
)
from bot.features.corrections.chat.commands import list_command as list_command  # the menu's button
from bot.features.corrections.chat.signing import NEWS, on_applied, on_sign
from bot.features.corrections.queries import Refused, Stale
from bot.features.corrections.steps import Decision
from storage.models import CorrectionRequest, CorrectionState, Role

PRIVATE = filters.ChatType.PRIVATE
WAIT_NOTE = "corr_note"


async def _on_approve(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    try:
        request = await correction_steps.decide(
            visit.session,
            visit.actor,
            p.int_arg(0),
            Decision.APPROVE,
            note=None,
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except (Refused, Stale) as error:
        await refusal(query, visit, error)
        return
    await _after_decision(visit, context, request)
    text = await card(visit, request, visit._)
    await cosmetic(query.edit_message_text(text, parse_mode=HTML), "show the decided card")


async def _on_ask_note(
    query: CallbackQuery, visit: Visit, context: BotContext, p: Callback
) -> None:
    """ "Từ chối" and "Cần bổ sung" ask for the reason or the question first."""
    _ = visit._
    request_id = p.int_arg(0)
    try:
        request = await corrections.load(visit.session, visit.actor.school_id, request_id)
        await correction_steps.check_decider(
            visit.session, visit.actor, request, context.today(visit.now), visit.who
        )
        if request.state is not CorrectionState.PENDING:
            raise Stale(request)
    except (Refused, Stale) as error:
        await refusal(query, visit, error)
        return
    decision = Decision.REJECT if p.action == "no" else Decision.MORE
    message_id = query.message.message_id if query.message is not None else None
    data = {"request": request_id, "decision": decision, "message_id": message_id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_NOTE, data, visit.now
    )
    ask = (
        _("Please type the reason for rejecting; it will be sent to the teacher.")
        if decision == Decision.REJECT
        else _("Please type what the teacher should add or explain.")
    )
    await context.bot.send_message(visit.account.chat_id, ask)


async def take_text(
    message: Message, visit: Visit, context: BotContext, kind: str, data: dict[str, Any]
) -> bool:
    """The leader's typed reason or question."""
    if kind != WAIT_NOTE:
        return False
    _ = visit._
    note = (message.text or "").strip()
    if not note:
        await message.reply_text(_("Please write the reason."))
        return True
    await pending.clear(visit.session, visit.account.id)
    try:
        request = await correction_steps.decide(
            visit.session,
            visit.actor,
            int(data["request"]),
            str(data["decision"]),
            note=note[:2000],
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except Stale as stale:
        await message.reply_text(state_text(stale.request, _))
        return True
    except Refused as refused:
        await message.reply_text(refused.message(_))
        return True
    await _after_decision(visit, context, request)
    text = await card(visit, request, _)
    if data.get("message_id"):
        await cosmetic(
            context.bot.edit_message_text(
                text, visit.account.chat_id, int(data["message_id"]), parse_mode=HTML
            ),
            "show the decided card",
        )
    await message.reply_text(state_text(request, _))
    return True


ADD = N_("Add to the request")
UPDATED = N_("Updated in the official system")
TO_ADMIN = N_("Please make this change in the official system (CSDL ngành), then press the button.")
# The first line of what the teacher is told after a decision.
TO_TEACHER = {
    CorrectionState.APPROVED: N_(
        "Your correction request no. {number} is approved. The administrator will now change "
        "the official system."
    ),
    CorrectionState.REJECTED: N_("Your correction request no. {number} is rejected."),
    CorrectionState.NEEDS_INFO: N_(
        "More is needed for your correction request no. {number}: please read the note and "
        "press the button to add to it."
    ),
}


async def _after_decision(visit: Visit, context: BotContext, request: CorrectionRequest) -> None:
    """Queue the teacher's news and, after an approval, the administrators' instruction, in the
    decision's transaction; then store it and wake the sender, before any edit of a message."""
    school_id = request.school_id
    if request.requester_account is not None:
        texts = {}
        for code in LANGUAGES:
            tr = translator(code)
            text = await card(visit, request, tr)
            if request.state in TO_TEACHER:
                headline = tr(TO_TEACHER[request.state]).format(number=request.id)
                text = f"<b>{headline}</b>\n\n{text}"
            texts[code] = text
        more = request.state is CorrectionState.NEEDS_INFO
        await enqueue_news(
            visit.session,
            school_id,
            Audience.accounts(request.requester_account),
            NEWS,
            texts,
            buttons=[(ADD, pack(FEATURE, "add", request.id))] if more else [],
            created_by=visit.account.id,
            now=visit.now,
        )
    if request.state is CorrectionState.APPROVED:
        texts = {
            code: await card(visit, request, translator(code)) + "\n\n" + translator(code)(TO_ADMIN)
            for code in LANGUAGES
        }
        await enqueue_news(
            visit.session,
            school_id,
            Audience.staff(Role.ADMIN),
            NEWS,
            texts,
            buttons=[(UPDATED, pack(FEATURE, "sys", request.id))],
            created_by=visit.account.id,
            now=visit.now,
        )
    await visit.save()
    context.wake_sender()


Action = Callable[[CallbackQuery, Visit, BotContext, Callback], Awaitable[None]]
ACTIONS: dict[str, Action] = {
    "ok": _on_approve,
    "no": _on_ask_note,
    "more": _on_ask_note,
    "sys": on_applied,
    "sign": on_sign,
}
