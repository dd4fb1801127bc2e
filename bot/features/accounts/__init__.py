"""Accounts and linking: /start, consent, phone or code, link requests, unlinking, /dulieu."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core import keyboards
    from bot.core.i18n import N_
    from bot.features.accounts.chat import account, linking

    features.command("start", linking.start, N_("Start, or link your account"), position=0)
    features.command(
        "dulieu", account.my_data, N_("See, download or delete your data"), position=28
    )
    features.command(
        "huylienket", account.unlink_asked, N_("Unlink this Telegram account"), position=30
    )
    features.menu_button(keyboards.MENU_DATA, account.my_data, position=90)
    features.press_prefix("consent", linking.consent_pressed)
    features.press_prefix("lnk", linking.request_decided)
    features.press_prefix("acct", account.account_pressed)
    features.press_prefix("data", account.data_pressed)
    features.add(*linking.contact_handlers(), *account.member_handlers())
    features.add(*linking.build_text_handler(), late=True)
