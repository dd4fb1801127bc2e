"""The nurse's class spreadsheet of check-up results: checked, staged, confirmed, notified.

The upload router (bot/core/inputs.py) offers the nurse's files to `try_file`; "Xác nhận"
stores the results and sends each child's guardians their own screening notice.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from telegram import CallbackQuery, Message, Update

from bot.core import keyboards
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.presses import alert
from bot.core.problems import describe
from bot.delivery.replies import edit_long, reply_long
from bot.features.administration.imports import stage_file, staged_file
from bot.features.health import queries as health
from bot.features.health.chat.records import (
    CATEGORY_LABELS,
    MAX_PROBLEMS,
    NOT_FOR_YOU,
    class_of,
    confirm_buttons,
)
from bot.features.health.documents import HealthSheet, parse_health_sheet
from bot.features.weekly.queries import class_pupils
from storage.models import RequestState, Role, SchoolClass, StagedImport
from storage.queries import class_by_name, school_classes
from storage.roster.problems import FileRefused

FEATURE = "hlf"


async def file_pressed(update: Update, context: BotContext) -> None:
    """The buttons of a staged results file: which class, then confirm or cancel."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
        record_id = press.int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        if not visit.actor.has(Role.MEDICAL):
            await alert(query, visit._(NOT_FOR_YOU))
        elif press.action == "cls":
            await _file_class(query, visit, press, context)
        elif press.action in ("ok", "no"):
            await _file_answer(query, visit, record_id, press.action == "ok", context)


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
        buttons = [(name, pack(FEATURE, "cls", staged.id, cid)) for cid, name in classes]
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
        await reply_long(message, "\n".join(lines))
        return
    checks = await health.assess_rows(
        visit.session, visit.actor, klass.id, sheet.rows, context.today(visit.now)
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
    await message.reply_text(
        "\n".join(lines), reply_markup=confirm_buttons(_, "ok", "no", staged.id, feature=FEATURE)
    )


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
    klass = await class_of(visit, class_id)
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
    klass = await class_of(visit, int(staged.kind.split(":")[1]))
    assert klass is not None
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = await _download(context, staged.file_id, folder, staged.file_name)
        sheet = await _read(visit, klass, path)
    if sheet.problems or not sheet.rows:
        await query.edit_message_text(_("The file could not be imported; please send it again."))
        return
    checks = await health.record_checks(
        visit.session, visit.actor, klass.id, sheet.rows, context.today(visit.now), visit.who
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
    context.wake_sender()
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
    await edit_long(query, "\n".join(lines))
