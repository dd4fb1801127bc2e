"""Linking: /start, the answers to the consent screen, sharing one's phone, invitation codes.

A phone the lists do not know opens a link request (bot/features/accounts/chat/requests.py).
"""

from __future__ import annotations

import html

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core import keyboards
from bot.core.access import load_actor
from bot.core.context import BotContext, Visit
from bot.core.datefmt import local_time
from bot.core.labels import ROLE_LABELS
from bot.features.accounts import link_requests
from bot.features.accounts import queries as accounts
from bot.features.accounts.buttons import Agree, Disagree
from bot.features.accounts.chat import requests
from bot.features.accounts.chat.consent import ask_consent, on_the_lists
from bot.features.accounts.invitations import normalize_code
from bot.features.accounts.queries import LinkOutcome, LinkResult
from bot.features.accounts.rules import give_consent, has_consented
from storage.models import Role
from storage.queries import audit, students_with_class

PRIVATE = filters.ChatType.PRIVATE


async def start(update: Update, context: BotContext) -> None:
    """Begin: consent first, then a phone or an invitation code (from a deep link or typed)."""
    code = context.args[0] if context.args else None
    async with context.visit(update) as visit:
        if not has_consented(visit.account):
            await ask_consent(visit, code)
        elif code:
            await use_code(visit, code, context)
        elif visit.actor.linked:
            await welcome(visit, context)
        else:
            ask_phone(visit)


def ask_phone(visit: Visit) -> None:
    """Ask for the person's own phone (one button) or the code on their invitation slip."""
    _ = visit._
    text = _(
        "Please press the button below to share your phone number, so the school can find "
        "you on its lists. If you have an invitation slip, you can type its code instead."
    )
    visit.reply(text, keyboards.share_phone(_), as_html=False)


async def agreed(press: Agree, visit: Visit, context: BotContext) -> None:
    """Record "I agree", then continue linking (with the deep link's code, if any)."""
    if has_consented(visit.account):  # a double tap, or an old message
        visit.toast(visit._("You have already agreed."))
        return
    consented(visit)
    visit.edit_markup(None)
    if press.code:
        await use_code(visit, press.code, context)
    elif visit.actor.linked:
        await welcome(visit, context)
    else:
        ask_phone(visit)


def consented(visit: Visit) -> None:
    """Record the consent (its time and the text's version) and audit it, as the web does: the
    account keeps only the last consent; the log keeps each one given."""
    give_consent(visit.account, visit.now)
    audit(
        visit.session,
        school_id=visit.account.school_id,
        actor=f"tg:{visit.account.telegram_user_id}",
        action="account.consent",
        entity="telegram_account",
        entity_id=visit.account.id,
        after={"via": "chat", "version": visit.account.consent_version},
    )


async def disagreed(press: Disagree, visit: Visit, context: BotContext) -> None:
    """Respect "I do not agree": nothing is linked (an old screen's press changes nothing)."""
    if has_consented(visit.account):
        visit.toast(visit._("You have already agreed."))
        return
    visit.edit_markup(None)
    text = visit._(
        "We respect your choice. Without your consent the bot cannot link you to your child "
        "or send you notices. Send /start whenever you change your mind."
    )
    visit.reply(text, as_html=False)


async def contact_shared(update: Update, context: BotContext) -> None:
    """Link by the shared phone; only the sender's own contact is accepted."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.contact is not None and user is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not has_consented(visit.account):
            await ask_consent(visit)
            return
        if message.contact.user_id != user.id:
            text = _(
                "For your safety, only your own phone number is accepted. Please press the "
                "button below instead of sending someone else's contact."
            )
            visit.reply(text, keyboards.share_phone(_), as_html=False)
            return
        result = await accounts.link_by_phone(
            visit.session, visit.account, message.contact.phone_number, visit.who, visit.now
        )
        await answer_link(visit, result, context)


async def text_sent(update: Update, context: BotContext) -> None:
    """Plain text: a child's description, an invitation code, or something not understood."""
    message = update.effective_message
    assert message is not None and message.text is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not has_consented(visit.account):
            await ask_consent(visit)
            return
        request = await link_requests.describing(visit.session, visit.account)
        if request is not None:
            await requests.describe_child(visit, request, message.text)
        elif normalize_code(message.text) is not None or not visit.actor.linked:
            await use_code(visit, message.text, context)
        else:
            text = _("Sorry, I did not understand that. Send /help to see what you can do.")
            visit.reply(text, as_html=False)


