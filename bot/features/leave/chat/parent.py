"""Leave requests (/xinnghi): the parent picks the child, the days, the session and the reason;
the homeroom teacher confirms or refuses (bot/features/leave/chat/staff.py), and the parent is told.

The draft lives in the person's pending input (bot/core/pending.py), so a half-written
request survives a restart; buttons carry only the pupil or the request, never rights.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.features.calendar.queries import school_year
from bot.features.leave import news, rules
from bot.features.leave import queries as leave
from bot.features.leave.buttons import (
    CancelForm,
    PickChild,
    PickDay,
    PickPart,
    SendRequest,
)
from bot.features.leave.chat.staff import WAIT_REFUSAL, typed_refusal, wake_sender
from storage.models import LeavePart, LeaveRequest, Role
from storage.queries import students_with_ids

WAIT_DATES = "leave_dates"
WAIT_REASON = "leave_reason"
STALE_FORM = N_("This form is no longer open; please send /xinnghi again.")


async def _expect(visit: Visit, kind: str, data: dict[str, Any]) -> None:
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, kind, data, visit.now
    )


async def _draft(visit: Visit, kind: str, student_id: int) -> dict[str, Any] | None:
    """The person's draft at this step for this pupil, if they are there."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != kind or waiting.data.get("student_id") != student_id:
        return None
    return dict(waiting.data)


def _lines(_: Translator, name: str, klass: str, draft: dict[str, Any]) -> list[str]:
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    return news.describe(name, klass, first, last, LeavePart(draft["part"]), draft["reason"], _)


def _cancel(_: Translator) -> tuple[str, str]:
    return _("Cancel"), CancelForm().data()


async def leave_command(update: Update, context: BotContext) -> None:
    """Start a leave request: the child first, unless there is only one."""
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PARENT):
            visit.reply(_("Leave requests are sent by parents for their children."), as_html=False)
            return
        if await leave.over_rate(visit.session, visit.account.id, visit.now):
            visit.reply(limits.fill(limits.TOO_MANY, _(limits.TOO_MANY)), as_html=False)
            return
        children = await students_with_ids(visit.session, visit.actor.children)
        if len(children) == 1:
            visit.reply(*await _ask_days(visit, context, children[0][0]))
            return
        buttons = [(f"{name} ({klass})", PickChild(i).data()) for i, name, klass in children]
        visit.reply(
            _("Which child is the leave for?"),
            keyboards.choices(buttons, per_row=1),
            as_html=False,
        )


