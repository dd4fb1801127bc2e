"""Urgent notices from homeroom teachers and leaders to families."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core import keyboards
    from bot.core.features import holding
    from bot.core.i18n import N_
    from bot.features.urgent.chat import compose
    from bot.features.urgent.queries import TEXT
    from storage.models import Role

    senders = (Role.HOMEROOM, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
    features.command(
        "khan",
        compose.urgent_command,
        N_("Send an urgent notice to families"),
        roles=senders,
        position=12,
    )
    features.menu_button(
        keyboards.MENU_URGENT, compose.urgent_command, visible=holding(*senders), position=30
    )
    features.press_prefix("urg", compose.pressed)
    features.expect(TEXT, text=compose.take_text, media=compose.take_media)
