"""Leave requests, the homeroom teacher's side: the request with "Xác nhận" and "Từ chối", the
typed reason for a refusal, and the note that tells the parent.

The parent's side (/xinnghi) is in bot/features/leave/chat/parent.py, which routes every
"leave" button.
"""

from __future__ import annotations

import contextlib
import html
from typing import Any

from telegram import CallbackQuery, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot.core import keyboards, limits, pending
from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.core.presses import alert, cosmetic
from bot.delivery.outbox import Audience, enqueue_news
from bot.delivery.replies import fit_html
from bot.features.leave import queries as leave
from bot.features.leave.queries import Outcome
from storage.models import LeaveRequest
from storage.queries import students_with_ids

FEATURE = "leave"
WAIT_REFUSAL = "leave_refusal"
NEWS = "leave_decision"  # the outbox kind of the parent's news of a decision
HTML = ParseMode.HTML


async def pupil(visit: Visit, student_id: int) -> tuple[str, str]:
    """The pupil's name and class."""
    ((_id, name, class_name),) = await students_with_ids(visit.session, [student_id])
    return name, class_name


async def _teacher_text(visit: Visit, r: LeaveRequest, tr: Translator, note: str = "") -> str:
    """The request as the teacher reads it: the parent only as "the parent of" the child."""
    name, klass = await pupil(visit, r.student_id)
    lines = leave.describe(name, klass, r.first_day, r.last_day, r.part, r.reason, tr)
    parent = tr("From: the parent of {name}").format(name=html.escape(name))
    text = "\n".join(["<b>" + tr("Leave request") + "</b>", *lines, parent])
    # A 2,000-character reason and as long a refusal do not fit one message: the teacher's own
    # copy is cut with "…" (the parent's news, through the outbox, is split instead).
    return fit_html(f"{text}\n\n{note}" if note else text)


def _why_not(decision: leave.Decision, _: Translator) -> str | None:
    """Why a press or a typed refusal cannot decide the request, or None."""
    if decision.outcome is Outcome.NOT_ALLOWED:
        return _("You cannot decide on this request.")
    if decision.outcome is Outcome.DECIDED and decision.request is not None:
        return leave.state_text(decision.request, _)
    return None


async def tell_teachers(visit: Visit, context: BotContext, request: LeaveRequest) -> int:
    """Send the request with its two buttons to the class's homeroom teacher; how many got it."""
    sent = 0
    for teacher in await leave.deciders(visit.session, request):
        tr = translator(teacher.language or "vi")
        buttons = [(N_("Confirm"), "ok"), (N_("Refuse"), "no")]
        markup = keyboards.choices([(tr(b), pack(FEATURE, a, request.id)) for b, a in buttons])
        text = await _teacher_text(visit, request, tr)
        with contextlib.suppress(Forbidden):
            await context.bot.send_message(
                teacher.chat_id, text, reply_markup=markup, parse_mode=HTML
            )
            sent += 1
    return sent


async def confirm(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    """ "Xác nhận": record the excused absence and tell the parent."""
    decision = await _decide(visit, press.int_arg(0))
    why = _why_not(decision, visit._)
    if why is not None or decision.request is None:
        await alert(query, why or "")
        return
    await _tell_parent(visit, context, decision.request)
    note = "✅ " + visit._("Confirmed: recorded as an excused absence.")
    text = await _teacher_text(visit, decision.request, visit._, note)
    await cosmetic(query.edit_message_text(text, parse_mode=HTML), "show the confirmed request")


async def _decide(visit: Visit, request_id: int, refusal: str | None = None) -> leave.Decision:
    """Confirm the request, or refuse it with the teacher's reason."""
    return await leave.decide(
        visit.session,
        visit.actor,
        request_id,
        approve=refusal is None,
        now=visit.now,
        who=visit.who,
        refusal=refusal,
    )


async def refuse(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    """ "Từ chối": ask the teacher to type the reason, which the next text gives."""
    request_id = press.int_arg(0)
    why = _why_not(await leave.check(visit.session, visit.actor, request_id), visit._)
    if why is not None:
        await alert(query, why)
        return
    message_id = query.message.message_id if query.message is not None else None
    data = {"request_id": request_id, "message_id": message_id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_REFUSAL, data, visit.now
    )
    await context.bot.send_message(
        visit.account.chat_id,
        visit._("Please type the reason for refusing; it will be sent to the parent."),
    )


async def _tell_parent(visit: Visit, context: BotContext, request: LeaveRequest) -> None:
    """Queue the parent's news of the decision in the decision's transaction, store it and
    wake the sender: the parent learns it whatever happens to the teacher's messages next."""
    if request.account_id is not None:
        name, _klass = await pupil(visit, request.student_id)
        texts = {code: leave.decision_note(request, name, translator(code)) for code in LANGUAGES}
        await enqueue_news(
            visit.session,
            request.school_id,
            Audience.accounts(request.account_id),
            NEWS,
            texts,
            created_by=visit.account.id,
            now=visit.now,
        )
    await visit.save()
    context.wake_sender()


async def typed_refusal(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """Refuse the request with the typed reason and tell the parent."""
    _ = visit._
    problem = limits.text_problem(message.text)
    if problem is not None:
        await message.reply_text(leave.explain(problem, _))
        return
    assert message.text is not None
    await pending.clear(visit.session, visit.account.id)
    decision = await _decide(visit, int(data["request_id"]), message.text)
    why = _why_not(decision, _)
    if why is not None or decision.request is None:
        await message.reply_text(why or "")
        return
    await _tell_parent(visit, context, decision.request)
    await message.reply_text(_("The request was refused and the parent has been told."))
    refusal = html.escape(decision.request.refusal or "")
    note = "❌ " + _("Refused: {reason}").format(reason=refusal)
    text = await _teacher_text(visit, decision.request, _, note)
    if data.get("message_id"):  # the request's own message loses its buttons
        await cosmetic(
            context.bot.edit_message_text(
                text, visit.account.chat_id, int(data["message_id"]), parse_mode=HTML
            ),
            "show the refused request",
        )
