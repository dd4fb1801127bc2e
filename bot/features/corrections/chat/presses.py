"""Correction requests, the teacher's side (/suadiem): the class, the pupil, the period and the
item to correct; every "corr" button and typed answer of the flow is routed here, to the draft
(bot/features/corrections/chat/draft.py), the addition (correction_addition.py) or the leaders' side
(correction_review.py). Buttons carry the pupil, the period and the item's place in the period's
list, never rights: every step checks again from the records (bot/features/corrections/queries.py).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, limits, pending
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.presses import alert
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import (
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    SubjectLevel,
)
from bot.features.corrections import queries as corrections
from bot.features.corrections.chat import review
from bot.features.corrections.chat.addition import WAIT_ADD, on_add, on_add_done, take_addition_text
from bot.features.corrections.chat.card import FEATURE, add_done_button
from bot.features.corrections.chat.draft import (
    DRAFTS,
    WAIT_FILES,
    WAIT_VALUE,
    calendar_of,
    done_button,
    expect,
    on_cancel,
    on_done,
    on_reason,
    on_send,
    on_value,
    pupil_in_scope,
    take_draft_text,
    year_of,
)
from bot.features.corrections.queries import Refused
from bot.features.weekly import queries as weekly
from storage.models import AssessmentKind, SchoolClass
from storage.queries import class_name

PRIVATE = filters.ChatType.PRIVATE
MAX_FILES = 10
HTML = ParseMode.HTML
NOT_TEACHER = N_("Correction requests are filed by homeroom and subject teachers.")


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
    found = await pupil_in_scope(visit, p.int_arg(0))
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
    found = await pupil_in_scope(visit, p.int_arg(0))
    if found is None:
        await alert(query, visit._(corrections.NOT_YOURS))
        return
    student, klass = found
    period = _period(p, 1)
    _ = visit._
    book = await assessment.pupil_results(
        visit.session, student.id, year_of(context, visit), period
    )
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
    found = await pupil_in_scope(visit, p.int_arg(0))
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
            school_year=year_of(context, visit),
            period=period,
            item=item,
            today=context.today(visit.now),
            calendar=await calendar_of(visit, context),
        )
    except Refused as refused:
        await alert(query, refused.message(_))
        return
    draft = {
        "student": target.student.id,
        "period": period.value,
        "item": item.key,
        "year": target.school_year,
    }
    await expect(visit, WAIT_VALUE, draft)
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
    markup = _value_buttons(item, target.old_value, _)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


def _value_buttons(item: Item, recorded: str | None, _: Translator) -> InlineKeyboardMarkup | None:
    """The levels the item can be corrected to: every level but the one recorded."""
    if item.kind is AssessmentKind.LEVEL:
        levels = [(_(SUBJECT_LEVEL_NAMES[s]), s.value) for s in SubjectLevel]
    elif item.kind is AssessmentKind.QUALITY:
        levels = [(_(QUALITY_LEVEL_NAMES[q]), q.value) for q in QualityLevel]
    else:
        return None
    return keyboards.choices(
        [(label, pack(FEATURE, "val", code)) for label, code in levels if code != recorded], 1
    )


# Evidence, for the draft and for an addition -----------------------------------------------------


def _media(message: Message) -> tuple[dict[str, Any] | None, str | None]:
    """The file a message carries as a draft entry, or the reason it is refused."""
    entry: dict[str, Any]
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


async def _content_problem(context: BotContext, entry: dict[str, Any]) -> str | None:
    """Download the file now and refuse it if its bytes are not what its name says."""
    telegram_file = await context.bot.get_file(str(entry["id"]))
    data = bytes(await telegram_file.download_as_bytearray())
    return limits.content_problem(str(entry["name"]), data)


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
    if problem is None:
        problem = await _content_problem(context, entry)
    if problem is not None:
        await message.reply_text(
            limits.fill(problem, _(problem)).replace("{limit}", str(MAX_FILES))
        )
        return True
    files.append(entry)
    await expect(visit, waiting.kind, draft | {"files": files})
    markup = (
        done_button(_) if waiting.kind == WAIT_FILES else add_done_button(_, int(draft["request"]))
    )
    await message.reply_text(
        _("Evidence {number} received: {name}. Send more, or press the button below.").format(
            number=len(files), name=html.escape(entry["name"])
        ),
        reply_markup=markup,
        parse_mode=HTML,
    )
    return True


Action = Callable[[CallbackQuery, Visit, BotContext, Callback], Awaitable[None]]
_ACTIONS: dict[str, Action] = {
    "cls": _on_class,
    "pup": _on_pupil,
    "per": _on_period,
    "item": _on_item,
    "val": on_value,
    "why": on_reason,
    "done": on_done,
    "send": on_send,
    "x": on_cancel,
    "add": on_add,
    "addok": on_add_done,
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
    if waiting.kind in DRAFTS:
        await take_draft_text(message, visit, context, waiting.kind, dict(waiting.data))
        return True
    if waiting.kind == WAIT_ADD:
        await take_addition_text(message, visit, dict(waiting.data))
        return True
    return await review.take_text(message, visit, context, waiting.kind, dict(waiting.data))
