"""Staff tools in chat: lists sent as files, parents not yet linked, invitation slips,
data requests, and revoking an account."""

from __future__ import annotations

import asyncio
import html
import tempfile
from pathlib import Path

from telegram import CallbackQuery, Message, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core import keyboards
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_, Translator
from bot.core.presses import alert
from bot.delivery.replies import reply_long
from bot.features.accounts import invitations
from bot.features.accounts import queries as accounts
from bot.features.administration.imports import (
    ImportOutcome,
    describe,
    detect_kind,
    import_roster,
    import_staff,
    stage_file,
    staged_file,
)
from bot.features.data_rights import queries as data_rights
from storage.models import (
    RequestState,
    Role,
    School,
    SchoolClass,
    TelegramAccount,
)
from storage.phones import PhoneError, display_phone, normalize_phone
from storage.queries import (
    accounts_using_phone,
    class_name,
    school_classes,
    unlinked_families,
)

PRIVATE = filters.ChatType.PRIVATE
MAX_FILE_BYTES = 5 * 1024 * 1024
NBSP = "\u00a0"  # keeps "0912 345 678" on one line on a narrow phone
RELATIONS = {
    "father": N_("father"),
    "mother": N_("mother"),
    "guardian": N_("guardian"),
    "contact": N_("contact"),
}


async def _classes_for(visit: Visit) -> list[tuple[int, str]]:
    """Return the classes whose families this person handles (homeroom: theirs; admin: all)."""
    classes = await school_classes(visit.session, visit.actor.school_id)
    return [(i, n) for i, n in classes if visit.actor.can_manage_class_accounts(i)]


async def _pick_class(message: Message, visit: Visit, action: str) -> int | None:
    """Return the only class the person handles, or offer a choice of classes."""
    _ = visit._
    classes = await _classes_for(visit)
    if not classes:
        await message.reply_text(_("This is for homeroom teachers and the administrator."))
        return None
    if len(classes) == 1:
        return classes[0][0]
    buttons = [(name, pack("adm", action, class_id)) for class_id, name in classes]
    await message.reply_text(_("Which class?"), reply_markup=keyboards.choices(buttons, per_row=4))
    return None


async def _admin_only(message: Message, visit: Visit) -> bool:
    """Tell whether the person is the administrator; if not, say so."""
    if visit.actor.has(Role.ADMIN):
        return True
    await message.reply_text(visit._("This is for the system administrator."))
    return False


async def unlinked(update: Update, context: BotContext) -> None:
    """List a class's parents who have not linked an account yet."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        class_id = await _pick_class(message, visit, "unl")
        if class_id is not None:
            await _send_unlinked(message, visit, class_id)


async def _send_unlinked(message: Message, visit: Visit, class_id: int) -> None:
    _ = visit._
    name = await class_name(visit.session, class_id)
    total, families = await unlinked_families(visit.session, class_id)
    if not families:
        await message.reply_text(_("Every family of class {name} is linked.").format(name=name))
        return
    lines = [
        _("Class {name}: {count} of {total} families not linked yet").format(
            name=html.escape(name or ""), count=len(families), total=total
        )
    ]
    for pupil, guardians in families:
        contacts = "; ".join(
            f"{_(RELATIONS[relation])} {html.escape(guardian or '')} "
            f"{display_phone(phone).replace(' ', NBSP) if phone else ''}".strip()
            for relation, guardian, phone in guardians
        )
        lines.append(f"• <b>{html.escape(pupil)}</b>: {contacts or _('no parent on the lists')}")
    await reply_long(message, "\n".join(lines), as_html=True)


async def invitations_command(update: Update, context: BotContext) -> None:
    """Produce the class's printable invitation slips (one per child)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        class_id = await _pick_class(message, visit, "inv")
        if class_id is not None:
            await _send_slips(message, visit, class_id, context)


async def _send_slips(message: Message, visit: Visit, class_id: int, context: BotContext) -> None:
    _ = visit._
    slips = await invitations.class_slips(
        visit.session,
        visit.actor.school_id,
        class_id,
        visit.now,
        school_name=context.settings.school_name or context.settings.school,
        bot_username=context.bot.username,
        _=_,
        actor=visit.who,
    )
    if slips is None:
        await message.reply_text(_("This class has no pupils with a parent on the lists."))
        return
    await visit.save()
    await message.reply_document(
        slips.document,
        filename=slips.file_name,
        caption=_("{count} invitation slips for class {name}, valid until {date}.").format(
            count=slips.count, name=slips.class_name, date=short(slips.expires_on)
        ),
    )


async def data_requests(update: Update, context: BotContext) -> None:
    """List open data-deletion requests with their legal deadlines (administrator)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not await _admin_only(message, visit):
            return
        requests = await data_rights.open_requests(visit.session, visit.actor.school_id)
        if not requests:
            await message.reply_text(_("There are no open data requests."))
            return
        lines = [_("Open data requests:")]
        for request, guardian in requests:
            lines.append(
                _("Deletion for {name}, due {date}").format(
                    name=guardian or "?", date=short(request.due_on)
                )
            )
        await reply_long(message, "\n".join(lines))


async def import_help(update: Update, context: BotContext) -> None:
    """Explain how to import lists by sending the file."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not await _admin_only(message, visit):
            return
        await message.reply_text(
            _(
                "Send the class roster or the staff list here as an .xlsx or .csv file, as "
                "exported. I will check it and show what will change before anything is saved."
            )
        )


