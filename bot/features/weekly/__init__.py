"""Weekly comments: written in chat or by spreadsheet, sent to families on Friday."""

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
    from bot.features.weekly import jobs
    from bot.features.weekly.chat import comments, sheet
    from storage.models import Role

    teachers = (Role.HOMEROOM, Role.SUBJECT_TEACHER)
    features.command(
        "nhanxet",
        comments.comments_command,
        N_("Write this week's comments"),
        roles=teachers,
        position=10,
    )
    features.menu_button(
        keyboards.MENU_COMMENTS, comments.comments_command, visible=holding(*teachers), position=20
    )
    features.press_prefix("wk", comments.pressed)
    features.expect(comments.WAIT_COMMENT, text=comments.pending_text)
    features.expect(comments.WAIT_NOTE, text=comments.pending_text)
    features.sheet(sheet.try_file, position=1)
    jobs.register()
