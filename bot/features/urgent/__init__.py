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
    from bot.features.urgent import buttons as press
    from bot.features.urgent.chat import audience, compose, sending
    from bot.features.urgent.queries import TEXT
    from storage.models import Role

    senders = (Role.HOMEROOM, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
    features.command(
        "khan",
        audience.urgent_command,
        N_("Send an urgent notice to families"),
        roles=senders,
        position=12,
    )
    features.menu_button(
        keyboards.MENU_URGENT, audience.urgent_command, visible=holding(*senders), position=30
    )
    # Whom to (leaders), then the preview's buttons, then "Nhắc lại" under the confirmation.
    features.press(press.WholeSchool, audience.whole_school)
    features.press(press.WholeGrade, audience.whole_grade)
    features.press(press.ChooseClasses, audience.choose_classes)
    features.press(press.ToggleClass, audience.toggle_class)
    features.press(press.ClassesChosen, audience.classes_chosen)
    features.press(press.SendNow, sending.send_now)
    features.press(press.Schedule, sending.schedule)
    features.press(press.SendAt, sending.send_at)
    features.press(press.CancelDraft, sending.cancel_draft)
    features.press(press.RemindAgain, sending.remind_again)
    features.expect(TEXT, text=compose.take_text, media=compose.take_media)
