"""Linking: /start, consent, sharing one's phone, invitation codes, unknown phones."""

from __future__ import annotations

import html
import unicodedata

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    MessageHandler,
    filters,
)

from bot.core import keyboards
from bot.core.access import load_actor
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.datefmt import local_time
from bot.core.i18n import N_, translator
from bot.core.labels import ROLE_LABELS
from bot.core.presses import alert, toast
from bot.features.accounts import link_requests
from bot.features.accounts import queries as accounts
from bot.features.accounts.invitations import normalize_code
from bot.features.accounts.link_requests import Decision
from bot.features.accounts.queries import LinkOutcome, LinkResult
from storage.models import LinkRequest, TelegramAccount
from storage.queries import students_with_class

PRIVATE = filters.ChatType.PRIVATE


async def start(update: Update, context: BotContext) -> None:
    """Begin: consent first, then a phone or an invitation code (from a deep link or typed)."""
    message = update.effective_message
    assert message is not None
    code = context.args[0] if context.args else None
    async with context.visit(update) as visit:
        if not accounts.has_consented(visit.account):
            await ask_consent(message, visit, code)
        elif code:
            await use_code(message, visit, code, context)
        elif visit.actor.linked:
            await welcome(message, visit)
        else:
            await ask_phone(message, visit)


async def ask_consent(message: Message, visit: Visit, code: str | None = None) -> None:
    """Show what the school keeps, why and who sees it, with "I agree" / "I do not agree"."""
    _ = visit._
    name = shown_name(message.chat.first_name, message.chat.last_name)
    greeting = (
        _("Hello {name}! This is the school's electronic contact book.").format(
            name=html.escape(name)
        )
        if name
        else _("Hello! This is the school's electronic contact book.")
    )
    text = "\n\n".join(
        [
            greeting,
            _("<b>Before we start: your consent</b>"),
            _(
                "The school keeps: your name and phone number, your Telegram account, your "
                "children's names, classes and birth dates, the study and health notices sent "
                "to you, and your messages to the school."
            ),
            _(
                "Why: to send you your child's weekly study and health notices and urgent "
                "messages, and to let you reply to the school."
            ),
            _(
                "Who sees it: your child's teachers, the school's leaders and, for health, the "
                "school nurse. It is never shown to other parents or posted in groups."
            ),
            _("You can see, download or delete your data at any time with /dulieu."),
            _("Consent text version {version}.").format(version=accounts.CONSENT_VERSION),
        ]
    )
    code = normalize_code(code) if code else None
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboards.consent(_, code)
    )


# Characters some people use as a "blank" name: fillers that show as nothing.
_BLANKS = "\u115f\u1160\u2800\u3164\uffa0"


def shown_name(first: str | None, last: str | None) -> str:
    """The person's Telegram name for a greeting, without blank or invisible parts."""
    parts = [_trimmed(part) for part in (first, last)]
    return " ".join(part for part in parts if part)


def _trimmed(text: str | None) -> str:
    chars = list(text or "")
    while chars and _blank(chars[0]):
        chars.pop(0)
    while chars and _blank(chars[-1]):
        chars.pop()
    return "".join(chars)


def _blank(char: str) -> bool:
    return char in _BLANKS or char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


async def ask_phone(message: Message, visit: Visit) -> None:
    """Ask for the person's own phone (one button) or the code on their invitation slip."""
    _ = visit._
    await message.reply_text(
        _(
            "Please press the button below to share your phone number, so the school can find "
            "you on its lists. If you have an invitation slip, you can type its code instead."
        ),
        reply_markup=keyboards.share_phone(_),
    )


async def consent_pressed(update: Update, context: BotContext) -> None:
    """Record "I agree" (then continue linking) or "I do not agree"."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if press.action == "no":
            await query.edit_message_reply_markup(None)
            await query.message.reply_text(
                _(
                    "We respect your choice. Without your consent the bot cannot link you to "
                    "your child or send you notices. Send /start whenever you change your mind."
                )
            )
            return
        if press.action != "yes":
            return
        if accounts.has_consented(visit.account):
            await toast(query, _("You have already agreed."))  # a double tap, or an old message
            return
        accounts.give_consent(visit.account, visit.now)
        await visit.save()
        await query.edit_message_reply_markup(None)
        if press.args:
            await use_code(query.message, visit, press.args[0], context)
        elif visit.actor.linked:
            await welcome(query.message, visit)
        else:
            await ask_phone(query.message, visit)


async def contact_shared(update: Update, context: BotContext) -> None:
    """Link by the shared phone; only the sender's own contact is accepted."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.contact is not None and user is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not accounts.has_consented(visit.account):
            await ask_consent(message, visit)
            return
        if message.contact.user_id != user.id:
            await message.reply_text(
                _(
                    "For your safety, only your own phone number is accepted. Please press "
                    "the button below instead of sending someone else's contact."
                ),
                reply_markup=keyboards.share_phone(_),
            )
            return
        result = await accounts.link_by_phone(
            visit.session, visit.account, message.contact.phone_number, visit.who
        )
        await visit.save()
        await answer_link(message, visit, result, context)


async def text_sent(update: Update, context: BotContext) -> None:
    """Plain text: a child's description, an invitation code, or something not understood."""
    message = update.effective_message
    assert message is not None and message.text is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not accounts.has_consented(visit.account):
            await ask_consent(message, visit)
            return
        request = await link_requests.describing(visit.session, visit.account)
        if request is not None:
            await describe_child(message, visit, request, context)
        elif normalize_code(message.text) is not None or not visit.actor.linked:
            await use_code(message, visit, message.text, context)
        else:
            await message.reply_text(
                _("Sorry, I did not understand that. Send /help to see what you can do.")
            )


