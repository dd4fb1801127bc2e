"""The contact book on the web: /web gives a one-time link and code; over HTTPS the staff's
menus open their page as a Mini App; the pages are bot/web/."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add /web for everyone on the school's lists; give the invitation slips their web links;
    over HTTPS, the staff's Mini App buttons in the menu keyboard and the chat's menu button."""
    from bot.core.features import holding
    from bot.core.i18n import N_
    from bot.features.accounts import invitations
    from bot.features.web_access import chat
    from bot.features.web_access.slips import SlipLinks
    from storage.models import Role

    invitations.offer_web_links(SlipLinks)  # the slips' second QR code (/moi, the CLI)

    features.command(
        "web",
        chat.web_command,
        N_("Open the contact book on the web"),
        roles=tuple(Role),
        position=27,
    )
    # Beside "Weekly comments" for the homeroom teacher, first for the leaders.
    features.menu_web_app(chat.GRID, chat.GRID_PAGE, visible=holding(Role.HOMEROOM), position=21)
    features.menu_web_app(
        chat.DASHBOARD, chat.DASHBOARD_PAGE, visible=holding(*chat.LEADERS), position=21
    )
    features.on_menu(chat.menu_shown)
