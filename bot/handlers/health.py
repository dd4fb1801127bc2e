"""The school nurse in chat: check-up results by spreadsheet or one by one, weekly health notes,
school-wide health notices; and the "See details" button under a child's results."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import tempfile
from datetime import date
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import keyboards
from bot.callbacks import BadCallback, Callback, pack, parse
from bot.context import BotContext, Visit
from bot.handlers.presses import alert, on_press
from bot.i18n import N_, Translator
from bot.services import health, pending
from bot.services.calendar import load_calendar, week_label
from bot.services.health_sheet import HealthSheet, build_health_template, parse_health_sheet
from bot.services.imports import describe, stage_file, staged_file
from bot.services.weekly import Saved, class_pupils, save_comment
from storage.models import (
    CommentKind,
    RequestState,
    Role,
    School,
    SchoolClass,
    StagedImport,
    Student,
    StudentStatus,
)
from storage.queries import class_by_name, school_classes
from storage.roster.cells import CellError
from storage.roster.problems import FileRefused

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


def _today(visit: Visit, context: BotContext) -> date:
    return visit.now.astimezone(context.settings.zone).date()


def _wake(context: BotContext) -> None:
    if context.services.dispatcher is not None:
        context.services.dispatcher.wake()


async def _pupil(visit: Visit, student_id: int) -> Student | None:
    pupil = await visit.session.get(Student, student_id)
    if (
        pupil is None
        or pupil.school_id != visit.actor.school_id
        or pupil.status != StudentStatus.STUDYING
    ):
        return None
    return pupil


async def _class_of(visit: Visit, class_id: int) -> SchoolClass | None:
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
        elif press.action == "fcls":
            await _file_class(query, visit, press, context)
        elif press.action in ("fok", "fno"):
            await _file_answer(query, visit, record_id, press.action == "fok", context)


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


async def _class_action(
    query: CallbackQuery, visit: Visit, action: str, class_id: int, context: BotContext
) -> None:
    _ = visit._
    klass = await _class_of(visit, class_id)
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
    name = html.escape(pupil.full_name)
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
    today = _today(visit, context)
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
    today = _today(visit, context)
    (check,) = await health.assess_rows(
        visit.session, visit.actor, pupil.class_id, [entry.row(pupil.student_code)], today
    )
    klass = await _class_of(visit, pupil.class_id)
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
        reply_markup=_confirm(_, "eok", "eno", pupil.id),
    )


def _confirm(_: Translator, yes: str, no: str, *args: object) -> InlineKeyboardMarkup:
    return keyboards.inline(
        [[(_("Confirm"), pack("hlth", yes, *args)), (_("Cancel"), pack("hlth", no, *args))]]
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
        _today(visit, context),
        visit.who,
    )
    outcome = await health.notify(
        visit.session, visit.actor.school_id, checks, visit.account.id, visit.now
    )
    await visit.save()
    _wake(context)
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
    _wake(context)
    await query.edit_message_text(
        _.ngettext(
            "The health notice is being sent to {count} family. The delivery report will "
            "follow here.",
            "The health notice is being sent to {count} families. The delivery report will "
            "follow here.",
            families,
        ).format(count=families)
    )


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: Path, file_name: str, file_id: str
) -> bool:
    """Take a health results sheet from the nurse (checked, staged, confirmed); False if not one."""
    if not visit.actor.has(Role.MEDICAL):
        return False
    try:
        named = await asyncio.to_thread(health.sheet_class, path)
    except FileRefused:
        return False
    if named is None:
        return False
    _ = visit._
    staged = stage_file(
        visit.session, visit.actor.school_id, visit.account.id, "health", file_id, file_name
    )
    await visit.session.flush()
    klass = await class_by_name(visit.session, visit.actor.school_id, named) if named else None
    if klass is None:
        classes = await school_classes(visit.session, visit.actor.school_id)
        buttons = [(name, pack("hlth", "fcls", staged.id, cid)) for cid, name in classes]
        await message.reply_text(
            _("Which class are these results for?"),
            reply_markup=keyboards.choices(buttons, per_row=4),
        )
        return True
    await _review(message, visit, context, staged, klass, path)
    return True


async def _read(visit: Visit, klass: SchoolClass, path: Path) -> HealthSheet:
    pupils = {code: name for _i, code, name in await class_pupils(visit.session, klass.id)}
    try:
        return await asyncio.to_thread(parse_health_sheet, path, pupils)
    except FileRefused as exc:
        return HealthSheet(problems=[exc.problem])


async def _review(
    message: Message,
    visit: Visit,
    context: BotContext,
    staged: StagedImport,
    klass: SchoolClass,
    path: Path,
) -> None:
    """Check the sheet against the class; show the problems, or a summary to confirm."""
    _ = visit._
    sheet = await _read(visit, klass, path)
    if sheet.problems or not sheet.rows:
        staged.state = RequestState.CANCELLED
        await visit.save()
        if not sheet.problems:
            await message.reply_text(_("The file has no results to save."))
            return
        lines = [_("Nothing can be imported yet: please fix these rows and send the file again.")]
        lines += [
            _("Row {row}, column {column}: {reason}").format(**describe(p, _))
            if p.row
            else str(describe(p, _)["reason"])
            for p in sheet.problems[:MAX_PROBLEMS]
        ]
        await message.reply_text("\n".join(lines))
        return
    checks = await health.assess_rows(
        visit.session, visit.actor, klass.id, sheet.rows, _today(visit, context)
    )
    staged.kind = f"health:{klass.id}"
    await visit.save()
    counted = health.categories(checks)
    lines = [
        _.ngettext(
            "Class {name}: results for {count} pupil.",
            "Class {name}: results for {count} pupils.",
            len(checks),
        ).format(name=klass.name, count=len(checks))
    ]
    lines += [
        _("{label}: {count}").format(label=_(label), count=counted[key])
        for key, label in CATEGORY_LABELS.items()
        if counted[key]
    ]
    lines += ["", _("Save the results and send each family their child's results?")]
    await message.reply_text("\n".join(lines), reply_markup=_confirm(_, "fok", "fno", staged.id))


async def _download(context: BotContext, file_id: str, folder: str, name: str) -> Path:
    path = Path(folder) / ("upload" + Path(name).suffix.lower())
    telegram_file = await context.bot.get_file(file_id)
    await telegram_file.download_to_drive(path)
    return path


async def _file_class(
    query: CallbackQuery, visit: Visit, press: Callback, context: BotContext
) -> None:
    """The nurse said which class a sheet without one in its title is for."""
    _ = visit._
    assert isinstance(query.message, Message)
    try:
        staged_id, class_id = press.int_arg(0), press.int_arg(1)
    except BadCallback:
        return
    staged = await staged_file(visit.session, staged_id, visit.account.id)
    klass = await _class_of(visit, class_id)
    if staged is None or klass is None or staged.kind != "health":
        await alert(query, _(NOT_FOR_YOU))
        return
    if staged.state != RequestState.PENDING:
        await query.edit_message_text(_("This file was already handled."))
        return
    await query.edit_message_text(_("Class {name}").format(name=klass.name))
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = await _download(context, staged.file_id, folder, staged.file_name)
        await _review(query.message, visit, context, staged, klass, path)


async def _file_answer(
    query: CallbackQuery, visit: Visit, staged_id: int, confirmed: bool, context: BotContext
) -> None:
    _ = visit._
    staged = await staged_file(visit.session, staged_id, visit.account.id)
    if staged is None or not staged.kind.startswith("health:"):
        await alert(query, _(NOT_FOR_YOU))
        return
    if staged.state != RequestState.PENDING:
        await query.edit_message_text(_("This file was already handled."))
        return
    if not confirmed:
        staged.state = RequestState.CANCELLED
        await visit.save()
        await query.edit_message_text(_("Import cancelled. Nothing was saved."))
        return
    klass = await _class_of(visit, int(staged.kind.split(":")[1]))
    assert klass is not None
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = await _download(context, staged.file_id, folder, staged.file_name)
        sheet = await _read(visit, klass, path)
    if sheet.problems or not sheet.rows:
        await query.edit_message_text(_("The file could not be imported; please send it again."))
        return
    checks = await health.record_checks(
        visit.session, visit.actor, klass.id, sheet.rows, _today(visit, context), visit.who
    )
    outcome = await health.notify(
        visit.session, visit.actor.school_id, checks, visit.account.id, visit.now
    )
    staged.state = RequestState.DONE
    names = {check.student_id: check for check in checks}
    unlinked = [
        name
        for pupil, _code, name in await class_pupils(visit.session, klass.id)
        if pupil in names and pupil in outcome.not_linked
    ]
    await visit.save()
    _wake(context)
    lines = [
        _.ngettext(
            "Saved the results of {count} pupil of class {name}.",
            "Saved the results of {count} pupils of class {name}.",
            len(checks),
        ).format(count=len(checks), name=klass.name),
        _.ngettext(
            "The family of {count} pupil will get the child's results.",
            "The families of {count} pupils will get their child's results.",
            len(outcome.notices),
        ).format(count=len(outcome.notices)),
    ]
    if unlinked:
        lines.append(
            _("No parent has linked an account yet for: {names}").format(names=", ".join(unlinked))
        )
    await query.edit_message_text("\n".join(lines))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's commands and buttons (texts and files come through the caller)."""
    return [
        CommandHandler("suckhoe", health_command, filters=PRIVATE),
        CommandHandler("canhbao", alert_command, filters=PRIVATE),
        on_press("hlth", health_pressed),
    ]
