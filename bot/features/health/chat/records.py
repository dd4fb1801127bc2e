"""The school nurse in chat: check-up results by spreadsheet or one by one, weekly health notes,
school-wide health notices; and the "See details" button under a child's results."""

from __future__ import annotations

import asyncio
import dataclasses
import html
from datetime import date

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, pending
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.presses import alert
from bot.features.calendar.queries import load_calendar, week_label
from bot.features.health import queries as health
from bot.features.health.documents import build_health_template
from bot.features.weekly.queries import Saved, class_pupils, save_comment
from storage.models import (
    CommentKind,
    Role,
    School,
    SchoolClass,
    Student,
    StudentStatus,
)
from storage.queries import school_classes
from storage.roster.cells import CellError

PRIVATE = filters.ChatType.PRIVATE
ENTRY, ENTRY_OK, NOTE = "health_entry", "health_entry_ok", "health_note"
ALERT, ALERT_OK = "health_alert", "health_alert_ok"
KINDS = frozenset({ENTRY, ENTRY_OK, NOTE, ALERT, ALERT_OK})
EXAMPLE = "128; 26,5; 10/10; 8/10"
MAX_PROBLEMS = 20
NOT_FOR_YOU = N_("This button is not for you.")
EXPIRED = N_("This was already handled or has expired.")
CATEGORY_LABELS = {
    **{status.value: label for status, label in health.NUTRITION_LABELS.items()},
    "stunted": health.STUNTED,
    "eyesight": N_("Eyesight below 10/10"),
    "not_assessed": N_("Nutrition not assessed (birth date or gender missing)"),
}


async def _pupil(visit: Visit, student_id: int) -> Student | None:
    pupil = await visit.session.get(Student, student_id)
    if (
        pupil is None
        or pupil.school_id != visit.actor.school_id
        or pupil.status != StudentStatus.STUDYING
    ):
        return None
    return pupil


async def class_of(visit: Visit, class_id: int) -> SchoolClass | None:
    """The class, if it is of the person's school."""
    klass = await visit.session.get(SchoolClass, class_id)
    return klass if klass is not None and klass.school_id == visit.actor.school_id else None


async def health_command(update: Update, context: BotContext) -> None:
    """Let the nurse choose a class to work on."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.MEDICAL):
            await message.reply_text(_("This is for the school nurse."))
            return
        classes = await school_classes(visit.session, visit.actor.school_id)
        buttons = [(name, pack("hlth", "cls", class_id)) for class_id, name in classes]
        await message.reply_text(
            _("Which class?"), reply_markup=keyboards.choices(buttons, per_row=4)
        )


async def alert_command(update: Update, context: BotContext) -> None:
    """Ask the nurse or the principal for a health notice to every family of the school."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not health.may_alert(visit.actor):
            await message.reply_text(_("This is for the school nurse and the principal."))
            return
        await pending.expect(
            visit.session, visit.account.id, visit.actor.school_id, ALERT, {}, visit.now
        )
        await message.reply_text(
            _(
                "Write the health notice for every family of the school in one message "
                "(at most {limit} characters)."
            ).format(limit=health.ALERT_LIMIT)
        )


