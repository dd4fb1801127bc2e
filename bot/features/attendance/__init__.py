"""Attendance: the homeroom teacher records a day's absences, per session."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core.i18n import N_
    from bot.features.attendance import chat
    from storage.models import Role

    features.command(
        "diemdanh",
        chat.take_attendance,
        N_("Record today's absences"),
        roles=(Role.HOMEROOM,),
        position=11,
    )
    features.press(chat.ChooseSession, chat.session_chosen)
    features.press(chat.ChooseDay, chat.day_chosen)
    features.press(chat.Finish, chat.session_chosen)
    features.press(chat.MarkPupil, chat.pupil_pressed)
