"""The year archive of corrections, for the office clerk."""

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
    from bot.features.archive import chat
    from storage.models import Role

    keepers = (Role.CLERK, Role.PRINCIPAL, Role.ADMIN)
    features.command(
        "luutru",
        chat.send_archive,
        N_("Archive of a school year's corrections (.zip)"),
        roles=keepers,
        position=25,
    )
    features.menu_button(
        keyboards.MENU_ARCHIVE, chat.send_archive, visible=holding(Role.CLERK), position=80
    )
