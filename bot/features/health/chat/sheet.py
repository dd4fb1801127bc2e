"""The nurse's class spreadsheet of check-up results: checked, staged, confirmed, notified.

The upload router (bot/core/inputs.py) offers the nurse's files to `try_file`; "Xác nhận"
stores the results and sends each child's guardians their own screening notice. The staged file
is downloaded again after a press: after the press's visit has committed, then read in a visit
of its own, so nothing waits on Telegram with a transaction open.
"""

from __future__ import annotations

import asyncio
import html
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import Message

from bot.core import keyboards, split
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.core.problems import describe
from bot.features.health import queries as health
from bot.features.health import staged as sheets
from bot.features.health.buttons import DropSheet, SaveSheet, SheetClass
from bot.features.health.documents import HealthSheet, parse_health_sheet, sheet_class
from bot.features.health.notices import category_lines
from bot.features.health.rules import NOT_FOR_YOU, may_record
from bot.features.weekly.queries import class_pupils
from storage.models import RequestState, SchoolClass, StagedImport
from storage.queries import class_by_name, school_classes
from storage.roster.problems import FileRefused

MAX_PROBLEMS = 20
SAVED = N_("The results of this file were already saved at {time} on {date}; nothing was changed.")
CANCELLED = N_(
    "This import was cancelled at {time} on {date}; nothing was imported. Send the file again "
    "to import it."
)
REFUSED = N_(
    "Nothing was saved from this file: it could not be imported as it was (see the answer "
    "above). Send the corrected file again."
)
HANDLED = N_("This file was already handled.")  # handled before its moment was kept
Step = Callable[[Visit, Path], Awaitable[None]]


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: Path, file_name: str, file_id: str
) -> bool:
    """Take a health results sheet from the nurse (checked, staged, confirmed); False if not one."""
    if not may_record(visit.actor):
        return False
    try:
        named = await asyncio.to_thread(sheet_class, path)
    except FileRefused:
        return False
    if named is None:
        return False
    _ = visit._
    staged = await sheets.stage_sheet(visit.session, visit.actor, file_id, file_name)
    klass = await class_by_name(visit.session, visit.actor.school_id, named) if named else None
    if klass is None:
        classes = await school_classes(visit.session, visit.actor.school_id)
        buttons = [(name, SheetClass(staged.id, cid).data()) for cid, name in classes]
        markup = keyboards.choices(buttons, per_row=4)
        visit.reply(_("Which class are these results for?"), markup, as_html=False)
        return True
    await _review(visit, context, staged, klass, path)
    return True


async def _read(visit: Visit, klass: SchoolClass, path: Path) -> HealthSheet:
    pupils = {code: name for _i, code, name in await class_pupils(visit.session, klass.id)}
    try:
        return await asyncio.to_thread(parse_health_sheet, path, pupils)
    except FileRefused as exc:
        return HealthSheet(problems=[exc.problem])


async def _review(
    visit: Visit, context: BotContext, staged: StagedImport, klass: SchoolClass, path: Path
) -> None:
    """Check the sheet against the class; show the problems, or a summary to confirm."""
    _ = visit._
    sheet = await _read(visit, klass, path)
    if sheet.problems or not sheet.rows:
        sheets.drop_sheet(staged, visit.now)
        if not sheet.problems:
            visit.reply(_("The file has no results to save."), as_html=False)
            return
        lines = [_("Nothing can be imported yet: please fix these rows and send the file again.")]
        lines += [
            _("Row {row}, column {column}: {reason}").format(**describe(p, _))
            if p.row
            else str(describe(p, _)["reason"])
            for p in sheet.problems[:MAX_PROBLEMS]
        ]
        visit.reply("\n".join(lines), as_html=False)
        return
    checks = await health.assess_rows(
        visit.session, visit.actor, klass.id, sheet.rows, context.today(visit.now)
    )
    sheets.sheet_checked(staged, klass.id)
    lines = [
        _.ngettext(
            "Class {name}: results for {count} pupil.",
            "Class {name}: results for {count} pupils.",
            len(checks),
        ).format(name=klass.name, count=len(checks))
    ]
    lines += category_lines(checks, _)
    lines += ["", _("Save the results and send each family their child's results?")]
    markup = keyboards.inline(
        [[(_("Confirm"), SaveSheet(staged.id).data()), (_("Cancel"), DropSheet(staged.id).data())]]
    )
    visit.reply("\n".join(lines), markup, as_html=False)


def after_download(
    visit: Visit, context: BotContext, file_id: str, file_name: str, step: Step
) -> None:
    """Once this visit has committed, download the staged file, then run `step` on it in a
    visit of its own (no transaction is open during the download)."""
    update = visit.update

    async def run() -> None:
        with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
            path = Path(folder) / ("upload" + Path(file_name).suffix.lower())
            telegram_file = await context.bot.get_file(file_id)
            await telegram_file.download_to_drive(path)
            async with context.visit(update) as again:
                await step(again, path)

    visit.later(run)


