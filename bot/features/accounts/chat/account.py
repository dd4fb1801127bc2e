"""The person's own account: /huylienket, /dulieu (see, export, withdraw, delete), blocking."""

from __future__ import annotations

import html
import json
from typing import Any

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, ChatMemberHandler

from bot.core import keyboards
from bot.core.callbacks import Button
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import Translator
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

EXPORT_NAME = "du-lieu-cua-toi.json"


async def unlink_asked(update: Update, context: BotContext) -> None:
    """Ask for confirmation before unlinking."""
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.linked:
            visit.reply(_("Your account is not linked."), as_html=False)
            return
        account_id = visit.account.id
        markup = keyboards.inline(
            [
                [
                    (_("Yes, unlink"), Unlink(account_id).data()),
                    (_("No, keep it"), KeepLink(account_id).data()),
                ]
            ]
        )
        question = _(
            "Unlink this Telegram account from the school? You will stop receiving notices "
            "until you link again with /start."
        )
        visit.reply(question, markup, as_html=False)


async def unlink_pressed(press: Unlink, visit: Visit, context: BotContext) -> None:
    """Unlink the presser's own account (never another's)."""
    _ = visit._
    if not own_account(press.account_id, visit.account.id):
        visit.alert(_("This button is not for you."))
    elif visit.actor.linked:
        accounts.unlink(visit.session, visit.account, visit.who)
        visit.edit(html.escape(_("Your account is unlinked.")))
        reply_removing_keyboard(visit, _("Send /start to link again."))
    else:
        visit.edit(html.escape(_("This button is no longer valid.")))


async def keep_pressed(press: KeepLink, visit: Visit, context: BotContext) -> None:
    """Keep the account linked."""
    if not own_account(press.account_id, visit.account.id):
        visit.alert(visit._("This button is not for you."))
    else:
        visit.edit(html.escape(visit._("Nothing was changed.")))


async def my_data(update: Update, context: BotContext) -> None:
    """Show what is stored about the person and their children, with their choices."""
    async with context.visit(update) as visit:
        _ = visit._
        if not has_consented(visit.account):
            text = _("The school keeps nothing about you except your Telegram account number.")
            visit.reply(text, as_html=False)
            return
        data = await data_rights.my_data(visit.session, visit.actor)
        visit.reply(_data_text(data, visit), _data_choices(_))


def _data_text(data: dict[str, Any], visit: Visit) -> str:
    """What the school keeps about the person, one line per record (HTML)."""
    _ = visit._
    lines = [_("What the school keeps about you:")]
    if "guardian" in data:
        guardian = data["guardian"]
        lines.append(
            _("Parent: {name}, phone {phone}").format(
                name=_escape(guardian["name"]), phone=_escape(guardian["phone"])
            )
        )
    for child in data.get("children", []):
        lines.append(
            _("Child: {name}, class {class_name}, born {born}").format(
                name=_escape(child["name"]),
                class_name=_escape(child["class"]),
                born=_escape(child["birth_date"]),
            )
        )
    if "staff" in data:
        staff = data["staff"]
        lines.append(
            _("Staff: {name}, phone {phone}").format(
                name=_escape(staff["name"]), phone=_escape(staff["phone"])
            )
        )
    consent_at = visit.account.consent_at
    lines.append(
        _("Consent given on {date} (version {version}).").format(
            date=short(consent_at.date()) if consent_at else "",
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


def _still_consented(visit: Visit) -> bool:
    """A /dulieu button works only while the person's consent stands."""
    if has_consented(visit.account):
        return True
    visit.edit(html.escape(visit._("This button is no longer valid.")))
    return False


async def export_pressed(press: ExportData, visit: Visit, context: BotContext) -> None:
    """Send the person's data as a JSON file."""
    if not _still_consented(visit):
        return
    data = await data_rights.my_data(visit.session, visit.actor)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    caption = html.escape(visit._("Your data, as stored."))
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    visit.later(
        # HTML until the application's default parse mode is switched on.
        lambda: bot.send_document(chat_id, payload, filename=EXPORT_NAME, caption=caption)
    )


async def withdraw_asked(press: AskWithdraw, visit: Visit, context: BotContext) -> None:
    """Ask to confirm the withdrawal of consent."""
    question = visit._("Withdraw your consent? Notices stop and your account is unlinked.")
    _confirm(visit, question, Withdraw())


async def deletion_asked(press: AskDeletion, visit: Visit, context: BotContext) -> None:
    """Ask to confirm the request to delete the person's data."""
    question = visit._("Ask the school to delete your data? Your account will be unlinked.")
    _confirm(visit, question, Delete())


def _confirm(visit: Visit, question: str, confirmed: Button) -> None:
    if not _still_consented(visit):
        return
    _ = visit._
    markup = keyboards.inline(
        [[(_("Confirm"), confirmed.data()), (_("Cancel"), KeepData().data())]]
    )
    visit.reply(question, markup, as_html=False)


async def cancel_pressed(press: KeepData, visit: Visit, context: BotContext) -> None:
    """Change nothing."""
    if _still_consented(visit):
        visit.edit(html.escape(visit._("Nothing was changed.")))


async def withdraw_pressed(press: Withdraw, visit: Visit, context: BotContext) -> None:
    """Withdraw consent: notices stop and the account is unlinked."""
    if not _still_consented(visit):
        return
    accounts.withdraw_consent(visit.session, visit.account, visit.who)
    done = visit._("Your consent is withdrawn and your account unlinked. Thank you.")
    visit.edit(html.escape(done))


async def delete_pressed(press: Delete, visit: Visit, context: BotContext) -> None:
    """Record a deletion request with its legal deadline, and withdraw consent."""
    if not _still_consented(visit):
        return
    request = await data_rights.request_deletion(
        visit.session, visit.actor, context.today(visit.now)
    )
    accounts.withdraw_consent(visit.session, visit.account, visit.who)
    done = visit._(
        "Your request is received. The school will delete your data by {date}, as the law "
        "requires, and tell you here."
    ).format(date=short(request.due_on))
    visit.edit(html.escape(done))


async def member_changed(update: Update, context: BotContext) -> None:
    """Mark the account blocked when the person blocks the bot, and active when they return."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    async with context.visit(update) as visit:
        accounts.set_blocked(visit.session, visit.account, blocked, visit.who)


def member_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """The person blocking or unblocking the bot."""
    return [ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER)]
