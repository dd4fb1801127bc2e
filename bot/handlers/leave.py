"""Leave requests (/xinnghi): the parent picks the child, the days, the session and the reason;
the homeroom teacher confirms or refuses, and the parent is told.

The draft lives in the person's pending input (bot/services/pending.py), so a half-written
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
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import keyboards
from bot.callbacks import BadCallback, Callback, pack, parse
from bot.context import BotContext, Visit
from bot.handlers.presses import alert, on_press
from bot.i18n import N_, Translator, translator
from bot.services import leave, limits, pending
from bot.services.leave import DayProblem, Outcome
from storage.models import AccountState, LeavePart, LeaveRequest, Role
from storage.models import TelegramAccount as Account
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "leave"
WAIT_DATES = "leave_dates"
WAIT_REASON = "leave_reason"
WAIT_REFUSAL = "leave_refusal"
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


async def _pupil(visit: Visit, student_id: int) -> tuple[str, str]:
    ((_id, name, class_name),) = await students_with_ids(visit.session, [student_id])
    return name, class_name


def _span(draft: dict[str, Any]) -> tuple[date, date, LeavePart]:
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    return first, last, LeavePart(draft["part"])


def _lines(_: Translator, name: str, klass: str, draft: dict[str, Any]) -> list[str]:
    return leave.describe(name, klass, *_span(draft), draft["reason"], _)


async def _teacher_text(visit: Visit, r: LeaveRequest, tr: Translator, note: str = "") -> str:
    """The request as the teacher reads it: the parent only as "the parent of" the child."""
    name, klass = await _pupil(visit, r.student_id)
    lines = leave.describe(name, klass, r.first_day, r.last_day, r.part, r.reason, tr)
    parent = tr("From: the parent of {name}").format(name=html.escape(name))
    text = "\n".join(["<b>" + tr("Leave request") + "</b>", *lines, parent])
    return f"{text}\n\n{note}" if note else text


def _why_not(decision: leave.Decision, _: Translator) -> str | None:
    """Why a press or a typed refusal cannot decide the request, or None."""
    if decision.outcome is Outcome.NOT_ALLOWED:
        return _("You cannot decide on this request.")
    if decision.outcome is Outcome.DECIDED and decision.request is not None:
        return leave.state_text(decision.request, _)
    return None


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
    name, _klass = await _pupil(visit, student_id)
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
    problem = leave.check_days(day, day, context.today(visit.now))
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
    name, klass = await _pupil(visit, student_id)
    summary = "\n".join(_lines(_, name, klass, draft))
    sent = await _tell_teachers(visit, context, result)
    done = (
        _("The leave request was sent to the homeroom teacher; you will be told the answer here.")
        if sent
        else _(
            "The leave request is saved, but the homeroom teacher has not joined the contact "
            "book yet: please also tell the school directly."
        )
    )
    await query.edit_message_text(summary + "\n\n" + done, parse_mode=HTML)


async def _tell_teachers(visit: Visit, context: BotContext, request: LeaveRequest) -> int:
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


async def _cancel(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is not None and waiting.kind in (WAIT_DATES, WAIT_REASON):
        await pending.clear(visit.session, visit.account.id)
    await query.edit_message_text(visit._("The leave request was cancelled; nothing was sent."))


async def _confirm(
    query: CallbackQuery, visit: Visit, context: BotContext, press: Callback
) -> None:
    decision = await _decide(visit, press.int_arg(0))
    why = _why_not(decision, visit._)
    if why is not None or decision.request is None:
        await alert(query, why or "")
        return
    note = "✅ " + visit._("Confirmed: recorded as an excused absence.")
    text = await _teacher_text(visit, decision.request, visit._, note)
    await query.edit_message_text(text, parse_mode=HTML)
    await _tell_parent(visit, context, decision.request)


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


async def _refuse(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    request_id = press.int_arg(0)
    why = _why_not(await leave.check(visit.session, visit.actor, request_id), visit._)
    if why is not None:
        await alert(query, why)
        return
    message_id = query.message.message_id if query.message is not None else None
    await _expect(visit, WAIT_REFUSAL, {"request_id": request_id, "message_id": message_id})
    await context.bot.send_message(
        visit.account.chat_id,
        visit._("Please type the reason for refusing; it will be sent to the parent."),
    )


async def _tell_parent(visit: Visit, context: BotContext, request: LeaveRequest) -> None:
    """Tell the parent who asked what the homeroom teacher decided."""
    parent = await visit.session.get(Account, request.account_id) if request.account_id else None
    if parent is None or parent.state != AccountState.LINKED:
        return
    tr = translator(parent.language or "vi")
    name, _klass = await _pupil(visit, request.student_id)
    with contextlib.suppress(Forbidden):
        await context.bot.send_message(
            parent.chat_id, leave.decision_note(request, name, tr), parse_mode=HTML
        )


_ACTIONS: dict[str, Action] = {
    "c": _child,
    "d": _day,
    "p": _part,
    "send": _send,
    "x": _cancel,
    "ok": _confirm,
    "no": _refuse,
}


async def _typed_dates(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    assert message.text is not None
    days = leave.parse_days(message.text, context.today(visit.now))
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
    name, klass = await _pupil(visit, int(draft["student_id"]))
    lines = ["<b>" + _("Leave request") + "</b>", *_lines(_, name, klass, draft), ""]
    lines.append(_("Send it to the homeroom teacher? You can also type another reason."))
    send, cancel = pack(FEATURE, "send", draft["student_id"]), pack(FEATURE, "x")
    markup = keyboards.choices([(_("Send"), send), (_("Cancel"), cancel)])
    await message.reply_text("\n".join(lines), reply_markup=markup, parse_mode=HTML)


async def _typed_refusal(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
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
    await message.reply_text(_("The request was refused and the parent has been told."))
    refusal = html.escape(decision.request.refusal or "")
    note = "❌ " + _("Refused: {reason}").format(reason=refusal)
    text = await _teacher_text(visit, decision.request, _, note)
    if data.get("message_id"):  # the request's own message loses its buttons
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_text(
                text, visit.account.chat_id, int(data["message_id"]), parse_mode=HTML
            )
    await _tell_parent(visit, context, decision.request)


TAKERS = {WAIT_DATES: _typed_dates, WAIT_REASON: _typed_reason, WAIT_REFUSAL: _typed_refusal}


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


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's commands and presses (typed answers come through the router)."""
    return [
        CommandHandler("xinnghi", leave_command, filters=PRIVATE),
        on_press(FEATURE, pressed),
    ]
