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
    from bot.delivery.dispatcher import on_failure
    from bot.features.corrections import jobs, unshown
    from bot.features.corrections.chat import commands, official, presses
    from storage.models import Role

    teachers = (Role.HOMEROOM, Role.SUBJECT_TEACHER)
    deciders = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN)
    features.command(
        "suadiem", presses.command, N_("Fix a recorded score or level"), roles=teachers, position=18
    )
    features.command(
        "duyet",
        commands.list_command,
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
    # The leaders decide; the administrator enters approved changes in the official system.
    leaders = holding(Role.PRINCIPAL, Role.VICE_PRINCIPAL)
    features.menu_button(keyboards.MENU_DECIDE, commands.list_command, visible=leaders, position=60)
    features.menu_button(
        keyboards.MENU_APPLY,
        commands.list_command,
        visible=lambda roles: Role.ADMIN in roles and not leaders(roles),
        position=61,
    )
    features.command(
        "xuatsuadiem",
        official.official_command,
        N_("Approved corrections of a period as a spreadsheet for the official system"),
        roles=(Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        position=21,
    )
    features.menu_button(
        official.MENU_OFFICIAL, official.official_command, visible=holding(Role.ADMIN), position=62
    )
    from bot.features.corrections import deep_link
    from bot.features.corrections.chat import start

    features.start_payload(deep_link.PREFIX, start.start_link)  # the web grid's locked cells
    _presses(features)
    _inputs(features)
    jobs.register()
    on_failure(unshown.NEWS, unshown.evidence_refused)  # a refused evidence file, told at once


def _presses(features: Features) -> None:
    """Each kind of press to its handler."""
    from bot.features.corrections.chat import (
        addition,
        draft,
        kinds,
        official,
        presses,
        review,
        sending,
        signing,
    )
    from bot.features.corrections.chat import buttons as b

    features.press(b.PickClass, presses.class_pressed)
    features.press(b.PickPupil, presses.pupil_pressed)
    features.press(b.PickPeriod, presses.period_pressed)
    features.press(b.PickItem, presses.item_pressed)
    features.press(b.PickValue, draft.value_pressed)
    features.press(b.PickReason, draft.reason_pressed)
    features.press(b.EvidenceDone, sending.done_pressed)
    features.press(b.EvidenceKind, kinds.kind_pressed)
    features.press(b.SendRequest, sending.send_pressed)
    features.press(b.CancelDraft, sending.cancel_pressed)
    features.press(b.AddToRequest, addition.add_pressed)
    features.press(b.SendAddition, addition.send_pressed)
    features.press(b.AskApprove, review.ask_pressed)
    features.press(b.AskReject, review.ask_pressed)
    features.press(b.BackToCard, review.ask_pressed)
    features.press(b.Approve, review.approve_pressed)
    features.press(b.Reject, review.note_pressed)
    features.press(b.AskMore, review.note_pressed)
    features.press(b.Applied, signing.applied_pressed)
    features.press(b.Sign, signing.sign_pressed)
    features.press(b.OfficialPeriod, official.period_pressed)


def _inputs(features: Features) -> None:
    """Each kind of pending input to what takes its typed text or its file."""
    from bot.features.corrections.chat import addition, draft, evidence, late, paper, review

    features.expect(late.WAIT_PICK, text=late.take_stray, media=late.take_stray)
    features.expect(late.WAIT_VALUE, text=draft.take_value)
    features.expect(late.WAIT_REASON, text=draft.take_reason)
    features.expect(late.WAIT_READY, text=draft.take_stray_text)
    features.expect(late.WAIT_FILES, text=draft.take_stray_text, media=evidence.take_media)
    features.expect(evidence.WAIT_ADD, text=addition.take_text, media=evidence.take_media)
    features.expect(review.WAIT_NOTE, text=review.take_note)
    features.expect(paper.WAIT_PAPER, text=paper.take_detail)
