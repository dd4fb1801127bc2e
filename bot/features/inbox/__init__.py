"""The staff inbox: every open feedback, leave request and link request a person answers, each
with the buttons of its card (/hopthu, and the menu's "Hộp thư")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add the inbox's command, menu button and "more" press."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core.features import holding
    from bot.core.i18n import N_
    from bot.features.inbox import buttons, chat, rules

    features.command(
        "hopthu",
        chat.inbox_command,
        N_("Feedback, leave and link requests waiting for you"),
        roles=rules.STAFF,
        position=3,
    )
    features.menu_button(
        chat.MENU_INBOX, chat.inbox_command, visible=holding(*rules.STAFF), position=25
    )
    features.press(buttons.ShowMore, chat.more_pressed)
