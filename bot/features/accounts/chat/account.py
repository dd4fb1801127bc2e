"""The person's own account: /huylienket, /dulieu (see, export, withdraw, delete), blocking."""

from __future__ import annotations

import asyncio
import html
import json
from datetime import date
from typing import Any

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, ChatMemberHandler

from bot.core import keyboards
from bot.core.callbacks import Button
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_, Translator
from bot.features.accounts import queries as accounts
from bot.features.accounts.buttons import (
    AskDeletion,
    AskWithdraw,
    Delete,
    ExportData,
    KeepData,
    KeepLink,
    Unlink,
    Withdraw,
)
from bot.features.accounts.chat.linking import reply_removing_keyboard
from bot.features.accounts.rules import has_consented, own_account
from bot.features.data_rights import queries as data_rights
from bot.features.data_rights.documents import data_workbook, day, phone

# How an account lost its link, as a late press under /huylienket's question tells it.
UNLINKED = {
    "account.unlink": N_("The link was already removed on {date}."),
    "account.revoke": N_("The school's administrator removed the link on {date}."),
    "account.replaced": N_(
        "The link was removed on {date}, when another Telegram account linked with your phone "
        "number."
    ),
}
EXPORT_NAME = "du-lieu-cua-toi.json"
WORKBOOK_NAME = "du-lieu-cua-toi.xlsx"


async def unlink_asked(update: Update, context: BotContext) -> None:
    """Ask for confirmation before unlinking."""
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.linked:
            visit.reply(_("Your account is not linked."), as_html=False)
            return
        account_id, asked = visit.account.id, int(visit.now.timestamp())
        markup = keyboards.inline(
            [
                [
                    (_("Yes, unlink"), Unlink(account_id, asked).data()),
                    (_("No, keep it"), KeepLink(account_id, asked).data()),
                ]
            ]
        )
        question = _(
            "Unlink this Telegram account from the school? You will stop receiving notices "
            "until you link again with /start."
        )
        visit.reply(question, markup, as_html=False)


async def unlink_pressed(press: Unlink, visit: Visit, context: BotContext) -> None:
    """Unlink the presser's own account (never another's); pressed again, say it is not
    linked, since when, and how to link again."""
    _ = visit._
    if not own_account(press.account_id, visit.account.id):
        visit.alert(_("This button is not for you."))
    elif visit.actor.linked and await _asked_before_a_relink(visit, press.asked):
        text = _("This question was about an earlier link; you have linked again since.")
        visit.edit(html.escape(text + " " + _("Nothing was changed.")))
    elif visit.actor.linked:
        accounts.unlink(visit.session, visit.account, visit.who, now=visit.now)
        visit.edit(html.escape(_("Your account is unlinked.")))
        reply_removing_keyboard(visit, _("Send /start to link again."))
    else:
        visit.edit(await _not_linked(visit, context))


async def _asked_before_a_relink(visit: Visit, asked: int) -> bool:
    """Whether the link the question was about has gone since (the person linked again)."""
    removed = await accounts.last_unlinked(visit.session, visit.account)
    return bool(asked) and removed is not None and removed.at.timestamp() >= asked


async def keep_pressed(press: KeepLink, visit: Visit, context: BotContext) -> None:
    """Keep the account linked; pressed after "Có, hủy liên kết", say the link is already
    gone (and when), changing nothing."""
    if not own_account(press.account_id, visit.account.id):
        visit.alert(visit._("This button is not for you."))
    elif visit.actor.linked:
        visit.edit(html.escape(visit._("Nothing was changed.")))
    else:
        visit.edit(await _not_linked(visit, context))


async def _not_linked(visit: Visit, context: BotContext) -> str:
    """The account is not linked: since when and how it lost its link, and how to link again;
    nothing is changed (HTML)."""
    _ = visit._
    lines = [_("Your account is not linked.")]
    removed = await accounts.last_unlinked(visit.session, visit.account)
    if removed is not None:
        day = short(removed.at.astimezone(context.settings.zone).date())
        lines.append(_(UNLINKED.get(removed.how, UNLINKED["account.unlink"])).format(date=day))
    lines.append(_("Nothing was changed.") + " " + _("Send /start to link again."))
    return html.escape("\n".join(lines))


async def my_data(update: Update, context: BotContext) -> None:
    """Show what is stored about the person and their children, with their choices."""
    async with context.visit(update) as visit:
        _ = visit._
        if not has_consented(visit.account):
            text = _("The school keeps nothing about you except your Telegram account number.")
            visit.reply(text, as_html=False)
            return
        data = await data_rights.my_data(visit.session, visit.actor)
        visit.reply(_data_text(data, visit, context), _data_choices(_))


