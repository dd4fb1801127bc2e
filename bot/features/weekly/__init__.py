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
    from bot.features.weekly.chat import buttons, class_list, comments, sending, sheet, typed
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
    features.press(buttons.ShowList, class_list.show_list)
    features.press(buttons.HoldMissing, class_list.toggle_hold)
    features.press(buttons.ChoosePupil, comments.choose_pupil)
    features.press(buttons.UsePhrase, comments.use_phrase)
    features.press(buttons.NextPupil, comments.next_pupil)
    features.press(buttons.WriteNote, typed.write_note)
    features.press(buttons.GetSheet, sheet.send_sheet)
    features.press(buttons.ShowPreview, sending.show_preview)
    features.press(buttons.SendNow, sending.send_now)
    features.press(buttons.ConfirmSend, sending.confirm_send)
    features.expect(comments.WAIT_COMMENT, text=typed.pending_text)
    features.expect(typed.WAIT_NOTE, text=typed.pending_text)
    features.sheet(sheet.try_file, position=1)
    jobs.register()
