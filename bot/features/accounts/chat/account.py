"""The person's own account: /huylienket, /dulieu (see, export, withdraw, delete), blocking."""

from __future__ import annotations

import json

from telegram import ChatMember, Message, ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    ChatMemberHandler,
    filters,
)

from bot.core import keyboards
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext
from bot.core.datefmt import short
from bot.core.presses import alert
from bot.features.accounts import queries as accounts
from bot.features.data_rights import queries as data_rights

PRIVATE = filters.ChatType.PRIVATE


async def unlink_asked(update: Update, context: BotContext) -> None:
    """Ask for confirmation before unlinking."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.linked:
            await message.reply_text(_("Your account is not linked."))
            return
        account_id = visit.account.id
        await message.reply_text(
            _(
                "Unlink this Telegram account from the school? You will stop receiving "
                "notices until you link again with /start."
            ),
            reply_markup=keyboards.inline(
                [
                    [
                        (_("Yes, unlink"), pack("acct", "unlink", account_id)),
                        (_("No, keep it"), pack("acct", "keep", account_id)),
                    ]
                ]
            ),
        )


async def account_pressed(update: Update, context: BotContext) -> None:
    """Unlink or keep; a press only ever acts on the presser's own account."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
        account_id = press.int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if account_id != visit.account.id:
            await alert(query, _("This button is not for you."))
            return
        if press.action == "keep":
            await query.edit_message_text(_("Nothing was changed."))
        elif press.action == "unlink" and visit.actor.linked:
            accounts.unlink(visit.session, visit.account, visit.who)
            await visit.save()
            await query.edit_message_text(_("Your account is unlinked."))
            await query.message.reply_text(
                _("Send /start to link again."), reply_markup=ReplyKeyboardRemove()
            )
        else:
            await query.edit_message_text(_("This button is no longer valid."))


async def my_data(update: Update, context: BotContext) -> None:
    """Show what is stored about the person and their children, with their choices."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not accounts.has_consented(visit.account):
            await message.reply_text(
                _("The school keeps nothing about you except your Telegram account number.")
            )
            return
        data = await data_rights.my_data(visit.session, visit.actor)
        lines = [_("What the school keeps about you:")]
        if "guardian" in data:
            lines.append(
                _("Parent: {name}, phone {phone}").format(
                    name=data["guardian"]["name"] or "", phone=data["guardian"]["phone"] or ""
                )
            )
        for child in data.get("children", []):
            lines.append(
                _("Child: {name}, class {class_name}, born {born}").format(
                    name=child["name"], class_name=child["class"], born=child["birth_date"] or ""
                )
            )
        if "staff" in data:
            lines.append(
                _("Staff: {name}, phone {phone}").format(
                    name=data["staff"]["name"], phone=data["staff"]["phone"]
                )
            )
        consent_at = visit.account.consent_at
        lines.append(
            _("Consent given on {date} (version {version}).").format(
                date=short(consent_at.date()) if consent_at else "",
                version=visit.account.consent_version or "",
            )
        )
        await message.reply_text(
            "\n".join(lines),
            reply_markup=keyboards.inline(
                [
                    [(_("Download my data"), pack("data", "export"))],
                    [(_("Withdraw my consent"), pack("data", "withdraw"))],
                    [(_("Ask to delete my data"), pack("data", "delete"))],
                ]
            ),
        )


async def data_pressed(update: Update, context: BotContext) -> None:
    """Export, withdraw consent or ask for deletion (the last two after confirmation)."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        action = parse(query.data).action
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if not accounts.has_consented(visit.account):
            await query.edit_message_text(_("This button is no longer valid."))
            return
        if action == "export":
            data = await data_rights.my_data(visit.session, visit.actor)
            payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
            await query.message.reply_document(
                payload, filename="du-lieu-cua-toi.json", caption=_("Your data, as stored.")
            )
        elif action in ("withdraw", "delete"):
            question = (
                _("Withdraw your consent? Notices stop and your account is unlinked.")
                if action == "withdraw"
                else _("Ask the school to delete your data? Your account will be unlinked.")
            )
            await query.message.reply_text(
                question,
                reply_markup=keyboards.inline(
                    [
                        [
                            (_("Confirm"), pack("data", action + "ok")),
                            (_("Cancel"), pack("data", "cancel")),
                        ]
                    ]
                ),
            )
        elif action == "cancel":
            await query.edit_message_text(_("Nothing was changed."))
        elif action == "withdrawok":
            accounts.withdraw_consent(visit.session, visit.account, visit.who)
            await visit.save()
            await query.edit_message_text(
                _("Your consent is withdrawn and your account unlinked. Thank you.")
            )
        elif action == "deleteok":
            request = await data_rights.request_deletion(
                visit.session, visit.actor, context.today(visit.now)
            )
            accounts.withdraw_consent(visit.session, visit.account, visit.who)
            await visit.save()
            await query.edit_message_text(
                _(
                    "Your request is received. The school will delete your data by {date}, "
                    "as the law requires, and tell you here."
                ).format(date=short(request.due_on))
            )


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
