"""Leave requests: the parent asks for days off, the homeroom teacher answers."""

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
    from bot.features.leave import buttons, jobs
    from bot.features.leave.chat import long, parent, sending, staff, typed
    from storage.models import Role

    features.command(
        "xinnghi",
        parent.leave_command,
        N_("Ask for leave for your child"),
        roles=(Role.PARENT,),
        position=5,
    )
    features.menu_button(
        keyboards.MENU_LEAVE, parent.leave_command, visible=holding(Role.PARENT), position=12
    )
    features.press(buttons.PickChild, parent.child_pressed)
    features.press(buttons.PickDay, parent.day_pressed)
    features.press(buttons.PickPart, parent.part_pressed)
    features.press(buttons.SendRequest, sending.send_pressed)
    features.press(buttons.ShortenReason, long.shorten_pressed)
    features.press(buttons.CancelForm, parent.cancel_pressed)
    features.press(buttons.Confirm, staff.confirm_pressed)
    features.press(buttons.Refuse, staff.refuse_pressed)
    features.press(buttons.ShortenRefusal, staff.shorten_pressed)
    for kind in typed.TAKERS:
        media = None if kind == staff.WAIT_REFUSAL else typed.take_media
        features.expect(kind, text=typed.take_text, media=media)
    jobs.register()
