"""The leave form's "Gửi": the request is stored and queued for the homeroom teacher (with the
doctor's note), and the parent is told truthfully where it is: sent, or kept until the teacher
joins the bot."""

from __future__ import annotations

import html
from datetime import date

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.leave import news, rules
from bot.features.leave import queries as leave
from bot.features.leave.buttons import SendRequest
from bot.features.leave.chat import form
from bot.features.leave.chat.form import WAIT_REASON
from storage.models import LeavePart, LeaveRequest

KEPT = N_(
    "The leave request is saved. The homeroom teacher has not joined the contact book yet: it "
    "will reach the teacher as soon as they join, and you will be told the answer here. If the "
    "leave is soon, please also tell the school directly."
)


async def send_pressed(press: SendRequest, visit: Visit, context: BotContext) -> None:
    """ "Gửi": store the request and queue it for the homeroom teacher."""
    _ = visit._
    draft = await form.opened(visit, context, press.started, (WAIT_REASON,), press.student_id)
    if draft is None:
        return
    if "reason" not in draft:
        visit.alert(_(form.ANSWERED))
        return
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    asked = (press.student_id, first, last, LeavePart(draft["part"]), draft["reason"])
    result = await leave.submit(
        visit.session,
        visit.actor,
        *asked,
        now=visit.now,
        today=context.today(visit.now),
        who=visit.who,
        started=int(draft.get("started") or 0),
    )
    await pending.clear(visit.session, visit.account.id)
    if not isinstance(result, LeaveRequest):
        visit.edit(html.escape(rules.explain(result, _)))
        return
    name, klass = await leave.pupil(visit.session, press.student_id)
    summary = "\n".join(form.lines(_, name, klass, draft))
    note = draft.get("note")
    reached = await news.queue_request(
        visit.session, result, visit.now, (str(note[0]), str(note[1])) if note else None
    )
    visit.wake_sender()
    done = (
        _("The leave request was sent to the homeroom teacher; you will be told the answer here.")
        if reached
        else _(KEPT)
    )
    visit.edit(summary + "\n\n" + html.escape(done))
