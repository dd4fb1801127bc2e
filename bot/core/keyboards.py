"""Keyboard builders: they take the translator and return markup; labels live in catalogs."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core.i18n import N_, Translator

SHARE_PHONE = N_("Share my phone number")
MENU_CHILDREN = N_("My children")
MENU_DATA = N_("My data")
MENU_LANGUAGE = N_("Language")
MENU_HELP = N_("Help")
MENU_UNLINKED = N_("Parents not linked yet")
MENU_INVITES = N_("Invitation slips")
MENU_REQUESTS = N_("Data requests")
MENU_IMPORT = N_("Import lists")
MENU_COMMENTS = N_("Weekly comments")
MENU_URGENT = N_("Urgent notice")
MENU_LEAVE = N_("Ask for leave")
MENU_RESULTS = N_("Results")
MENU_BOOK = N_("Assessment book")
MENU_CORRECT = N_("Correct a result")
MENU_DECIDE = N_("Corrections to decide")
MENU_APPLY = N_("Corrections to enter")
MENU_OVERVIEW = N_("Parents' feedback")
MENU_HEALTH = N_("Health checks")
MENU_HEALTH_IMPORT = N_("Import health results")
MENU_HEALTH_ALERT = N_("Health notice")
MENU_ARCHIVE = N_("Year archive")
MENU_FEEDBACK = N_("Feedback to the school")


# The Bot API's button colours (InlineKeyboardButton.style): green to approve, red to refuse.
SUCCESS, DANGER, PRIMARY = "success", "danger", "primary"


def button(label: str, data: str, style: str | None = None) -> InlineKeyboardButton:
    """One inline button; `style` is one of the Bot API's colours, or None for the app's own."""
    if style is None:
        return InlineKeyboardButton(label, callback_data=data)
    return InlineKeyboardButton(label, callback_data=data, style=style)


def inline(rows: Sequence[Sequence[tuple[str, ...]]]) -> InlineKeyboardMarkup:
    """Build an inline keyboard from rows of (label, callback data[, style])."""
    return InlineKeyboardMarkup([[button(*entry[:3]) for entry in row] for row in rows])


def share_phone(_: Translator) -> ReplyKeyboardMarkup:
    """A one-button reply keyboard that shares the person's own phone number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_(SHARE_PHONE), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def choices(
    items: Sequence[tuple[str, ...]], per_row: int = 2, extra: Sequence[tuple[str, ...]] = ()
) -> InlineKeyboardMarkup:
    """Lay out many (label, data) buttons, then one row of extra buttons."""
    rows = [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]
    if extra:
        rows.append(list(extra))
    return inline(rows)
