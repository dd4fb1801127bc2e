"""Lists sent in chat by the administrator: a roster or staff file is checked, shown as a
dry run, and imported once confirmed.

Nothing is downloaded while a transaction is open: a first visit checks the sender and the
file's name and size, the file is fetched and checked outside any visit, then a second visit
runs the dry run and stages the file. "Confirm" works the same way: its visit checks the
press, the file is fetched again after it, and a last visit imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_, Translator
from bot.core.problems import describe
from bot.features.administration import queries as admin
from bot.features.administration import rules
from bot.features.administration.buttons import CancelImport, ConfirmImport
from bot.features.administration.chat.accounts import admin_only
from bot.features.administration.imports import ImportOutcome, detect_kind
from bot.features.administration.queries import StagedFile
from bot.features.administration.rules import Staged
from storage import files
from storage.models import RequestState
from storage.roster.problems import FileRefused

PRIVATE = filters.ChatType.PRIVATE
MAX_PROBLEMS = 20
SUMMARY_LABELS = {
    "classes": N_("Classes"),
    "students": N_("Pupils"),
    "guardians": N_("Guardians"),
    "staff": N_("Staff"),
}
IMPORTED = N_("This file was already imported at {time} on {date}; nothing was changed.")
CANCELLED = N_(
    "This import was cancelled at {time} on {date}; nothing was imported. Send the file again "
    "to import it."
)
HANDLED = N_("This file was already handled.")  # handled before its moment was kept
Checked = tuple[str | None, FileRefused | None]  # the file's kind, or why it was refused


async def import_help(update: Update, context: BotContext) -> None:
    """Explain how to import lists by sending the file."""
    async with context.visit(update) as visit:
        if admin_only(visit):
            text = visit._(
                "Send the class roster or the staff list here as an .xlsx or .csv file, as "
                "exported. I will check it and show what will change before anything is saved."
            )
            visit.reply(text, as_html=False)


async def file_sent(update: Update, context: BotContext) -> None:
    """Check a roster or staff file sent by the administrator and ask to confirm the import."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "file"
    async with context.visit(update) as visit:
        refusal = rules.file_refusal(visit.actor, name, document.file_size or 0)
        if refusal is not None:
            visit.reply(visit._(refusal), as_html=False)
    if refusal is not None:
        return
    async with (
        fetched(context, document.file_id, name) as (path, checked),
        context.visit(update) as visit,
    ):
        await _offer(visit, context, path, checked, document.file_id, name)


@contextlib.asynccontextmanager
async def fetched(
    context: BotContext, file_id: str, name: str
) -> AsyncIterator[tuple[Path, Checked]]:
    """Download a file to a temporary folder (outside any visit), check it is safe to open
    and tell a roster from a staff list; the folder goes when the block ends."""
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        checked: Checked
        try:
            await asyncio.to_thread(files.check_upload, path)
            checked = (await asyncio.to_thread(detect_kind, path), None)
        except FileRefused as refused:
            checked = (None, refused)
        yield path, checked


async def _offer(
    visit: Visit, context: BotContext, path: Path, checked: Checked, file_id: str, name: str
) -> None:
    """Run the dry run; show the problems, or what would change with "Confirm" / "Cancel"."""
    _ = visit._
    kind, refused = checked
    if not rules.is_admin(visit.actor):  # the roles changed while the file came
        visit.reply(_(rules.ONLY_ADMIN_IMPORTS), as_html=False)
        return
    if refused is not None:
        visit.reply(str(describe(refused.problem, _)["reason"]), as_html=False)
        return
    if kind is None:
        visit.reply(_("This file is neither a class roster nor a staff list."), as_html=False)
        return
    outcome = await admin.check_file(
        visit.session,
        visit.actor,
        kind,
        path,
        today=context.today(visit.now),
        who=visit.who,
        dry_run=True,
        now=visit.now,
    )
    if outcome.refused:
        visit.reply(_problems(outcome, _))
        return
    staged = await admin.stage(visit.session, visit.actor, kind, file_id, name)
    markup = keyboards.inline(
        [
            [
                (_("Confirm"), ConfirmImport(staged.id).data()),
                (_("Cancel"), CancelImport(staged.id).data()),
            ]
        ]
    )
    visit.reply(_summary(outcome, _) + "\n" + html.escape(_("Import this file?")), markup)


