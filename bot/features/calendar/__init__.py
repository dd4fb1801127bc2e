"""The school calendar: teaching weeks, terms and breaks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core.access import STAFF_ROLES
    from bot.core.i18n import N_
    from bot.features.calendar import chat

    features.command(
        "lichhoc",
        chat.show_calendar,
        N_("The school calendar and this week's number"),
        roles=tuple(STAFF_ROLES),
        position=13,
    )