async def sheet_class_chosen(press: SheetClass, visit: Visit, context: BotContext) -> None:
    """The nurse said which class a sheet without one in its title is for."""
    _ = visit._
    staged = await sheets.staged_sheet(
        visit.session, visit.actor, press.staged_id, class_known=False
    )
    klass = await health.nurse_class(visit.session, visit.actor, press.class_id)
    if staged is None or klass is None:
        visit.alert(_(NOT_FOR_YOU))
        return
    if staged.state != RequestState.PENDING:
        visit.edit(html.escape(handled(staged, visit, context)))
        return
    visit.edit(html.escape(_("Class {name}").format(name=klass.name)))

    async def review(again: Visit, path: Path) -> None:
        staged = await sheets.staged_sheet(
            again.session, again.actor, press.staged_id, class_known=False
        )
        klass = await health.nurse_class(again.session, again.actor, press.class_id)
        if staged is None or klass is None:
            again.reply(again._(NOT_FOR_YOU), as_html=False)
            return
        if staged.state != RequestState.PENDING:
            again.reply(handled(staged, again, context), as_html=False)
            return
        await _review(again, context, staged, klass, path)

    after_download(visit, context, staged.file_id, staged.file_name, review)


async def drop_sheet(press: DropSheet, visit: Visit, context: BotContext) -> None:
    """ "Hủy": the staged file is not imported. Pressed after "Xác nhận" (or twice), it says
    the results were already saved (or the file cancelled), and when; nothing changes."""
    _ = visit._
    staged = await _checked_sheet(visit, context, press.staged_id)
    if staged is not None:
        sheets.drop_sheet(staged, visit.now)
        visit.edit(html.escape(_("Import cancelled. Nothing was saved.")))


async def save_sheet(press: SaveSheet, visit: Visit, context: BotContext) -> None:
    """ "Xác nhận": read the staged file again and store its results (in the next visit);
    pressed after "Hủy" (or twice), it says what became of the file and stores nothing."""
    staged = await _checked_sheet(visit, context, press.staged_id)
    if staged is None:
        return

    async def save(again: Visit, path: Path) -> None:
        await _save(again, context, press.staged_id, path)

    after_download(visit, context, staged.file_id, staged.file_name, save)


async def _checked_sheet(visit: Visit, context: BotContext, staged_id: int) -> StagedImport | None:
    """The nurse's checked sheet still waiting for an answer; else the press is answered."""
    staged = await sheets.staged_sheet(visit.session, visit.actor, staged_id, class_known=True)
    if staged is None:
        visit.alert(visit._(NOT_FOR_YOU))
        return None
    if staged.state != RequestState.PENDING:
        visit.edit(html.escape(handled(staged, visit, context)))
        return None
    return staged


def handled(staged: StagedImport, visit: Visit, context: BotContext) -> str:
    """What became of a staged sheet that no longer waits, and when (plain text): its results
    saved, the nurse's "Hủy", or refused for what it held."""
    _ = visit._
    if staged.state == RequestState.CANCELLED and not sheets.checked_class(staged):
        return _(REFUSED)
    if staged.handled_at is None:
        return _(HANDLED)
    local = staged.handled_at.astimezone(context.settings.zone)
    told = SAVED if staged.state == RequestState.DONE else CANCELLED
    return _(told).format(time=f"{local:%H:%M}", date=short(local.date()))


async def _save(visit: Visit, context: BotContext, staged_id: int, path: Path) -> None:
    _ = visit._
    staged = await sheets.staged_sheet(visit.session, visit.actor, staged_id, class_known=True)
    if staged is None:
        visit.edit(html.escape(_(NOT_FOR_YOU)))
        return
    if staged.state != RequestState.PENDING:  # pressed twice: the other press saved it
        visit.edit(html.escape(handled(staged, visit, context)))
        return
    klass = await health.nurse_class(visit.session, visit.actor, sheets.sheet_class_id(staged))
    sheet = None if klass is None else await _read(visit, klass, path)
    if klass is None or sheet is None or sheet.problems or not sheet.rows:
        visit.edit(html.escape(_("The file could not be imported; please send it again.")))
        return
    today = context.today(visit.now)
    recorded = await sheets.record_sheet(
        visit.session, visit.actor, staged, sheet.rows, today, visit.now
    )
    visit.wake_sender()
    lines = [
        _.ngettext(
            "Saved the results of {count} pupil of class {name}.",
            "Saved the results of {count} pupils of class {name}.",
            len(recorded.checks),
        ).format(count=len(recorded.checks), name=klass.name),
        _.ngettext(
            "The family of {count} pupil will get the child's results.",
            "The families of {count} pupils will get their child's results.",
            recorded.notified,
        ).format(count=recorded.notified),
    ]
    if recorded.not_linked:
        names = ", ".join(recorded.not_linked)
        lines.append(_("No parent has linked an account yet for: {names}").format(names=names))
    first, *rest = split.split_html(html.escape("\n".join(lines), quote=False))
    visit.edit(first)
    for piece in rest:
        visit.reply(piece)
