"""Correction requests, the teacher's side (/suadiem): pupil, period, item, new value, reason,
evidence, summary, send; and the answer to the leader's "Cần bổ sung".

The draft lives in the person's pending input, so it survives a restart. Buttons carry the
pupil, the period and the item's place in the period's list, never rights: every step checks
again from the records (bot/services/corrections.py).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import keyboards
from bot.callbacks import BadCallback, Callback, pack, parse
from bot.context import BotContext, Visit
from bot.handlers import correction_review as review
from bot.handlers.presses import alert, on_press
from bot.i18n import N_, Translator
from bot.services import assessment, correction_steps, corrections, limits, pending, weekly
from bot.services.assessment import Item
from bot.services.assessment_rules import (
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
)
from bot.services.calendar import load_calendar
from bot.services.corrections import REASON_NAMES, Refused, Stale
from storage.models import AssessmentKind, CorrectionReason, School, SchoolClass, Student
from storage.queries import class_name

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "corr"
WAIT_VALUE = "corr_value"
WAIT_REASON = "corr_reason"
WAIT_FILES = "corr_files"
WAIT_READY = "corr_ready"
WAIT_ADD = "corr_add"
DRAFTS = (WAIT_VALUE, WAIT_REASON, WAIT_FILES, WAIT_READY)
MAX_FILES = 10
HTML = ParseMode.HTML
STALE_FORM = N_("This form is no longer open; please send /suadiem again.")
NOT_TEACHER = N_("Correction requests are filed by homeroom and subject teachers.")


async def _expect(visit: Visit, kind: str, data: dict[str, Any]) -> None:
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, kind, data, visit.now
    )


async def _draft(visit: Visit, *kinds: str) -> dict[str, Any] | None:
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in kinds:
        return None
    return dict(waiting.data)


def _year(context: BotContext, visit: Visit) -> str:
    return assessment.school_year_of(context.today(visit.now))


async def _calendar(visit: Visit, context: BotContext) -> Any:
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    return await load_calendar(visit.session, school, context.today(visit.now))


async def _pupil(visit: Visit, student_id: int) -> tuple[Student, SchoolClass] | None:
    student = await visit.session.get(Student, student_id)
    if student is None or student.class_id not in corrections.classes_in_scope(visit.actor):
        return None
    klass = await visit.session.get(SchoolClass, student.class_id)
    return None if klass is None else (student, klass)


def _item_at(klass: SchoolClass, period: Period, visit: Visit, index: int) -> Item | None:
    items = corrections.items_in_scope(visit.actor, klass, period)
    return items[index] if 0 <= index < len(items) else None


# /suadiem: class, pupil, period, item ----------------------------------------------------------


async def command(update: Update, context: BotContext) -> None:
    """/suadiem: start a correction request."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        classes = sorted(corrections.classes_in_scope(visit.actor))
        if not classes:
            await message.reply_text(_(NOT_TEACHER))
            return
        await pending.clear(visit.session, visit.account.id)
        if len(classes) == 1:
            text, markup = await _pupils(visit, classes[0])
        else:
            names = [(await class_name(visit.session, c)) or "?" for c in classes]
            buttons = [(n, pack(FEATURE, "cls", c)) for n, c in zip(names, classes, strict=True)]
            text = _("Which class is the correction for?")
            markup = keyboards.choices(buttons, per_row=3)
        await message.reply_text(text, reply_markup=markup, parse_mode=HTML)


async def _pupils(visit: Visit, class_id: int) -> tuple[str, InlineKeyboardMarkup]:
    pupils = await weekly.class_pupils(visit.session, class_id)
    buttons = [(name, pack(FEATURE, "pup", sid)) for sid, _code, name in pupils]
    klass = await class_name(visit.session, class_id)
    text = visit._("Class {class_name}: which pupil?").format(class_name=html.escape(klass or ""))
    return text, keyboards.choices(buttons)