async def use_code(message: Message, visit: Visit, typed: str, context: BotContext) -> None:
    """Try an invitation code and answer."""
    _ = visit._
    if normalize_code(typed) is None and not visit.actor.linked:
        await message.reply_text(
            _(
                "An invitation code has 8 letters and digits, like K7MW 3QXP. Please check it, "
                "or press the button to share your phone number."
            ),
            reply_markup=keyboards.share_phone(_),
        )
        return
    result = await accounts.link_by_code(visit.session, visit.account, typed, visit.now, visit.who)
    await visit.save()
    await answer_link(message, visit, result, context)


async def answer_link(
    message: Message, visit: Visit, result: LinkResult, context: BotContext
) -> None:
    """Tell the person what a linking attempt did."""
    _ = visit._
    if result.outcome is LinkOutcome.LINKED:
        visit.actor = await load_actor(visit.session, visit.account)
        await welcome(message, visit)
    elif result.outcome is LinkOutcome.UNKNOWN_PHONE:
        await link_requests.open_request(
            visit.session, visit.account, result.phone or "", message.chat.full_name or ""
        )
        await visit.save()
        await message.reply_text(
            _(
                "Your number is not on the school's lists yet (lists are often out of date). "
                "Please type your child's full name and class, for example: "
                "Nguyễn Văn An 3A. The homeroom teacher will check and link your account."
            ),
            reply_markup=ReplyKeyboardRemove(),
        )
    elif result.outcome is LinkOutcome.BAD_PHONE:
        await message.reply_text(_("This phone number could not be read. Please try again."))
    elif result.outcome is LinkOutcome.LOCKED:
        until = result.locked_until
        assert until is not None
        await message.reply_text(
            _("Too many wrong codes. Please wait until {time} and try again.").format(
                time=local_time(until, context.settings.zone)
            )
        )
    else:
        await message.reply_text(
            _(
                "This code is not valid: it may be mistyped, already used or expired. Please "
                "check it, or ask the homeroom teacher for a new slip."
            )
        )


async def welcome(message: Message, visit: Visit) -> None:
    """List the children (name, class) and the roles the account is linked to."""
    _ = visit._
    lines = [_("Your account is linked.")]
    children = await students_with_class(visit.session, visit.actor.children)
    if children:
        lines.append(_("Your children:"))
        lines += [
            "• " + _("{name}, class {class_name}").format(name=html.escape(name), class_name=klass)
            for name, klass in children
        ]
    staff_roles = [role for role in ROLE_LABELS if role in visit.actor.roles]
    if any(role.value != "parent" for role in staff_roles):
        roles = ", ".join(_(ROLE_LABELS[role]) for role in staff_roles)
        lines.append(_("Your roles: {roles}").format(roles=roles))
    lines.append(_("Use the menu below, or send /help."))
    await message.reply_text(
        "\n".join(lines),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.menu(_, visit.actor.roles),
    )


async def describe_child(
    message: Message, visit: Visit, request: LinkRequest, context: BotContext
) -> None:
    """Take the child's name and class, then ask the class's homeroom teacher to decide."""
    _ = visit._
    assert message.text is not None
    if not await link_requests.describe(visit.session, request, message.text):
        await message.reply_text(
            _("Please write the child's full name and class, for example: Nguyễn Văn An 3A.")
        )
        return
    await visit.save()
    await message.reply_text(
        _(
            "Thank you. Your request was sent to the homeroom teacher; you will get a message "
            "here as soon as it is confirmed."
        )
    )
    options = await link_requests.candidates(visit.session, request)
    for decider in await link_requests.deciders(visit.session, request):
        tr = translator(decider.language or "vi")
        text = tr(
            N_(
                "A parent asks to be linked: {name}, phone {phone}, who wrote: "
                "\u201c{description}\u201d. Choose the child to link, or refuse."
            )
        ).format(
            name=request.name,  # a plain-text message: shown exactly as typed
            phone=request.phone,
            description=request.description or "",
        )
        markup = keyboards.choices(
            [(label, pack("lnk", "ok", request.id, student_id)) for student_id, label in options],
            extra=[(tr(N_("Refuse")), pack("lnk", "no", request.id))],
        )
        await context.bot.send_message(decider.chat_id, text, reply_markup=markup)


async def request_decided(update: Update, context: BotContext) -> None:
    """A staff member chose the child (or refused); re-check everything, then tell the parent."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        request_id = press.int_arg(0)
        student_id = press.int_arg(1) if press.action == "ok" else None
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        result = await link_requests.decide(
            visit.session, visit.actor, request_id, student_id, visit.now
        )
        await visit.save()
        if result.decision is Decision.NOT_ALLOWED:
            await alert(query, _("You cannot decide on this request."))
            return
        if result.decision is Decision.STALE or result.request is None:
            await query.edit_message_text(_("This request was already handled."))
            return
        parent = await visit.session.get(TelegramAccount, result.request.account_id)
        assert parent is not None
        tr = translator(parent.language or "vi")
        if student_id is None:
            await query.edit_message_text(_("You refused this request."))
            note = tr(
                N_(
                    "The school could not confirm your request. Please contact the homeroom "
                    "teacher directly."
                )
            )
        else:
            await query.edit_message_text(
                _("Linked to {name}.").format(name=result.student_name or "")
            )
            note = tr(
                N_("Your account is now linked to {name}. Send /start to see your menu.")
            ).format(name=result.student_name or "")
        await context.bot.send_message(parent.chat_id, note)


def contact_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A shared contact card (the person's own phone, or a stranger's)."""
    return [MessageHandler(PRIVATE & filters.CONTACT, contact_shared)]


def build_text_handler() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the handler for plain text, which must come after every feature's labels."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text_sent)]
