"""The leader's decision on a correction request: "Duyệt", or "Từ chối" and "Cần bổ sung" with a
typed reason or question, then news to the teacher and, after an approval, to the administrators,
queued in the decision's transaction. Every press re-reads the request: one by anyone but the
deciding leader is refused and audited, one on a request that moved on answers with its state.
"""

from __future__ import annotations

import html

from telegram import Message

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience
from bot.features.corrections import class_teacher, reads, steps, texts
from bot.features.corrections.chat.buttons import (
    AddToRequest,
    Applied,
    Approve,
    AskApprove,
    AskMore,
    AskReject,
    BackToCard,
    Reject,
)
from bot.features.corrections.chat.card import (
    card,
    confirm_buttons,
    decision_buttons,
    expect,
    news,
    open_draft,
    refusal,
    show_card,
    state_text,
)
from bot.features.corrections.chat.deciding import all_shown
from bot.features.corrections.rules import NO_REASON, NOTE_LIMIT, Decision, Refused, Stale
from storage.models import CorrectionRequest, CorrectionState, Role

WAIT_NOTE = "corr_note"
ADD = N_("Add to the request")
UPDATED = N_("Updated in the official system")
TO_ADMIN = N_("Please make this change in the official system (CSDL ngành), then press the button.")
# The first line of what the teacher is told after a decision.
TO_TEACHER = {
    CorrectionState.APPROVED: N_(
        "Your request to correct {what} is approved. The administrator will now change the "
        "official system."
    ),
    CorrectionState.REJECTED: N_("Your request to correct {what} is rejected."),
    CorrectionState.NEEDS_INFO: N_(
        "More is needed for your request to correct {what}: please read the note and press the "
        "button to add to it."
    ),
}


async def _opened(visit: Visit, context: BotContext, request_id: int) -> CorrectionRequest | None:
    """The request re-read for this leader's decision, or None once the refusal or the
    request's state has been answered."""
    try:
        return await steps.open_decision(
            visit.session,
            visit.actor,
            request_id,
            today=context.today(visit.now),
            who=visit.who,
        )
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return None


async def ask_pressed(
    press: AskApprove | AskReject | BackToCard, visit: Visit, context: BotContext
) -> None:
    """ "Duyệt" or "Từ chối" on the card: the request is read again and, if it still waits for
    this leader, the card's buttons become "Xác nhận …" and "Quay lại" ("Quay lại" puts the
    card's own back); nothing is decided. On a request that moved on: its state."""
    request = await _opened(visit, context, press.request_id)
    if request is None:
        return
    if visit.query is None or visit.query.message is None:
        return
    if isinstance(press, BackToCard):
        asked = await open_draft(visit, WAIT_NOTE)  # a reason asked for: no longer
        if asked is not None and int(asked["request"]) == request.id:
            await pending.clear(visit.session, visit.account.id)
        visit.edit_markup(decision_buttons(visit._, request.id))
        return
    if not await all_shown(visit, request):
        return
    visit.edit_markup(confirm_buttons(visit._, request.id, isinstance(press, AskApprove)))


async def approve_pressed(press: Approve, visit: Visit, context: BotContext) -> None:
    """ "Duyệt": decided at once (once every evidence file reached the leader); the card shows
    the decision."""
    opened = await _opened(visit, context, press.request_id)
    if opened is None or not await all_shown(visit, opened):
        return
    try:
        request = await steps.decide(
            visit.session,
            visit.actor,
            press.request_id,
            Decision.APPROVE,
            note=None,
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return
    asked = await open_draft(visit, WAIT_NOTE)  # "Từ chối" pressed first: no longer asked
    if asked is not None and int(asked["request"]) == request.id:
        await pending.clear(visit.session, visit.account.id)
    await _after_decision(visit, request)
    show_card(visit, await card(visit.session, request, visit._))


async def note_pressed(press: Reject | AskMore, visit: Visit, context: BotContext) -> None:
    """ "Từ chối" and "Cần bổ sung" ask for the reason or the question first."""
    _ = visit._
    request = await _opened(visit, context, press.request_id)
    if request is None:
        return
    if not await all_shown(visit, request):
        return
    decision = Decision.REJECT if isinstance(press, Reject) else Decision.MORE
    query = visit.query
    message_id = query.message.message_id if query and query.message else None
    await expect(
        visit,
        WAIT_NOTE,
        {"request": press.request_id, "decision": decision, "message_id": message_id},
    )
    ask = (
        _("Please type the reason for rejecting; it will be sent to the teacher.")
        if decision == Decision.REJECT
        else _("Please type what the teacher should add or explain.")
    )
    visit.reply(ask, as_html=False)


async def take_note(message: Message, visit: Visit, context: BotContext) -> bool:
    """The leader's typed reason or question: the decision is taken now."""
    data = await open_draft(visit, WAIT_NOTE)
    if data is None:
        return False
    _ = visit._
    note = (message.text or "").strip()
    if not note:
        visit.reply(_(NO_REASON), as_html=False)
        return True
    await pending.clear(visit.session, visit.account.id)
    try:
        request = await steps.decide(
            visit.session,
            visit.actor,
            int(data["request"]),
            str(data["decision"]),
            note=note[:NOTE_LIMIT],
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except Stale as stale:
        visit.reply(await state_text(visit.session, stale.request, _), as_html=False)
        return True
    except Refused as refused:
        visit.reply(refused.message(_), as_html=False)
        return True
    await _after_decision(visit, request)
    if data.get("message_id"):
        decided = await card(visit.session, request, _)
        show_card(visit, decided, message_id=int(data["message_id"]))
    visit.reply(await state_text(visit.session, request, _), as_html=False)
    return True


async def _teacher_news(visit: Visit, request: CorrectionRequest, code: str) -> str:
    """What the teacher is told of a decision, in one language: the headline, then the card."""
    tr = translator(code)
    text = await card(visit.session, request, tr)
    if request.state not in TO_TEACHER:
        return text
    what = texts.what(request, await reads.request_facts(visit.session, request, tr), tr)
    headline = html.escape(tr(TO_TEACHER[request.state]).format(what=what))
    return f"<b>{headline}</b>\n\n{text}"


async def _after_decision(visit: Visit, request: CorrectionRequest) -> None:
    """Queue the teacher's news and, after an approval, the administrators' instruction, in the
    decision's transaction; the sender is woken after the commit, before nothing else."""
    teacher = await class_teacher.teacher_account(visit.session, request)
    if teacher is not None:
        told = {code: await _teacher_news(visit, request, code) for code in LANGUAGES}
        more = request.state is CorrectionState.NEEDS_INFO  # only the one who filed it adds
        buttons = [(ADD, AddToRequest(request.id).data())] if more else []
        buttons = buttons if teacher == request.requester_account else []
        await news(visit, request, Audience.accounts(teacher), told, buttons=buttons)
    if request.state is CorrectionState.APPROVED:
        to_admin = {
            code: await card(visit.session, request, translator(code))
            + "\n\n"
            + html.escape(translator(code)(TO_ADMIN))
            for code in LANGUAGES
        }
        buttons = [(UPDATED, Applied(request.id).data())]
        await news(visit, request, Audience.staff(Role.ADMIN), to_admin, buttons=buttons)
    visit.wake_sender()