async def use_code(visit: Visit, typed: str, context: BotContext) -> None:
    """Try an invitation code and answer."""
    _ = visit._
    if normalize_code(typed) is None and not visit.actor.linked:
        text = _(
            "An invitation code has 8 letters and digits, like K7MW 3QXP. Please check it, "
            "or press the button to share your phone number."
        )
        visit.reply(text, keyboards.share_phone(_), as_html=False)
        return
    result = await accounts.link_by_code(visit.session, visit.account, typed, visit.now, visit.who)
    await answer_link(visit, result, context)


async def answer_link(visit: Visit, result: LinkResult, context: BotContext) -> None:
    """Tell the person what a linking attempt did."""
    _ = visit._
    if result.outcome is LinkOutcome.LINKED:
        visit.actor = await load_actor(visit.session, visit.account)
        on_the_lists(visit)
        if result.kept:
            visit.wake_sender()  # what was kept for the person until they joined
        await welcome(visit, context)
    elif result.outcome is LinkOutcome.UNKNOWN_PHONE:
        chat = visit.update.effective_chat
        name = (chat.full_name if chat else None) or ""
        await link_requests.open_request(visit.session, visit.account, result.phone or "", name)
        text = _(
            "Your number is not on the school's lists yet (lists are often out of date). "
            "Please type your child's full name and class, for example: "
            "Nguyễn Văn An 3A. The homeroom teacher will check and link your account."
        )
        said = _("Please also say who you are to the child, for example: mẹ cháu Nguyễn Văn An 3A.")
        reply_removing_keyboard(visit, text + "\n" + said)
    elif result.outcome is LinkOutcome.BAD_PHONE:
        visit.reply(_("This phone number could not be read. Please try again."), as_html=False)
    elif result.outcome is LinkOutcome.LOCKED:
        assert result.locked_until is not None
        time = local_time(result.locked_until, context.settings.zone)
        text = _("Too many wrong codes. Please wait until {time} and try again.")
        visit.reply(text.format(time=time), as_html=False)
    else:
        text = _(
            "This code is not valid: it may be mistyped, already used or expired. Please "
            "check it, or ask the homeroom teacher for a new slip."
        )
        visit.reply(text, as_html=False)


async def welcome(visit: Visit, context: BotContext) -> None:
    """List the children (name, class) and the roles the account is linked to."""
    visit.now_on_the_lists()  # Vietnamese from here on, unless they chose English
    _ = visit._
    lines = [html.escape(_("Your account is linked."))]
    children = await students_with_class(visit.session, visit.actor.children)
    if children:
        lines.append(html.escape(_("Your children:")))
        lines += [
            "• "
            + _("{name}, class {class_name}").format(
                name=html.escape(name), class_name=html.escape(klass)
            )
            for name, klass in children
        ]
    staff_roles = [role for role in ROLE_LABELS if role in visit.actor.roles]
    if any(role is not Role.PARENT for role in staff_roles):
        roles = ", ".join(_(ROLE_LABELS[role]) for role in staff_roles)
        lines.append(html.escape(_("Your roles: {roles}").format(roles=roles)))
    lines.append(html.escape(_("Use the menu below, or send /help.")))
    visit.reply("\n".join(lines), context.menu_keyboard(visit))


def reply_removing_keyboard(visit: Visit, text: str) -> None:
    """Answer with a plain text that also takes the reply keyboard away, after the commit."""
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    visit.later(
        # HTML until the application's default parse mode is switched on.
        lambda: bot.send_message(
            chat_id,
            html.escape(text, quote=False),
            reply_markup=ReplyKeyboardRemove(),
        )
    )


def contact_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A shared contact card (the person's own phone, or a stranger's)."""
    return [MessageHandler(PRIVATE & filters.CONTACT, contact_shared)]


def build_text_handler() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the handler for plain text, which must come after every feature's labels."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text_sent)]
