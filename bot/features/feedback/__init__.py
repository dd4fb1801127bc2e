"""Parents' feedback to the school, routed to the right staff, with answers and reminders."""

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
    from bot.features.feedback import buttons, jobs
    from bot.features.feedback.chat import late, leaders, offer, parent, staff, thread, typed
    from bot.features.feedback.chat.ask import WAIT_DRAFT, WAIT_PHOTO, WAIT_TEXT
    from storage.models import Role

    features.command(
        "gopy",
        parent.feedback_command,
        N_("Send feedback to the school"),
        roles=(Role.PARENT,),
        position=4,
    )
    features.command(
        "gopy_bgh",
        leaders.list_command,
        N_("Feedback waiting for an answer, per class and topic"),
        roles=(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        position=6,
    )
    features.command(
        "giolamviec",
        leaders.hours_command,
        N_("Hours in which parents' messages reach you"),
        roles=(Role.HOMEROOM, Role.SUBJECT_TEACHER),
        position=7,
    )
    features.menu_button(
        keyboards.MENU_FEEDBACK, parent.feedback_command, visible=holding(Role.PARENT), position=11
    )
    features.menu_button(
        keyboards.MENU_OVERVIEW,
        leaders.list_command,
        visible=holding(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        position=26,
    )
    features.press(buttons.FromNotice, parent.from_notice_pressed)
    features.press(buttons.PickChild, parent.child_pressed)
    features.press(buttons.PickRecipient, parent.recipient_pressed)
    features.press(buttons.PickTopic, parent.topic_pressed)
    features.press(buttons.PickAnonymous, parent.anonymous_pressed)
    features.press(buttons.SendWithoutPhoto, parent.send_pressed)
    features.press(buttons.CancelFeedback, late.cancel_pressed)
    features.press(buttons.SendLong, offer.long_pressed)
    features.press(buttons.Answer, staff.answer_pressed)
    features.press(buttons.Handled, staff.handled_pressed)
    features.press(buttons.WriteMore, thread.more_pressed)
    features.expect(WAIT_DRAFT, text=typed.take_text)
    features.expect(WAIT_TEXT, text=typed.take_text, media=typed.take_media)
    features.expect(WAIT_PHOTO, text=typed.take_text, media=typed.take_media)
    features.expect(thread.WAIT_MORE, text=thread.take_more)
    features.expect(staff.WAIT_REPLY, text=staff.take_reply)
    jobs.register()
