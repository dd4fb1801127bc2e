"""Leave requests, the homeroom teacher's side: "Xác nhận" and "Từ chối" under the request
(queued by bot/features/leave/news.py), the typed reason for a refusal (a long one kept and
offered shortened, bot/core/long_text.py); the parent's news of the decision goes through the
outbox in the decision's transaction.

The parent's side (/xinnghi) is in bot/features/leave/chat/parent.py.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.core import keyboards, limits, long_text, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.leave import news, rules
from bot.features.leave import queries as leave
from bot.features.leave.buttons import Confirm, Refuse, ShortenRefusal
from bot.features.leave.chat.form import ANSWERED
from bot.features.leave.chat.long import NOTHING_KEPT
from storage.models import LeaveRequest

WAIT_REFUSAL = "leave_refusal"
REFUSAL_OFFER = N_(
    "The reason for refusing is {length} characters long, and it may hold at most {limit}. It "
    "is kept: send it shortened to {limit} characters, or type a shorter one."
)


async def _decided_text(visit: Visit, request: LeaveRequest, note: str) -> str:
    """The teacher's copy of the request, with what became of it and no buttons."""
    name, klass = await news.staff_pupil(visit.session, request.student_id)
    attached = await leave.notice_with(visit.session, request.school_id, f"leave_note:{request.id}")
    return news.request_text(name, klass, request, visit._, note, attached=attached is not None)


async def _decide(visit: Visit, request_id: int, refusal: str | None = None) -> rules.Decision:
    """Confirm the request, or refuse it with the teacher's reason; the parent's news queued."""
    decision = await leave.decide(
        visit.session,
        visit.actor,
        request_id,
        approve=refusal is None,
        now=visit.now,
        who=visit.who,
        refusal=refusal,
    )
    if decision.outcome is rules.Outcome.DONE and decision.request is not None:
        await news.queue_decision(visit.session, decision.request, visit.account.id, visit.now)
        await leave.stop_keeping(visit.session, decision.request)
    return decision


async def confirm_pressed(press: Confirm, visit: Visit, context: BotContext) -> None:
    """ "Xác nhận": record the excused absence and tell the parent."""
    decision = await _decide(visit, press.request_id)
    why = rules.why_not(decision, visit._)
    if why is not None or decision.request is None:
        visit.alert(why or "")
        return
    # "Từ chối" pressed before: the next text is no refusal of a confirmed request.
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is not None and waiting.kind == WAIT_REFUSAL:
        await _drop_refusal(visit, waiting.data, press.request_id)
    visit.wake_sender()
    note = "✅ " + html.escape(visit._("Confirmed: recorded as an excused absence."))
    visit.edit(await _decided_text(visit, decision.request, note))


async def _drop_refusal(visit: Visit, data: dict[str, Any], request_id: int) -> None:
    """Stop waiting for the reason to refuse this request."""
    if data.get("request_id") == request_id:
        await pending.clear(visit.session, visit.account.id)


async def refuse_pressed(press: Refuse, visit: Visit, context: BotContext) -> None:
    """ "Từ chối": ask the teacher to type the reason, which the next text gives."""
    decision = await leave.check(visit.session, visit.actor, press.request_id)
    why = rules.why_not(decision, visit._)
    if why is not None:
        visit.alert(why)
        return
    query = visit.query
    message_id = query.message.message_id if query and query.message else None
    data = {"request_id": press.request_id, "message_id": message_id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_REFUSAL, data, visit.now
    )
    text = visit._("Please type the reason for refusing; it will be sent to the parent.")
    visit.reply(text, as_html=False)


async def typed_refusal(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """Refuse the request with the typed reason and tell the parent; a reason over the limit
    (or the rest of one Telegram cut) is kept and offered shortened, never lost."""
    _ = visit._
    kept = dict(data)
    tail = long_text.take(kept, message.text or "", message.date.timestamp())
    if tail is not None:
        school_id = visit.actor.school_id
        await pending.expect(
            visit.session, visit.account.id, school_id, WAIT_REFUSAL, kept, visit.now
        )
        visit.reply(*_refusal_offer(visit, kept, tail))
        return
    problem = limits.text_problem(message.text)
    if problem is not None:
        visit.reply(rules.explain(problem, _), as_html=False)
        return
    assert message.text is not None
    await _refuse(visit, data, message.text)


def _refusal_offer(
    visit: Visit, data: dict[str, Any], tail: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """How long the kept refusal is and may be, with "Gửi bản rút gọn"."""
    _ = visit._
    whole = str(data["long"])
    lines = [_(long_text.TAIL)] if tail else []
    lines.append(_(REFUSAL_OFFER).format(length=len(whole), limit=limits.TEXT_LIMIT))
    short = ShortenRefusal(int(data["request_id"]), len(whole)).data()
    markup = keyboards.choices([(_(long_text.SHORTENED), short)], per_row=1)
    return "\n".join(html.escape(line, quote=False) for line in lines), markup


async def shorten_pressed(press: ShortenRefusal, visit: Visit, context: BotContext) -> None:
    """ "Gửi bản rút gọn" under a kept refusal: refuse with it cut to the limit, if it is still
    the refusal being written for this request."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    data: dict[str, Any] = dict(waiting.data) if waiting is not None else {}
    mine = waiting is not None and waiting.kind == WAIT_REFUSAL
    if not mine or data.get("request_id") != press.request_id or not data.get("long"):
        visit.alert(_(NOTHING_KEPT))
        visit.edit_markup(None)
        return
    if len(str(data["long"])) != press.length:
        visit.alert(_(ANSWERED))
        return
    visit.edit_markup(None)
    await _refuse(visit, data, long_text.shorten(str(data["long"]).strip()))


async def _refuse(visit: Visit, data: dict[str, Any], reason: str) -> None:
    """Refuse the request with this reason, tell the parent, close the request's message."""
    _ = visit._
    await pending.clear(visit.session, visit.account.id)
    decision = await _decide(visit, int(data["request_id"]), reason)
    why = rules.why_not(decision, _)
    if why is not None or decision.request is None:
        visit.reply(why or "", as_html=False)
        return
    visit.wake_sender()
    visit.reply(_("The request was refused and the parent has been told."), as_html=False)
    refusal = html.escape(decision.request.refusal or "")
    note = "❌ " + html.escape(_("Refused: {reason}")).format(reason=refusal)
    text = await _decided_text(visit, decision.request, note)
    if data.get("message_id"):  # the request's own message loses its buttons
        visit.edit(text, message_id=int(data["message_id"]))