async def health_pressed(update: Update, context: BotContext) -> None:
    """Every "hlth" button; each press re-reads the record and re-checks the presser."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
        record_id = press.int_arg(0) if press.args else 0
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if press.action == "show":
            await _show(query, visit, record_id, context)
        elif press.action == "wn":
            await _show_note(query, visit, record_id, context)
        elif press.action in ("aok", "ano"):
            await _alert_answer(query, visit, press.action == "aok", context)
        elif not visit.actor.has(Role.MEDICAL):
            await alert(query, _(NOT_FOR_YOU))
        elif press.action in ("cls", "tpl", "one", "note"):
            await _class_action(query, visit, press.action, record_id, context)
        elif press.action in ("pe", "pn"):
            await _pupil_chosen(query, visit, press.action, record_id, context)
        elif press.action in ("eok", "eno"):
            await _entry_answer(query, visit, record_id, press.action == "eok", context)


async def _show(query: CallbackQuery, visit: Visit, check_id: int, context: BotContext) -> None:
    found = await health.check_for(visit.session, visit.actor, check_id)
    if found is None:
        await alert(query, visit._(NOT_FOR_YOU))
        return
    check, name, class_name = found
    await context.bot.send_message(
        visit.account.chat_id,
        health.details(check, name, class_name, visit._),
        parse_mode=ParseMode.HTML,
    )


async def _show_note(query: CallbackQuery, visit: Visit, note_id: int, context: BotContext) -> None:
    found = await health.note_for(visit.session, visit.actor, note_id)
    if found is None:
        await alert(query, visit._(NOT_FOR_YOU))
        return
    await context.bot.send_message(
        visit.account.chat_id, health.note_details(*found, visit._), parse_mode=ParseMode.HTML
    )


async def _class_action(
    query: CallbackQuery, visit: Visit, action: str, class_id: int, context: BotContext
) -> None:
    _ = visit._
    klass = await class_of(visit, class_id)
    if klass is None:
        await alert(query, _(NOT_FOR_YOU))
        return
    if action == "cls":
        await query.edit_message_text(
            _(
                "Class {name}: what would you like to do? You can also send the filled "
                "spreadsheet here."
            ).format(name=klass.name),
            reply_markup=keyboards.inline(
                [
                    [(_("Download the spreadsheet template"), pack("hlth", "tpl", klass.id))],
                    [(_("Enter results for one pupil"), pack("hlth", "one", klass.id))],
                    [(_("Weekly health note"), pack("hlth", "note", klass.id))],
                ]
            ),
        )
        return
    pupils = await class_pupils(visit.session, klass.id)
    if action == "tpl":
        await _send_template(query, visit, klass, [(code, name) for _i, code, name in pupils])
        return
    step = "pe" if action == "one" else "pn"
    buttons = [(name, pack("hlth", step, pupil)) for pupil, _code, name in pupils]
    await query.edit_message_text(
        _("Class {name}: which pupil?").format(name=klass.name),
        reply_markup=keyboards.choices(buttons, per_row=2),
    )


async def _send_template(
    query: CallbackQuery, visit: Visit, klass: SchoolClass, pupils: list[tuple[str, str]]
) -> None:
    _ = visit._
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None and isinstance(query.message, Message)
    data = await asyncio.to_thread(build_health_template, school.name, klass.name, pupils, _)
    await query.message.reply_document(
        data,
        filename=f"suc-khoe-{klass.name}.xlsx",
        caption=_(
            "Fill in the results of class {name} and send the file back here. Leave a row "
            "blank for a pupil who was not checked."
        ).format(name=klass.name),
    )


async def _pupil_chosen(
    query: CallbackQuery, visit: Visit, action: str, student_id: int, context: BotContext
) -> None:
    _ = visit._
    pupil = await _pupil(visit, student_id)
    if pupil is None:
        await alert(query, _(NOT_FOR_YOU))
        return
    name = pupil.full_name  # the prompts below are plain text
    if action == "pe":
        await pending.expect(
            visit.session,
            visit.account.id,
            visit.actor.school_id,
            ENTRY,
            {"student_id": pupil.id},
            visit.now,
        )
        await query.edit_message_text(
            _(
                "Write the results of {name} in one message:\n"
                "height; weight; left eye; right eye; teeth; spine; notes\n"
                "Only the height and the weight are required, for example: {example}"
            ).format(name=name, example=EXAMPLE)
        )
        return
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    today = context.today(visit.now)
    week = (await load_calendar(visit.session, school, today)).working_week(today)
    if week is None:
        await query.edit_message_text(_("The school calendar has no teaching week ahead."))
        return
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        NOTE,
        {"student_id": pupil.id, "week_start": week.start.isoformat()},
        visit.now,
    )
    await query.edit_message_text(
        _(
            "Write the health note for {name} ({week}) in one message. It will be in that "
            "week's notice to the family."
        ).format(name=name, week=week_label(week, _))
    )


async def pending_text(update: Update, context: BotContext) -> bool:
    """Take a plain text as the answer the nurse (or principal) was asked for; False if none."""
    message = update.effective_message
    if message is None or not message.text or message.text.startswith("/"):
        return False
    if update.effective_user is None or update.effective_chat is None:
        return False
    async with context.visit(update) as visit:
        return await take_text(message, visit, context)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """`pending_text` inside a router's own visit; False if no health answer is awaited."""
    if not message.text or message.text.startswith("/"):
        return False
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in KINDS:
        return False
    kind, data = waiting.kind, dict(waiting.data)
    if kind in (ENTRY, ENTRY_OK):
        await _entry_text(message, visit, data, context)
    elif kind == NOTE:
        await _note_text(message, visit, data)
    else:
        await _alert_text(message, visit)
    return True


async def _entry_text(
    message: Message, visit: Visit, data: dict[str, object], context: BotContext
) -> None:
    _ = visit._
    pupil = await _pupil(visit, int(str(data.get("student_id"))))
    if pupil is None or not visit.actor.has(Role.MEDICAL):
        await pending.clear(visit.session, visit.account.id)
        await message.reply_text(_("This is for the school nurse."))
        return
    try:
        entry = health.parse_entry(message.text or "")
    except CellError as exc:
        await message.reply_text(
            _(str(exc.args[0])) + "\n" + _("Nothing was saved. Please send the line again.")
        )
        return
    today = context.today(visit.now)
    (check,) = await health.assess_rows(
        visit.session, visit.actor, pupil.class_id, [entry.row(pupil.student_code)], today
    )
    klass = await class_of(visit, pupil.class_id)
    assert klass is not None
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        ENTRY_OK,
        {"student_id": pupil.id, "entry": dataclasses.asdict(entry)},
        visit.now,
    )
    await message.reply_text(
        health.details(check, pupil.full_name, klass.name, _)
        + "\n\n"
        + html.escape(_("Save and send to the parents?")),
        parse_mode=ParseMode.HTML,
        reply_markup=confirm_buttons(_, "eok", "eno", pupil.id),
    )


