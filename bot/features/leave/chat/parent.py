"""Leave requests (/xinnghi): the parent picks the child, the days, the session and the reason;
the homeroom teacher confirms or refuses (bot/features/leave/chat/staff.py), and the parent is told.

The draft lives in the person's pending input (bot/core/pending.py), so a half-written
request survives a restart; buttons carry only the pupil or the request, never rights.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, limits, pending
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.presses import alert
from bot.features.calendar.queries import school_year
from bot.features.leave import queries as leave
from bot.features.leave.chat.staff import (
    FEATURE,
    WAIT_REFUSAL,
    confirm,
    pupil,
    refuse,
    tell_teachers,
    typed_refusal,
)
from bot.features.leave.queries import DayProblem
from storage.models import LeavePart, LeaveRequest, Role
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE
WAIT_DATES = "leave_dates"
WAIT_REASON = "leave_reason"
HTML = ParseMode.HTML
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


def _span(draft: dict[str, Any]) -> tuple[date, date, LeavePart]:
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    return first, last, LeavePart(draft["part"])


def _lines(_: Translator, name: str, klass: str, draft: dict[str, Any]) -> list[str]:
    return leave.describe(name, klass, *_span(draft), draft["reason"], _)


async def leave_command(update: Update, context: BotContext) -> None:
    """Start a leave request: the child first, unless there is only one."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PARENT):
            await message.reply_text(_("Leave requests are sent by parents for their children."))
            return
        if await leave.over_rate(visit.session, visit.account.id, visit.now):
            await message.reply_text(limits.fill(limits.TOO_MANY, _(limits.TOO_MANY)))
            return
        children = await students_with_ids(visit.session, visit.actor.children)
        if len(children) == 1:
            text, markup = await _ask_days(visit, context, children[0][0])
            await message.reply_text(text, reply_markup=markup, parse_mode=HTML)
            return
        buttons = [(f"{name} ({klass})", pack(FEATURE, "c", i)) for i, name, klass in children]
        await message.reply_text(
            _("Which child is the leave for?"), reply_markup=keyboards.choices(buttons, per_row=1)
        )