def _data_text(data: dict[str, Any], visit: Visit, context: BotContext) -> str:
    """What the school keeps about the person, one line per record (HTML), in Vietnamese
    formats: dates dd/mm/yyyy in the school's zone, phones as people write them."""
    _ = visit._
    lines = [_("What the school keeps about you:")]
    if "guardian" in data:
        guardian = data["guardian"]
        lines.append(
            _("Parent: {name}, phone {phone}").format(
                name=_escape(guardian["name"]), phone=_escape(phone(guardian["phone"]))
            )
        )
    for child in data.get("children", []):
        lines.append(
            _("Child: {name}, class {class_name}, born {born}").format(
                name=_escape(child["name"]),
                class_name=_escape(child["class"]),
                born=_escape(day(child["birth_date"])),
            )
        )
    if "staff" in data:
        staff = data["staff"]
        lines.append(
            _("Staff: {name}, phone {phone}").format(
                name=_escape(staff["name"]), phone=_escape(phone(staff["phone"]))
            )
        )
    if data.get("feedback") or data.get("leave_requests"):
        lines.append(
            _("Feedback you sent: {feedback}; leave requests: {leave}.").format(
                feedback=len(data.get("feedback", [])), leave=len(data.get("leave_requests", []))
            )
        )
    consent_at = visit.account.consent_at
    lines.append(
        _("Consent given on {date} (version {version}).").format(
            date=short(consent_at.astimezone(context.settings.zone).date()) if consent_at else "",
            version=_escape(visit.account.consent_version),
        )
    )
    return "\n".join(lines)


def _escape(value: object) -> str:
    """A stored value as HTML text (nothing for a missing one)."""
    return html.escape("" if value is None else str(value))


def _data_choices(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline(
        [
            [(_("Download my data"), ExportData().data())],
            [(_("Withdraw my consent"), AskWithdraw().data())],
            [(_("Ask to delete my data"), AskDeletion().data())],
        ]
    )


async def _still_consented(visit: Visit) -> bool:
    """A /dulieu button acts only while the person's consent stands; pressed later, it says
    what it finds (a deletion asked, or the consent withdrawn) and changes nothing."""
    if has_consented(visit.account):
        return True
    asked = await data_rights.open_deletion(visit.session, visit.account.id)
    if asked is not None:
        visit.edit(html.escape(_deletion_received(visit, asked.due_on)))
    else:
        withdrawn = visit._("Your consent is already withdrawn. Nothing was changed.")
        visit.edit(html.escape(withdrawn))
    return False


def _deletion_received(visit: Visit, due_on: date) -> str:
    return visit._(
        "Your request is received. The school will delete your data by {date}, as the law "
        "requires, and tell you here."
    ).format(date=short(due_on))


async def export_pressed(press: ExportData, visit: Visit, context: BotContext) -> None:
    """Send the person's data as a JSON file, and the same as a workbook to read."""
    if not await _still_consented(visit):
        return
    _ = visit._
    data = await data_rights.my_data(visit.session, visit.actor)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    zone = context.settings.zone
    bot, chat_id = visit.update.get_bot(), visit.chat_id

    async def send() -> None:
        await bot.send_document(
            chat_id, payload, filename=EXPORT_NAME, caption=html.escape(_("Your data, as stored."))
        )
        workbook = await asyncio.to_thread(data_workbook, data, zone)
        caption = html.escape(_("The same data as a spreadsheet to read in Excel."))
        await bot.send_document(chat_id, workbook, filename=WORKBOOK_NAME, caption=caption)

    visit.later(send)


async def withdraw_asked(press: AskWithdraw, visit: Visit, context: BotContext) -> None:
    """Ask to confirm the withdrawal of consent."""
    question = visit._("Withdraw your consent? Notices stop and your account is unlinked.")
    await _confirm(visit, question, Withdraw())


async def deletion_asked(press: AskDeletion, visit: Visit, context: BotContext) -> None:
    """Ask to confirm the request to delete the person's data."""
    question = visit._("Ask the school to delete your data? Your account will be unlinked.")
    await _confirm(visit, question, Delete())


async def _confirm(visit: Visit, question: str, confirmed: Button) -> None:
    if not await _still_consented(visit):
        return
    _ = visit._
    markup = keyboards.inline(
        [[(_("Confirm"), confirmed.data()), (_("Cancel"), KeepData().data())]]
    )
    visit.reply(question, markup, as_html=False)


async def cancel_pressed(press: KeepData, visit: Visit, context: BotContext) -> None:
    """Change nothing (true whenever it is pressed)."""
    visit.edit(html.escape(visit._("Nothing was changed.")))


async def withdraw_pressed(press: Withdraw, visit: Visit, context: BotContext) -> None:
    """Withdraw consent: notices stop and the account is unlinked."""
    if not await _still_consented(visit):
        return
    accounts.withdraw_consent(visit.session, visit.account, visit.who, visit.now)
    done = visit._("Your consent is withdrawn and your account unlinked. Thank you.")
    visit.edit(html.escape(done))


async def delete_pressed(press: Delete, visit: Visit, context: BotContext) -> None:
    """Record a deletion request with its legal deadline, and withdraw consent."""
    if not await _still_consented(visit):
        return
    request = await data_rights.request_deletion(
        visit.session, visit.actor, context.today(visit.now)
    )
    accounts.withdraw_consent(visit.session, visit.account, visit.who, visit.now)
    visit.edit(html.escape(_deletion_received(visit, request.due_on)))


async def member_changed(update: Update, context: BotContext) -> None:
    """Mark the account blocked when the person blocks the bot, and active when they return."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    async with context.visit(update) as visit:
        kept = await accounts.set_blocked(
            visit.session, visit.account, blocked, visit.who, visit.now
        )
        if kept:
            visit.wake_sender()


def member_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """The person blocking or unblocking the bot."""
    return [ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER)]
