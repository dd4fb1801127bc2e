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
    from bot.features.accounts import buttons, jobs
    from bot.features.accounts.chat import account, consent, linking, requests

    features.command("start", linking.start, N_("Start, or link your account"), position=0)
    features.command(
        "dulieu", account.my_data, N_("See, download or delete your data"), position=28
    )
    features.command(
        "huylienket", account.unlink_asked, N_("Unlink this Telegram account"), position=30
    )
    features.menu_button(keyboards.MENU_DATA, account.my_data, position=90)
    features.press(buttons.Agree, linking.agreed)
    features.press(buttons.Disagree, linking.disagreed)
    features.press(buttons.StaffConsent, consent.staff_consent)
    features.press(buttons.LinkChild, requests.child_chosen)
    features.press(buttons.ConfirmLink, requests.link_confirmed)
    features.press(buttons.BackToRequest, requests.back_pressed)
    features.press(buttons.RefuseLink, requests.refused)
    features.press(buttons.Unlink, account.unlink_pressed)
    features.press(buttons.KeepLink, account.keep_pressed)
    features.press(buttons.ExportData, account.export_pressed)
    features.press(buttons.AskWithdraw, account.withdraw_asked)
    features.press(buttons.AskDeletion, account.deletion_asked)
    features.press(buttons.Withdraw, account.withdraw_pressed)
    features.press(buttons.Delete, account.delete_pressed)
    features.press(buttons.KeepData, account.cancel_pressed)
    features.add(*linking.contact_handlers(), *account.member_handlers())
    features.add(*linking.build_text_handler(), late=True)
    jobs.register()