async def _ask_days(
    visit: Visit, context: BotContext, student_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The day buttons; a typed day or range is the other way."""
    _ = visit._
    await _expect(visit, WAIT_DATES, {"student_id": student_id})
    name, _klass = await pupil(visit, student_id)
    days = leave.offered_days(visit.now.astimezone(context.settings.zone))
    buttons = [
        (leave.day_label(day, _), pack(FEATURE, "d", student_id, f"{day:%Y%m%d}")) for day in days
    ]
    text = _(
        "Leave for {name}: choose the day, or type it as dd/mm (several days: dd/mm-dd/mm)."
    ).format(name=f"<b>{html.escape(name)}</b>")
    return text, keyboards.choices(buttons, per_row=1, extra=[(_("Cancel"), pack(FEATURE, "x"))])


async def _ask_part(
    visit: Visit, student_id: int, first: date, last: date
) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the days in the draft and offer the sessions."""
    _ = visit._
    draft = {"student_id": student_id, "first": first.isoformat(), "last": last.isoformat()}
    await _expect(visit, WAIT_DATES, draft)
    buttons = [
        (_(label), pack(FEATURE, "p", student_id, p)) for p, label in leave.PART_LABELS.items()
    ]
    text = _("{days}: which session?").format(days=leave.days_label(first, last, _))
    return text, keyboards.choices(buttons, per_row=3, extra=[(_("Cancel"), pack(FEATURE, "x"))])


Action = Callable[[CallbackQuery, Visit, BotContext, Callback], Awaitable[None]]


async def pressed(update: Update, context: BotContext) -> None:
    """Every button of leave requests."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        action = _ACTIONS[press.action]
    except (BadCallback, KeyError):
        return
    async with context.visit(update) as visit:
        with contextlib.suppress(BadCallback):
            await action(query, visit, context, press)


async def _child(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    student_id = press.int_arg(0)
    if not leave.may_ask(visit.actor, student_id):
        await alert(query, visit._(leave.NOT_YOURS))
        return
    text, markup = await _ask_days(visit, context, student_id)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


async def _day(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    student_id = press.int_arg(0)
    try:
        day = datetime.strptime(press.args[1], "%Y%m%d").date()
    except (IndexError, ValueError):
        raise BadCallback("not a day") from None
    if not leave.may_ask(visit.actor, student_id):
        await alert(query, visit._(leave.NOT_YOURS))
        return
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    problem = leave.check_days(day, day, today, year)
    if problem is not None:
        await alert(query, leave.explain(problem, visit._))
        return
    text, markup = await _ask_part(visit, student_id, day, day)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


async def _part(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    student_id = press.int_arg(0)
    try:
        part = LeavePart(press.args[1])
    except (IndexError, ValueError):
        raise BadCallback("not a session") from None
    draft = await _draft(visit, WAIT_DATES, student_id)
    if draft is None or "first" not in draft:
        await alert(query, visit._(STALE_FORM))
        return
    await _expect(visit, WAIT_REASON, draft | {"part": part.value})
    _ = visit._
    text = _("Please type the reason for the leave, for example: the child has a fever.")
    await query.edit_message_text(text)


async def _send(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    _ = visit._
    student_id = press.int_arg(0)
    draft = await _draft(visit, WAIT_REASON, student_id)
    if draft is None or "reason" not in draft:
        await alert(query, _(STALE_FORM))
        return
    first, last, part = _span(draft)
    asked = (student_id, first, last, part, draft["reason"])
    result = await leave.submit(
        visit.session, visit.actor, *asked, now=visit.now, today=context.today(visit.now)
    )
    await pending.clear(visit.session, visit.account.id)
    if not isinstance(result, LeaveRequest):
        await query.edit_message_text(leave.explain(result, _))
        return
    name, klass = await pupil(visit, student_id)
    summary = "\n".join(_lines(_, name, klass, draft))
    sent = await tell_teachers(visit, context, result)
    done = (
        _("The leave request was sent to the homeroom teacher; you will be told the answer here.")
        if sent
        else _(
            "The leave request is saved, but the homeroom teacher has not joined the contact "
            "book yet: please also tell the school directly."
        )
    )
    await query.edit_message_text(summary + "\n\n" + done, parse_mode=HTML)


async def _cancel(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is not None and waiting.kind in (WAIT_DATES, WAIT_REASON):
        await pending.clear(visit.session, visit.account.id)
    await query.edit_message_text(visit._("The leave request was cancelled; nothing was sent."))


_ACTIONS: dict[str, Action] = {
    "c": _child,
    "d": _day,
    "p": _part,
    "send": _send,
    "x": _cancel,
    "ok": confirm,
    "no": refuse,
}


async def _typed_dates(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    assert message.text is not None
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    days = leave.parse_days(message.text, today, year)
    if isinstance(days, DayProblem):
        await message.reply_text(leave.explain(days, visit._))
        return
    text, markup = await _ask_part(visit, int(data["student_id"]), *days)
    await message.reply_text(text, reply_markup=markup, parse_mode=HTML)


async def _typed_reason(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    _ = visit._
    problem = limits.text_problem(message.text)
    if problem is not None:
        await message.reply_text(leave.explain(problem, _))
        return
    assert message.text is not None
    draft = dict(data) | {"reason": message.text.strip()}
    await _expect(visit, WAIT_REASON, draft)
    name, klass = await pupil(visit, int(draft["student_id"]))
    lines = ["<b>" + _("Leave request") + "</b>", *_lines(_, name, klass, draft), ""]
    lines.append(_("Send it to the homeroom teacher? You can also type another reason."))
    send, cancel = pack(FEATURE, "send", draft["student_id"]), pack(FEATURE, "x")
    markup = keyboards.choices([(_("Send"), send), (_("Cancel"), cancel)])
    await message.reply_text("\n".join(lines), reply_markup=markup, parse_mode=HTML)


TAKERS = {WAIT_DATES: _typed_dates, WAIT_REASON: _typed_reason, WAIT_REFUSAL: typed_refusal}


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer this feature asked for; False if it asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in TAKERS:
        return False
    await TAKERS[waiting.kind](message, visit, context, dict(waiting.data))
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document this feature asked for; False if it asked for none."""
    return False
