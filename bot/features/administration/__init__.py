"""Administration: lists import, parents not linked, invitation slips, data requests, revoking."""

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
    from bot.features.administration import buttons, jobs
    from bot.features.administration.chat import accounts, families, files
    from storage.models import Role

    keepers = (Role.HOMEROOM, Role.ADMIN)
    features.command(
        "chualienket", families.unlinked, N_("Parents not linked yet"), roles=keepers, position=8
    )
    features.command(
        "moi",
        families.invitations_command,
        N_("Print invitation slips for a class"),
        roles=keepers,
        position=9,
    )
    features.command(
        "yeucau", accounts.data_requests, N_("Open data requests"), roles=(Role.ADMIN,), position=26
    )
    features.command(
        "thuhoi",
        accounts.revoke_command,
        N_("Revoke an account (lost phone)"),
        roles=(Role.ADMIN,),
        position=27,
    )
    features.menu_button(
        keyboards.MENU_UNLINKED, families.unlinked, visible=holding(*keepers), position=40
    )
    features.menu_button(
        keyboards.MENU_INVITES, families.invitations_command, visible=holding(*keepers), position=41
    )
    features.menu_button(
        keyboards.MENU_IMPORT, files.import_help, visible=holding(Role.ADMIN), position=70
    )
    features.menu_button(
        keyboards.MENU_REQUESTS, accounts.data_requests, visible=holding(Role.ADMIN), position=71
    )
    features.press(buttons.ShowUnlinked, families.unlinked_pressed)
    features.press(buttons.PrintSlips, families.slips_pressed)
    features.press(buttons.ConfirmImport, files.confirm_pressed)
    features.press(buttons.CancelImport, files.cancel_pressed)
    features.press(buttons.Revoke, accounts.revoke_pressed)
    features.add(*files.file_handlers())
    jobs.register()