async def _ask_days(
    visit: Visit, context: BotContext, student_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The day buttons; a typed day or range is the other way."""
    _ = visit._
    await _expect(visit, WAIT_DATES, {"student_id": student_id})
    name, _klass = await leave.pupil(visit.session, student_id)
    days = rules.offered_days(visit.now.astimezone(context.settings.zone))
    buttons = [(rules.day_label(day, _), PickDay(student_id, day).data()) for day in days]
    text = html.escape(
        _("Leave for {name}: choose the day, or type it as dd/mm (several days: dd/mm-dd/mm).")
    ).format(name=f"<b>{html.escape(name)}</b>")
    return text, keyboards.choices(buttons, per_row=1, extra=[_cancel(_)])


async def _ask_part(
    visit: Visit, student_id: int, first: date, last: date
) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the days in the draft and offer the sessions."""
    _ = visit._
    draft = {"student_id": student_id, "first": first.isoformat(), "last": last.isoformat()}
    await _expect(visit, WAIT_DATES, draft)
    buttons = [
        (_(label), PickPart(student_id, part.value).data())
        for part, label in rules.PART_LABELS.items()
    ]
    text = _("{days}: which session?").format(days=rules.days_label(first, last, _))
    return html.escape(text), keyboards.choices(buttons, per_row=3, extra=[_cancel(_)])


async def child_pressed(press: PickChild, visit: Visit, context: BotContext) -> None:
    """The child's button: the days next."""
    if not rules.may_ask(visit.actor, press.student_id):
        visit.alert(visit._(rules.NOT_YOURS))
        return
    visit.edit(*await _ask_days(visit, context, press.student_id))


async def day_pressed(press: PickDay, visit: Visit, context: BotContext) -> None:
    """An offered day's button: checked again (it may be old), then the sessions."""
    if not rules.may_ask(visit.actor, press.student_id):
        visit.alert(visit._(rules.NOT_YOURS))
        return
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    problem = rules.check_days(press.day, press.day, today, year)
    if problem is not None:
        visit.alert(rules.explain(problem, visit._))
        return
    visit.edit(*await _ask_part(visit, press.student_id, press.day, press.day))


async def part_pressed(press: PickPart, visit: Visit, context: BotContext) -> None:
    """A session's button: the reason is asked next."""
    if press.part not in {part.value for part in LeavePart}:
        return
    draft = await _draft(visit, WAIT_DATES, press.student_id)
    if draft is None or "first" not in draft:
        visit.alert(visit._(STALE_FORM))
        return
    await _expect(visit, WAIT_REASON, draft | {"part": press.part})
    text = visit._("Please type the reason for the leave, for example: the child has a fever.")
    visit.edit(html.escape(text))


async def send_pressed(press: SendRequest, visit: Visit, context: BotContext) -> None:
    """ "Gửi": store the request and queue it for the homeroom teacher."""
    _ = visit._
    draft = await _draft(visit, WAIT_REASON, press.student_id)
    if draft is None or "reason" not in draft:
        visit.alert(_(STALE_FORM))
        return
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    asked = (press.student_id, first, last, LeavePart(draft["part"]), draft["reason"])
    result = await leave.submit(
        visit.session, visit.actor, *asked, now=visit.now, today=context.today(visit.now)
    )
    await pending.clear(visit.session, visit.account.id)
    if not isinstance(result, LeaveRequest):
        visit.edit(html.escape(rules.explain(result, _)))
        return
    name, klass = await leave.pupil(visit.session, press.student_id)
    summary = "\n".join(_lines(_, name, klass, draft))
    sent = await news.queue_request(visit.session, result, visit.now)
    wake_sender(visit, context)
    done = (
        _("The leave request was sent to the homeroom teacher; you will be told the answer here.")
        if sent
        else _(
            "The leave request is saved, but the homeroom teacher has not joined the contact "
            "book yet: please also tell the school directly."
        )
    )
    visit.edit(summary + "\n\n" + html.escape(done))


async def cancel_pressed(press: CancelForm, visit: Visit, context: BotContext) -> None:
    """ "Huỷ": the draft is dropped."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is not None and waiting.kind in (WAIT_DATES, WAIT_REASON):
        await pending.clear(visit.session, visit.account.id)
    visit.edit(html.escape(visit._("The leave request was cancelled; nothing was sent.")))


async def typed_dates(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """A typed day or range: checked, then the sessions."""
    assert message.text is not None
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    days = rules.parse_days(message.text, today, year)
    if isinstance(days, rules.DayProblem):
        visit.reply(rules.explain(days, visit._), as_html=False)
        return
    visit.reply(*await _ask_part(visit, int(data["student_id"]), *days))


async def typed_reason(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """The typed reason: the whole request shown, with "Gửi" and "Huỷ"."""
    _ = visit._
    problem = limits.text_problem(message.text)
    if problem is not None:
        visit.reply(rules.explain(problem, _), as_html=False)
        return
    assert message.text is not None
    draft = dict(data) | {"reason": message.text.strip()}
    await _expect(visit, WAIT_REASON, draft)
    name, klass = await leave.pupil(visit.session, int(draft["student_id"]))
    lines = ["<b>" + html.escape(_("Leave request")) + "</b>", *_lines(_, name, klass, draft)]
    question = _("Send it to the homeroom teacher? You can also type another reason.")
    lines += ["", html.escape(question)]
    send = (_("Send"), SendRequest(int(draft["student_id"])).data())
    visit.reply("\n".join(lines), keyboards.choices([send, _cancel(_)]))


TAKERS = {WAIT_DATES: typed_dates, WAIT_REASON: typed_reason, WAIT_REFUSAL: typed_refusal}


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer this feature asked for; False if it asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in TAKERS:
        return False
    await TAKERS[waiting.kind](message, visit, context, dict(waiting.data))
    return True
