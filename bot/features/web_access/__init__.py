"""The contact book on the web: /web gives a one-time link and code; the pages are bot/web/."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add /web for everyone on the school's lists; give the invitation slips their web links."""
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