async def file_sent(update: Update, context: BotContext) -> None:
    """Check a roster or staff file sent by the administrator and ask to confirm the import."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.ADMIN):
            await message.reply_text(_("Only the system administrator can import lists."))
            return
        name = document.file_name or "file"
        if not name.lower().endswith((".xlsx", ".csv")):
            await message.reply_text(_("Only .xlsx and .csv files can be imported."))
            return
        if (document.file_size or 0) > MAX_FILE_BYTES:
            await message.reply_text(_("The file is larger than 5 MB."))
            return
        kind, outcome = await _check(context, visit, document.file_id, name, dry_run=True)
        if kind is None or outcome is None:
            await message.reply_text(_("This file is neither a class roster nor a staff list."))
            return
        if outcome.refused:
            lines = [
                _("Nothing can be imported yet: please fix these rows and send the file again.")
            ]
            lines += [
                _("Row {row}, column {column}: {reason}").format(**describe(p, _))
                if p.row
                else str(describe(p, _)["reason"])
                for p in outcome.problems[:20]
            ]
            await reply_long(message, "\n".join(lines))
            return
        staged = stage_file(
            visit.session,
            visit.actor.school_id,
            visit.account.id,
            kind,
            document.file_id,
            name,
        )
        await visit.save()
        await message.reply_text(
            _summary(outcome, _) + "\n" + _("Import this file?"),
            reply_markup=keyboards.inline(
                [
                    [
                        (_("Confirm"), pack("adm", "impok", staged.id)),
                        (_("Cancel"), pack("adm", "impno", staged.id)),
                    ]
                ]
            ),
        )


async def _check(
    context: BotContext, visit: Visit, file_id: str, name: str, *, dry_run: bool
) -> tuple[str | None, ImportOutcome | None]:
    """Download a file and run the import service on it (as a dry run or for real)."""
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        kind = await asyncio.to_thread(detect_kind, path)
        school = await visit.session.get(School, visit.actor.school_id)
        assert school is not None
        if kind == "roster":
            today = context.today(visit.now)
            outcome = await import_roster(
                visit.session, school, path, today=today, actor=visit.who, dry_run=dry_run
            )
        elif kind == "staff":
            outcome = await import_staff(
                visit.session, school, path, actor=visit.who, dry_run=dry_run
            )
        else:
            return None, None
    return kind, outcome


SUMMARY_LABELS = {
    "classes": N_("Classes"),
    "students": N_("Pupils"),
    "guardians": N_("Guardians"),
    "staff": N_("Staff"),
}


def _summary(outcome: ImportOutcome, _: Translator) -> str:
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
    return "\n".join(lines)


async def admin_pressed(update: Update, context: BotContext) -> None:
    """Class choices, import confirmation and account revocation; every press is re-checked."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
        record_id = press.int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if press.action in ("unl", "inv"):
            klass = await visit.session.get(SchoolClass, record_id)
            if (
                klass is None
                or klass.school_id != visit.actor.school_id
                or not visit.actor.can_manage_class_accounts(klass.id)
            ):
                await alert(query, _("You cannot see this class."))
                return
            if press.action == "unl":
                await _send_unlinked(query.message, visit, klass.id)
            else:
                await _send_slips(query.message, visit, klass.id, context)
        elif press.action in ("impok", "impno"):
            await _confirm_import(query, visit, record_id, press.action == "impok", context)
        elif press.action == "revoke":
            await _revoke(query, visit, record_id)


async def _confirm_import(
    query: CallbackQuery, visit: Visit, staged_id: int, confirmed: bool, context: BotContext
) -> None:
    _ = visit._
    staged = await staged_file(visit.session, staged_id, visit.account.id)
    if staged is None or not visit.actor.has(Role.ADMIN):
        await alert(query, _("This button is not for you."))
        return
    if staged.state != RequestState.PENDING:
        await query.edit_message_text(_("This file was already handled."))
        return
    if not confirmed:
        staged.state = RequestState.CANCELLED
        await visit.save()
        await query.edit_message_text(_("Import cancelled. Nothing was saved."))
        return
    _kind, outcome = await _check(context, visit, staged.file_id, staged.file_name, dry_run=False)
    if outcome is None or outcome.refused:
        await query.edit_message_text(_("The file could not be imported; please send it again."))
        return
    staged.state = RequestState.DONE
    await visit.save()
    await query.edit_message_text(_("Imported.") + "\n" + _summary(outcome, _))


async def revoke_command(update: Update, context: BotContext) -> None:
    """Find the accounts linked to a phone, to revoke one (a lost phone)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not await _admin_only(message, visit):
            return
        try:
            phone = normalize_phone(" ".join(context.args or []))
        except PhoneError:
            await message.reply_text(
                _("Write the phone after the command, like /thuhoi 0912345678.")
            )
            return
        found = await accounts_using_phone(visit.session, visit.actor.school_id, phone)
        if not found:
            await message.reply_text(_("No linked account uses this phone."))
            return
        for account in found:
            await message.reply_text(
                _("Account {id} is linked to {phone}.").format(id=account.id, phone=phone),
                reply_markup=keyboards.inline([[(_("Revoke"), pack("adm", "revoke", account.id))]]),
            )


async def _revoke(query: CallbackQuery, visit: Visit, account_id: int) -> None:
    _ = visit._
    account = await visit.session.get(TelegramAccount, account_id)
    if (
        not visit.actor.has(Role.ADMIN)
        or account is None
        or account.school_id != visit.actor.school_id
    ):
        await alert(query, _("This button is not for you."))
        return
    if account.guardian_id is None and account.staff_id is None:
        await query.edit_message_text(_("This account is no longer linked."))
        return
    accounts.unlink(visit.session, account, visit.who, revoke=True)
    await visit.save()
    await query.edit_message_text(_("The account is revoked."))


def file_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A roster or staff list sent in chat by the administrator."""
    return [MessageHandler(PRIVATE & filters.Document.ALL, file_sent)]