def confirm_buttons(
    _: Translator, yes: str, no: str, *args: object, feature: str = "hlth"
) -> InlineKeyboardMarkup:
    """ "Xác nhận" and "Hủy" for a feature's two actions on a record."""
    return keyboards.inline(
        [[(_("Confirm"), pack(feature, yes, *args)), (_("Cancel"), pack(feature, no, *args))]]
    )


async def _entry_answer(
    query: CallbackQuery, visit: Visit, student_id: int, confirmed: bool, context: BotContext
) -> None:
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != ENTRY_OK or waiting.data.get("student_id") != student_id:
        await query.edit_message_text(_(EXPIRED))
        return
    data = dict(waiting.data)
    await pending.clear(visit.session, visit.account.id)
    pupil = await _pupil(visit, student_id)
    if not confirmed or pupil is None:
        await visit.save()
        await query.edit_message_text(_("Cancelled. Nothing was saved."))
        return
    entry = health.HealthEntry(**data["entry"])
    checks = await health.record_checks(
        visit.session,
        visit.actor,
        pupil.class_id,
        [entry.row(pupil.student_code)],
        context.today(visit.now),
        visit.who,
    )
    outcome = await health.notify(
        visit.session, visit.actor.school_id, checks, visit.account.id, visit.now
    )
    await visit.save()
    context.wake_sender()
    if outcome.notices:
        text = _("Saved. The results were sent to the family of {name}.")
    else:
        text = _("Saved. No parent of {name} has linked an account yet, so nobody was notified.")
    await query.edit_message_text(text.format(name=pupil.full_name))


async def _note_text(message: Message, visit: Visit, data: dict[str, object]) -> None:
    _ = visit._
    student_id = int(str(data.get("student_id")))
    week_start = date.fromisoformat(str(data.get("week_start")))
    saved = await save_comment(
        visit.session,
        visit.actor,
        student_id,
        week_start,
        message.text or "",
        kind=CommentKind.HEALTH,
    )
    if saved in (Saved.EMPTY, Saved.TOO_LONG):
        await message.reply_text(
            _("The note is empty or too long (at most 1,000 characters). Please send it again.")
        )
        return
    await pending.clear(visit.session, visit.account.id)
    pupil = await visit.session.get(Student, student_id)
    name = pupil.full_name if pupil is not None else ""
    replies = {
        Saved.OK: _("Saved the health note for {name}."),
        Saved.ALREADY_SENT: _(
            "This week's notice for the class has already been sent; the note was not saved."
        ),
        Saved.NOT_ALLOWED: _("You cannot write a health note for this pupil."),
    }
    await message.reply_text(replies[saved].format(name=name))


async def _alert_text(message: Message, visit: Visit) -> None:
    _ = visit._
    text = message.text or ""
    if not health.may_alert(visit.actor):
        await pending.clear(visit.session, visit.account.id)
        await message.reply_text(_("This is for the school nurse and the principal."))
        return
    problem = health.alert_problem(text)
    if problem is not None:
        reason, params = problem
        await message.reply_text(_(reason).format(**params) + "\n" + _("Please send it again."))
        return
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        ALERT_OK,
        {"text": text},
        visit.now,
    )
    families = await health.school_families(visit.session, visit.actor.school_id)
    await message.reply_text(
        health.alert_html(text, _)
        + "\n\n"
        + html.escape(
            _.ngettext(
                "This notice will go to {count} family. Send it?",
                "This notice will go to {count} families. Send it?",
                families,
            ).format(count=families)
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.inline(
            [[(_("Send"), pack("hlth", "aok")), (_("Cancel"), pack("hlth", "ano"))]]
        ),
    )


async def _alert_answer(
    query: CallbackQuery, visit: Visit, confirmed: bool, context: BotContext
) -> None:
    _ = visit._
    if not health.may_alert(visit.actor):
        await alert(query, _(NOT_FOR_YOU))
        return
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != ALERT_OK:
        await query.edit_message_text(_(EXPIRED))
        return
    text = str(waiting.data.get("text", ""))
    await pending.clear(visit.session, visit.account.id)
    if not confirmed:
        await visit.save()
        await query.edit_message_text(_("Cancelled. Nothing was sent."))
        return
    families = await health.school_families(visit.session, visit.actor.school_id)
    notice = await health.school_alert(visit.session, visit.actor, text, visit.now)
    if notice is None:
        await query.edit_message_text(_(EXPIRED))
        return
    await visit.save()
    context.wake_sender()
    await query.edit_message_text(
        _.ngettext(
            "The health notice is being sent to {count} family. The delivery report will "
            "follow here.",
            "The health notice is being sent to {count} families. The delivery report will "
            "follow here.",
            families,
        ).format(count=families)
    )