def _problems(outcome: ImportOutcome, _: Translator) -> str:
    """The rows to fix, at most MAX_PROBLEMS of them (HTML)."""
    lines = [_("Nothing can be imported yet: please fix these rows and send the file again.")]
    lines += [
        _("Row {row}, column {column}: {reason}").format(**describe(problem, _))
        if problem.row
        else str(describe(problem, _)["reason"])
        for problem in outcome.problems[:MAX_PROBLEMS]
    ]
    return "\n".join(html.escape(line) for line in lines)


def _summary(outcome: ImportOutcome, _: Translator) -> str:
    """What an import changes, by kind of record (HTML)."""
    lines = [
        _("{label}: {new} new, {updated} updated, {unchanged} unchanged").format(
            label=_(SUMMARY_LABELS[name]), **counts
        )
        for name, counts in outcome.summary.items()
    ]
    if outcome.leaving:
        lines.append(
            _("Not on the new list, so they lose their roles and classes: {names}").format(
                names=", ".join(outcome.leaving)
            )
        )
    return "\n".join(html.escape(line) for line in lines)


def _refuse_staged(visit: Visit, context: BotContext, staged: StagedFile) -> bool:
    """Answer a press on a staged file that is not open (True when refused): not the
    presser's, or already imported or cancelled (said with when; nothing changes)."""
    if staged.state is Staged.NOT_YOURS:
        visit.alert(visit._("This button is not for you."))
    elif staged.state is Staged.HANDLED:
        visit.edit(html.escape(handled(staged, visit._, context.settings.zone)))
    return staged.state is not Staged.OPEN


def handled(staged: StagedFile, _: Translator, zone: ZoneInfo) -> str:
    """What became of a staged file, and when (plain text)."""
    if staged.handled_at is None:  # handled before the moment was kept (migration 0019)
        return _(HANDLED)
    local = staged.handled_at.astimezone(zone)
    told = IMPORTED if staged.outcome == RequestState.DONE else CANCELLED
    return _(told).format(time=f"{local:%H:%M}", date=short(local.date()))


async def cancel_pressed(press: CancelImport, visit: Visit, context: BotContext) -> None:
    """Cancel the import; nothing is saved. Pressed after "Xác nhận" (or twice), it says the
    file was already imported (or cancelled), and when."""
    staged = await admin.cancel_staged(visit.session, visit.actor, press.staged_id, visit.now)
    if not _refuse_staged(visit, context, staged):
        visit.edit(html.escape(visit._("Import cancelled. Nothing was saved.")))


async def confirm_pressed(press: ConfirmImport, visit: Visit, context: BotContext) -> None:
    """Check the press, then fetch the file and import it after this visit; pressed after
    "Hủy", it says the import was cancelled and imports nothing."""
    staged = await admin.staged_for(visit.session, visit.actor, press.staged_id)
    if _refuse_staged(visit, context, staged):
        return
    update = visit.update
    visit.later(lambda: _import(update, context, press.staged_id, staged.file_id, staged.file_name))


async def _import(
    update: Update, context: BotContext, staged_id: int, file_id: str, name: str
) -> None:
    """Fetch the confirmed file and import it in its own visit (once, whoever presses)."""
    async with (
        fetched(context, file_id, name) as (path, (kind, refused)),
        context.visit(update) as visit,
    ):
        staged, outcome = StagedFile(Staged.OPEN), None
        if refused is None and kind is not None:
            staged, outcome = await admin.import_staged(
                visit.session,
                visit.actor,
                staged_id,
                path,
                today=context.today(visit.now),
                who=visit.who,
                now=visit.now,
            )
        visit.edit(_imported(staged, outcome, visit._, context.settings.zone))


def _imported(
    staged: StagedFile, outcome: ImportOutcome | None, _: Translator, zone: ZoneInfo
) -> str:
    """What became of a confirmed import (HTML)."""
    if staged.state is Staged.NOT_YOURS:  # the roles changed while the file came
        return html.escape(_("This button is not for you."))
    if staged.state is Staged.HANDLED:  # pressed twice: the other press imported it
        return html.escape(handled(staged, _, zone))
    if outcome is None or outcome.refused:
        return html.escape(_("The file could not be imported; please send it again."))
    return html.escape(_("Imported.")) + "\n" + _summary(outcome, _)


def file_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A roster or staff list sent in chat by the administrator."""
    return [MessageHandler(PRIVATE & filters.Document.ALL, file_sent)]
