"""Leave requests (/xinnghi): the parent picks the child, the days and the session with buttons
(form.py draws them); the reason and a doctor's note are typed or sent (typed.py); "Gửi"
queues the request for the homeroom teacher (sending.py), who decides (staff.py).

Buttons carry only the pupil, the step's value and the form's `started`, never rights; a
button of a form already sent, replaced or cancelled says so and starts nothing.
"""

from __future__ import annotations

import html

from telegram import Update

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.features.calendar.queries import school_year
from bot.features.leave import queries as leave
from bot.features.leave import rules
from bot.features.leave.buttons import CancelForm, PickChild, PickDay, PickPart
from bot.features.leave.chat import form
from bot.features.leave.chat.form import WAIT_CHILD, WAIT_DATES, WAIT_REASON
from storage.models import LeavePart, Role
from storage.queries import students_with_ids


async def leave_command(update: Update, context: BotContext) -> None:
    """Start a leave request (it replaces any form still open): the child first, unless
    there is only one."""
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PARENT):
            visit.reply(_("Leave requests are sent by parents for their children."), as_html=False)
            return
        if await leave.over_rate(visit.session, visit.account.id, visit.now):
            visit.reply(limits.fill(limits.TOO_MANY, _(limits.TOO_MANY)), as_html=False)
            return
        started = visit.update.update_id
        children = await students_with_ids(visit.session, visit.actor.children)
        if len(children) == 1:
            visit.reply(*await form.ask_days(visit, context, children[0][0], started))
            return
        await form.expect(visit, WAIT_CHILD, {"started": started})
        buttons = [
            (f"{name} ({klass})", PickChild(i, started).data()) for i, name, klass in children
        ]
        visit.reply(
            _("Which child is the leave for?"),
            keyboards.choices(buttons, per_row=1, extra=[form.cancel(_, started)]),
            as_html=False,
        )


async def child_pressed(press: PickChild, visit: Visit, context: BotContext) -> None:
    """The child's button: the days next."""
    draft = await form.opened(visit, context, press.started, (WAIT_CHILD,))
    if draft is None:
        return
    if not rules.may_ask(visit.actor, press.student_id):
        visit.alert(visit._(rules.NOT_YOURS))
        return
    started = int(draft.get("started") or 0) or visit.update.update_id
    visit.edit(*await form.ask_days(visit, context, press.student_id, started))


async def day_pressed(press: PickDay, visit: Visit, context: BotContext) -> None:
    """An offered day's button: checked again (it may be old), then the sessions."""
    draft = await form.opened(visit, context, press.started, (WAIT_DATES,), press.student_id)
    if draft is None:
        return
    if not rules.may_ask(visit.actor, press.student_id):
        visit.alert(visit._(rules.NOT_YOURS))
        return
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    problem = rules.check_days(press.day, press.day, today, year)
    if problem is not None:
        visit.alert(rules.explain(problem, visit._))
        return
    visit.edit(*await form.ask_part(visit, draft, press.day, press.day))


async def part_pressed(press: PickPart, visit: Visit, context: BotContext) -> None:
    """A session's button: the reason is asked next."""
    if press.part not in {part.value for part in LeavePart}:
        return
    draft = await form.opened(visit, context, press.started, (WAIT_DATES,), press.student_id)
    if draft is None:
        return
    if "first" not in draft:
        visit.alert(visit._(form.ANSWERED))
        return
    await form.expect(visit, WAIT_REASON, draft | {"part": press.part})
    visit.edit(form.ask_reason(visit._))


async def cancel_pressed(press: CancelForm, visit: Visit, context: BotContext) -> None:
    """ "Huỷ": the form is dropped if it is still open; a form already sent, replaced or
    cancelled says so and nothing changes."""
    kinds = form.FORM_KINDS
    if await form.opened(visit, context, press.started, kinds) is None:
        visit.edit_markup(None)
        return
    await pending.clear(visit.session, visit.account.id)
    visit.edit(html.escape(visit._("The leave request was cancelled; nothing was sent.")))
