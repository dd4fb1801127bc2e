"""Grade corrections: the request with evidence, the decision, signatures, minutes, archive."""

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
    from bot.features.corrections import jobs
    from bot.features.corrections.chat import addition, card, commands, draft, presses, review
    from storage.models import Role

    teachers = (Role.HOMEROOM, Role.SUBJECT_TEACHER)
    deciders = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN)
    features.command(
        "suadiem", presses.command, N_("Fix a recorded score or level"), roles=teachers, position=18
    )
    features.command(
        "duyet",
        review.list_command,
        N_("Correction requests waiting for me"),
        roles=(*deciders, *teachers),
        position=19,
    )
    features.command(
        "vangmat",
        commands.absence_command,
        N_("Record the principal's absence (the vice principal decides)"),
        roles=(Role.PRINCIPAL,),
        position=20,
    )
    features.menu_button(
        keyboards.MENU_CORRECT, presses.command, visible=holding(*teachers), position=50
    )
    features.menu_button(
        keyboards.MENU_DECIDE, review.list_command, visible=holding(*deciders), position=60
    )
    features.press_prefix(card.FEATURE, presses.pressed)
    for kind in (draft.WAIT_VALUE, draft.WAIT_REASON, draft.WAIT_READY, review.WAIT_NOTE):
        features.expect(kind, text=presses.take_text)
    features.expect(draft.WAIT_FILES, text=presses.take_text, media=presses.take_media)
    features.expect(addition.WAIT_ADD, text=presses.take_text, media=presses.take_media)
    jobs.register()
