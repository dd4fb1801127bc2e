"""The consent screen: what the school keeps, why and who sees it, with "I agree" / "I do not
agree" (the presses are answered in bot/features/accounts/chat/linking.py); parents and staff
each read their own text."""

from __future__ import annotations

import html
import unicodedata

from telegram import InlineKeyboardMarkup

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.features.accounts import invitations
from bot.features.accounts.buttons import Agree, Disagree, StaffConsent
from bot.features.accounts.invitations import normalize_code
from bot.features.accounts.rules import CONSENT_VERSION, PARENT_TEXT, has_consented

STAFF_TEXT = (
    N_(
        "The school keeps: your name and phone number, your Telegram account, your roles and "
        "classes, and a record of what you send and decide in the bot (comments, notices, "
        "answers to families, approvals)."
    ),
    N_(
        "Why: to let you work with the families and the school through the bot, and to keep "
        "the school's records of what was sent and decided."
    ),
    N_(
        "Who sees it: the school's leaders and the system administrator. Families see your "
        "role and class, never your phone number or your Telegram account."
    ),
)
# Characters some people use as a "blank" name: fillers that show as nothing.
_BLANKS = "\u115f\u1160\u2800\u3164\uffa0"


async def ask_consent(visit: Visit, code: str | None = None) -> None:
    """Show what the school keeps, why and who sees it, with "I agree" / "I do not agree".

    A deep link's invitation code says who is coming: a person on the school's lists reads
    Vietnamese (unless they chose English with /ngonngu), and staff read the staff's text.
    """
    normalized = normalize_code(code) if code else None
    invitation = None
    if normalized is not None:
        invitation = await invitations.holder(
            visit.session, visit.account.school_id, normalized, visit.now
        )
    if invitation is not None:
        on_the_lists(visit)
    staff = invitation is not None and invitation.staff_id is not None
    visit.reply(
        consent_text(visit, staff=staff), consent_keyboard(visit._, normalized, staff=staff)
    )


async def staff_consent(press: StaffConsent, visit: Visit, context: BotContext) -> None:
    """ "I work at the school": the staff's consent text in place of the parents' one."""
    if has_consented(visit.account):
        visit.toast(visit._("You have already agreed."))
        return
    markup = consent_keyboard(visit._, press.code or None, staff=True)
    visit.edit(consent_text(visit, staff=True), markup)


def on_the_lists(visit: Visit) -> None:
    """The person is on the school's lists: from now on they read Vietnamese, unless they
    chose English themselves (/ngonngu)."""
    visit.now_on_the_lists()


def consent_text(visit: Visit, *, staff: bool) -> str:
    """The consent text for parents, or for staff (HTML)."""
    _ = visit._
    chat = visit.update.effective_chat
    name = shown_name(chat.first_name, chat.last_name) if chat else ""
    greeting = (
        _("Hello {name}! This is the school's electronic contact book.").format(
            name=html.escape(name)
        )
        if name
        else _("Hello! This is the school's electronic contact book.")
    )
    body = STAFF_TEXT if staff else PARENT_TEXT
    return "\n\n".join(
        [
            greeting,
            _("<b>Before we start: your consent</b>"),
            *(_(paragraph) for paragraph in body),
            _("You can see, download or delete your data at any time with /dulieu."),
            _("Consent text version {version}.").format(version=CONSENT_VERSION),
        ]
    )


def consent_keyboard(
    _: Translator, code: str | None = None, *, staff: bool = False
) -> InlineKeyboardMarkup:
    """The consent screen's answers (an invitation code rides along to be used after); the
    parents' screen also offers the staff's text."""
    rows = [[(_("I agree"), Agree(code or "").data()), (_("I do not agree"), Disagree().data())]]
    if not staff:
        rows.append([(_("I work at the school"), StaffConsent(code or "").data())])
    return keyboards.inline(rows)


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
