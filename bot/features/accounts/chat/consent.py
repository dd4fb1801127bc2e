"""The consent screen: what the school keeps, why and who sees it, with "I agree" / "I do not
agree" (the presses are answered in bot/features/accounts/chat/linking.py)."""

from __future__ import annotations

import html
import unicodedata

from telegram import InlineKeyboardMarkup

from bot.core import keyboards
from bot.core.context import Visit
from bot.core.i18n import Translator
from bot.features.accounts.buttons import Agree, Disagree
from bot.features.accounts.invitations import normalize_code
from bot.features.accounts.rules import CONSENT_VERSION

# Characters some people use as a "blank" name: fillers that show as nothing.
_BLANKS = "\u115f\u1160\u2800\u3164\uffa0"


def ask_consent(visit: Visit, code: str | None = None) -> None:
    """Show what the school keeps, why and who sees it, with "I agree" / "I do not agree"."""
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
            _("Consent text version {version}.").format(version=CONSENT_VERSION),
        ]
    )
    visit.reply(text, consent_keyboard(_, normalize_code(code) if code else None))


def consent_keyboard(_: Translator, code: str | None = None) -> InlineKeyboardMarkup:
    """The consent screen's two answers (an invitation code rides along to be used after)."""
    return keyboards.inline(
        [[(_("I agree"), Agree(code or "").data()), (_("I do not agree"), Disagree().data())]]
    )


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
