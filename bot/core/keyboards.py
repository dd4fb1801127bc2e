"""Keyboard builders: they take the translator and return markup; labels live in catalogs."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core.callbacks import pack
from bot.core.i18n import N_, Translator
from storage.models import Role

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
MENU_ARCHIVE = N_("Year archive")
MENU_FEEDBACK = N_("Feedback to the school")


def inline(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Build an inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def consent(_: Translator, code: str | None = None) -> InlineKeyboardMarkup:
    """The consent screen's two answers (an invitation code rides along to be used after)."""
    extra = (code,) if code else ()
    return inline(
        [
            [
                (_("I agree"), pack("consent", "yes", *extra)),
                (_("I do not agree"), pack("consent", "no")),
            ]
        ]
    )


def share_phone(_: Translator) -> ReplyKeyboardMarkup:
    """A one-button reply keyboard that shares the person's own phone number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_(SHARE_PHONE), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def menu_labels(roles: frozenset[Role]) -> list[str]:
    """Return the msgids of the menu buttons for a set of roles."""
    labels: list[str] = []
    if Role.PARENT in roles:
        labels += [MENU_CHILDREN, MENU_FEEDBACK, MENU_LEAVE, MENU_RESULTS]
    if roles & {Role.HOMEROOM, Role.SUBJECT_TEACHER}:
        labels.append(MENU_COMMENTS)
    if roles & {Role.HOMEROOM, Role.PRINCIPAL, Role.VICE_PRINCIPAL}:
        labels.append(MENU_URGENT)
    if roles & {Role.HOMEROOM, Role.ADMIN}:
        labels += [MENU_UNLINKED, MENU_INVITES, MENU_BOOK]
    elif roles & {Role.PRINCIPAL, Role.VICE_PRINCIPAL}:
        labels.append(MENU_BOOK)  # the leaders' locks, deadlines and publication
    if roles & {Role.HOMEROOM, Role.SUBJECT_TEACHER}:
        labels.append(MENU_CORRECT)
    if roles & {Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN}:
        labels.append(MENU_DECIDE)
    if Role.ADMIN in roles:
        labels += [MENU_IMPORT, MENU_REQUESTS]
    if Role.CLERK in roles:
        labels.append(MENU_ARCHIVE)
    return [*labels, MENU_DATA, MENU_LANGUAGE, MENU_HELP]


def menu(_: Translator, roles: frozenset[Role]) -> ReplyKeyboardMarkup:
    """The main menu as a reply keyboard, two buttons per row."""
    labels = [_(label) for label in menu_labels(roles)]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def choices(
    items: Sequence[tuple[str, str]], per_row: int = 2, extra: Sequence[tuple[str, str]] = ()
) -> InlineKeyboardMarkup:
    """Lay out many (label, data) buttons, then one row of extra buttons."""
    rows = [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]
    if extra:
        rows.append(list(extra))
    return inline(rows)