async def _on_class(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    class_id = p.int_arg(0)
    if class_id not in corrections.classes_in_scope(visit.actor):
        await alert(query, visit._(corrections.NOT_YOURS))
        return
    text, markup = await _pupils(visit, class_id)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


async def _on_pupil(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    found = await _pupil(visit, p.int_arg(0))
    if found is None:
        await alert(query, visit._(corrections.NOT_YOURS))
        return
    student, klass = found
    _ = visit._
    buttons = [
        (assessment.period_name(period, _), pack(FEATURE, "per", student.id, period.value))
        for period in Period
    ]
    text = _("{pupil}, class {class_name}: which period?").format(
        pupil=html.escape(student.full_name), class_name=html.escape(klass.name)
    )
    await query.edit_message_text(text, reply_markup=keyboards.choices(buttons), parse_mode=HTML)


def _period(p: Callback, index: int) -> Period:
    try:
        return Period(p.args[index])
    except (IndexError, ValueError):
        raise BadCallback("not a period") from None


async def _on_period(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    found = await _pupil(visit, p.int_arg(0))
    if found is None:
        await alert(query, visit._(corrections.NOT_YOURS))
        return
    student, klass = found
    period = _period(p, 1)
    _ = visit._
    book = await assessment.pupil_results(visit.session, student.id, _year(context, visit), period)
    buttons = []
    for index, item in enumerate(corrections.items_in_scope(visit.actor, klass, period)):
        row = book.get(item)
        value = assessment.value_text(item, row.value if row else None, _)
        label = f"{item.name(_)}: {value}"
        buttons.append((label, pack(FEATURE, "item", student.id, period.value, index)))
    text = _("{pupil}, {period}: which result should be corrected?").format(
        pupil=html.escape(student.full_name), period=assessment.period_name(period, _)
    )
    await query.edit_message_text(
        text, reply_markup=keyboards.choices(buttons, per_row=1), parse_mode=HTML
    )


async def _on_item(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    _ = visit._
    found = await _pupil(visit, p.int_arg(0))
    period = _period(p, 1)
    item = None if found is None else _item_at(found[1], period, visit, p.int_arg(2))
    if found is None or item is None:
        await alert(query, _(corrections.NOT_YOURS))
        return
    try:
        target = await corrections.check_target(
            visit.session,
            visit.actor,
            student_id=found[0].id,
            school_year=_year(context, visit),
            period=period,
            item=item,
            today=context.today(visit.now),
            calendar=await _calendar(visit, context),
        )
    except Refused as refused:
        await alert(query, refused.message(_))
        return
    draft = {"student": target.student.id, "period": period.value, "item": item.key}
    await _expect(visit, WAIT_VALUE, draft)
    text = _("{pupil}, {period}, {item}: the book holds {value}.").format(
        pupil=html.escape(target.student.full_name),
        period=assessment.period_name(period, _),
        item=item.name(_),
        value=assessment.value_text(item, target.old_value, _),
    )
    if item.kind is AssessmentKind.SCORE:
        text += "\n" + _("Please type the correct score (a whole number from 0 to 10).")
    else:
        text += "\n" + _("Please choose the correct level (or type it).")
    await query.edit_message_text(text, reply_markup=_value_buttons(item, _), parse_mode=HTML)


def _value_buttons(item: Item, _: Translator) -> InlineKeyboardMarkup | None:
    if item.kind is AssessmentKind.LEVEL:
        levels = [(_(SUBJECT_LEVEL_NAMES[s]), s.value) for s in SubjectLevel]
    elif item.kind is AssessmentKind.QUALITY:
        levels = [(_(QUALITY_LEVEL_NAMES[q]), q.value) for q in QualityLevel]
    else:
        return None
    return keyboards.choices([(label, pack(FEATURE, "val", code)) for label, code in levels], 1)


# New value, reason, evidence, summary ----------------------------------------------------------


async def _target_of(visit: Visit, draft: dict[str, Any]) -> tuple[Student, SchoolClass, Item]:
    found = await _pupil(visit, int(draft["student"]))
    item = Item.from_key(str(draft["item"]))
    if found is None or item is None:
        raise Refused(corrections.NOT_YOURS)
    return found[0], found[1], item


async def _set_value(visit: Visit, draft: dict[str, Any], text: str) -> str:
    """Check the new value and move on to the reason; the reply to show."""
    _ = visit._
    _student, klass, item = await _target_of(visit, draft)
    try:
        value = assessment.parse_value(
            item, text, grade=klass.grade, period=Period(draft["period"])
        )
    except RuleError as error:
        return error.message(_) + "\n" + _("Nothing was recorded; please enter the value again.")
    await _expect(visit, WAIT_REASON, draft | {"value": value})
    return _("New value: {value}. Why is the correction needed?").format(
        value=assessment.value_text(item, value, _)
    )


def _reason_buttons(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.choices(
        [(_(name), pack(FEATURE, "why", reason.value)) for reason, name in REASON_NAMES.items()],
        per_row=1,
    )


async def _on_value(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    draft = await _draft(visit, WAIT_VALUE)
    if draft is None or not p.args:
        await alert(query, visit._(STALE_FORM))
        return
    text = await _set_value(visit, draft, p.args[0])
    markup = (
        _reason_buttons(visit._) if "value" in (await _draft(visit, WAIT_REASON) or {}) else None
    )
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


async def _on_reason(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    draft = await _draft(visit, WAIT_REASON)
    try:
        reason = CorrectionReason(p.args[0] if p.args else "")
    except ValueError:
        raise BadCallback("not a reason") from None
    if draft is None:
        await alert(query, visit._(STALE_FORM))
        return
    await _expect(visit, WAIT_REASON, draft | {"reason": reason.value})
    _ = visit._
    text = _(
        "{reason}. Please type the details: what was wrong and where the right value comes from."
    )
    await query.edit_message_text(text.format(reason=_(REASON_NAMES[reason])))


def _done_button(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.choices(
        [(_("Done"), pack(FEATURE, "done")), (_("Cancel"), pack(FEATURE, "x"))]
    )


async def _typed(message: Message, visit: Visit, kind: str, draft: dict[str, Any]) -> None:
    _ = visit._
    text = message.text or ""
    if kind == WAIT_VALUE:
        reply = await _set_value(visit, draft, text)
        waiting = await _draft(visit, WAIT_REASON)
        markup = _reason_buttons(_) if waiting is not None and "reason" not in waiting else None
        await message.reply_text(reply, reply_markup=markup, parse_mode=HTML)
    elif kind == WAIT_REASON:
        if "reason" not in draft:
            await message.reply_text(
                _("Please choose the kind of reason first."), reply_markup=_reason_buttons(_)
            )
            return
        problem = limits.text_problem(text)
        if problem is not None:
            await message.reply_text(limits.fill(problem, _(problem)))
            return
        await _expect(visit, WAIT_FILES, draft | {"text": text.strip(), "files": []})
        await message.reply_text(
            _(
                "Please send the evidence: a photo or a file of the mark book page and of the "
                "pupil's test (PDF, Word or a picture). Press “Done” when everything is sent."
            ),
            reply_markup=_done_button(_),
        )
    elif kind == WAIT_FILES:
        await message.reply_text(
            _("Please send the evidence as a photo or a file, then press “Done”."),
            reply_markup=_done_button(_),
        )
    elif kind == WAIT_ADD:
        draft["text"] = (str(draft.get("text", "")) + "\n" + text).strip()
        problem = limits.text_problem(draft["text"])
        if problem is not None:
            await message.reply_text(limits.fill(problem, _(problem)))
            return
        await _expect(visit, WAIT_ADD, draft)
        await message.reply_text(
            _("Noted. Send files too if needed, then press “Send the addition”."),
            reply_markup=review.add_done_button(_, int(draft["request"])),
        )


def _media(message: Message) -> tuple[dict[str, Any] | None, str | None]:
    entry: dict[str, Any]
    """The file a message carries as a draft entry, or the reason it is refused."""
    if message.photo:
        photo = message.photo[-1]
        entry = {
            "id": photo.file_id,
            "name": f"anh-{photo.file_unique_id}.jpg",
            "mime": "image/jpeg",
        }
        return entry, limits.file_problem(None, photo.file_size)
    if message.document is not None:
        doc = message.document
        entry = {"id": doc.file_id, "name": doc.file_name or "tep", "mime": doc.mime_type}
        return entry, limits.file_problem(doc.file_name or "", doc.file_size)
    return None, None


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document sent as evidence (or as an addition)."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_FILES, WAIT_ADD):
        return False
    _ = visit._
    entry, problem = _media(message)
    if entry is None:
        return False
    draft = dict(waiting.data)
    files = list(draft.get("files", []))
    if problem is None and len(files) >= MAX_FILES:
        problem = N_("At most {limit} files per request.")
    if problem is not None:
        await message.reply_text(
            limits.fill(problem, _(problem)).replace("{limit}", str(MAX_FILES))
        )
        return True
    files.append(entry)
    await _expect(visit, waiting.kind, draft | {"files": files})
    markup = (
        _done_button(_)
        if waiting.kind == WAIT_FILES
        else review.add_done_button(_, int(draft["request"]))
    )
    await message.reply_text(
        _("Evidence {number} received: {name}. Send more, or press the button below.").format(
            number=len(files), name=html.escape(entry["name"])
        ),
        reply_markup=markup,
        parse_mode=HTML,
    )
    return True


async def _on_done(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    _ = visit._
    draft = await _draft(visit, WAIT_FILES)
    if draft is None:
        await alert(query, _(STALE_FORM))
        return
    if not draft.get("files"):
        await alert(query, corrections.Refused(corrections.NO_EVIDENCE).message(_))
        return
    student, klass, item = await _target_of(visit, draft)
    await _expect(visit, WAIT_READY, draft)
    period = Period(draft["period"])
    book = await assessment.pupil_results(visit.session, student.id, _year(context, visit), period)
    old = book.get(item)
    lines = [
        "<b>" + _("Correction request — please check before sending") + "</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(student.full_name), class_name=html.escape(klass.name)
        ),
        _("Period: {period}").format(period=assessment.period_name(period, _)),
        _("Item: {item}").format(item=item.name(_)),
        _("Change: {old} → {new}").format(
            old=assessment.value_text(item, old.value if old else None, _),
            new=assessment.value_text(item, str(draft["value"]), _),
        ),
        _("Reason: {reason} — {text}").format(
            reason=_(REASON_NAMES[CorrectionReason(draft["reason"])]),
            text=html.escape(str(draft["text"])),
        ),
        _("Evidence: {count} file(s)").format(count=len(draft["files"])),
    ]
    buttons = [(_("Send the request"), pack(FEATURE, "send")), (_("Cancel"), pack(FEATURE, "x"))]
    await query.edit_message_text(
        "\n".join(lines), reply_markup=keyboards.choices(buttons), parse_mode=HTML
    )


async def _on_send(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    _ = visit._
    draft = await _draft(visit, WAIT_READY)
    if draft is None:
        await alert(query, _(STALE_FORM))
        return
    await pending.clear(visit.session, visit.account.id)
    try:
        item = Item.from_key(str(draft["item"]))
        if item is None or visit.account.staff_id is None:
            raise Refused(corrections.NOT_YOURS)
        evidence = await review.download(context, draft.get("files", []))
        request = await corrections.submit(
            visit.session,
            visit.actor,
            staff_id=visit.account.staff_id,
            student_id=int(draft["student"]),
            school_year=_year(context, visit),
            period=Period(draft["period"]),
            item=item,
            new_text=str(draft["value"]),
            reason=CorrectionReason(draft["reason"]),
            reason_text=str(draft["text"]),
            evidence=evidence,
            now=visit.now,
            today=context.today(visit.now),
            calendar=await _calendar(visit, context),
            who=visit.who,
        )
    except Refused as refused:
        await query.edit_message_text(refused.message(_) + "\n" + _("Nothing was sent."))
        return
    except RuleError as error:
        await query.edit_message_text(error.message(_) + "\n" + _("Nothing was sent."))
        return
    sent = await review.send_to_deciders(visit, context, request)
    text = _("Request no. {number} was sent to the principal; you will be told the decision here.")
    if not sent:
        text += "\n" + _(
            "No school leader has joined the contact book yet: please tell them directly."
        )
    await query.edit_message_text(text.format(number=request.id))


async def _on_cancel(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    if await _draft(visit, *DRAFTS) is not None:
        await pending.clear(visit.session, visit.account.id)
    await query.edit_message_text(
        visit._("The correction request was cancelled; nothing was sent.")
    )


# The addition the leader asked for -------------------------------------------------------------


async def _on_add(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
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
        await alert(query, review.state_text(stale.request, _))
        return
    await _expect(visit, WAIT_ADD, {"request": request_id, "text": "", "files": []})
    await context.bot.send_message(
        visit.account.chat_id,
        _("Please type the addition and/or send the files, then press “Send the addition”."),
        reply_markup=review.add_done_button(_, request_id),
    )


async def _on_add_done(
    query: CallbackQuery, visit: Visit, context: BotContext, p: Callback
) -> None:
    _ = visit._
    draft = await _draft(visit, WAIT_ADD)
    if draft is None or int(draft["request"]) != p.int_arg(0):
        await alert(query, _(STALE_FORM))
        return
    try:
        evidence = await review.download(context, draft.get("files", []))
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
        await alert(query, review.state_text(stale.request, _))
        return
    await pending.clear(visit.session, visit.account.id)
    await review.send_to_deciders(visit, context, request)
    await query.edit_message_text(
        _("The addition to request no. {number} was sent to the principal.").format(
            number=request.id
        )
    )


Action = Callable[[CallbackQuery, Visit, BotContext, Callback], Awaitable[None]]
_ACTIONS: dict[str, Action] = {
    "cls": _on_class,
    "pup": _on_pupil,
    "per": _on_period,
    "item": _on_item,
    "val": _on_value,
    "why": _on_reason,
    "done": _on_done,
    "send": _on_send,
    "x": _on_cancel,
    "add": _on_add,
    "addok": _on_add_done,
}


async def pressed(update: Update, context: BotContext) -> None:
    """Every button of correction requests: the teacher's here, the others' in review."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        action = _ACTIONS.get(press.action) or review.ACTIONS[press.action]
    except (BadCallback, KeyError):
        return
    async with context.visit(update) as visit:
        with contextlib.suppress(BadCallback):
            await action(query, visit, context, press)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer the correction flow waits for."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None:
        return False
    if waiting.kind in (*DRAFTS, WAIT_ADD):
        await _typed(message, visit, waiting.kind, dict(waiting.data))
        return True
    return await review.take_text(message, visit, context, waiting.kind, dict(waiting.data))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the commands and presses of corrections (both sides)."""
    return [
        CommandHandler("suadiem", command, filters=PRIVATE),
        *review.build_handlers(),
        on_press(FEATURE, pressed),
    ]
