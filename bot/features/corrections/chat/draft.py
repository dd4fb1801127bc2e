"""The teacher's correction draft after the item is chosen: the new value, the reason, the
evidence (evidence.py), the summary to check, then "Gửi đề nghị" (or "Hủy"); the draft lives in
the person's pending input, so it survives a restart, and every step checks the pupil's scope
again.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, RuleError
from bot.features.calendar.queries import Calendar
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads, rules
from bot.features.corrections.chat.buttons import (
    CancelDraft,
    PickReason,
    PickValue,
)
from bot.features.corrections.chat.card import expect, open_draft
from bot.features.corrections.chat.evidence import done_button
from bot.features.corrections.chat.late import (
    WAIT_FILES,
    WAIT_READY,
    WAIT_REASON,
    WAIT_VALUE,
    closed,
    open_form,
)
from bot.features.corrections.rules import NOT_YOURS, Refused
from storage.models import AssessmentKind, CorrectionReason, SchoolClass, Student

READY = N_("The request is ready: press “Send the request” or “Cancel” above.")


def year_of(context: BotContext, visit: Visit) -> str:
    """The current school year, "2025-2026"."""
    return assessment.school_year_of(context.today(visit.now))


def draft_year(draft: dict[str, Any], context: BotContext, visit: Visit) -> str:
    """The school year the draft was started in (today's for drafts that did not keep it)."""
    return str(draft.get("year") or year_of(context, visit))


async def calendar_of(visit: Visit, context: BotContext) -> Calendar:
    """The school's calendar around today."""
    return await reads.school_calendar(
        visit.session, visit.actor.school_id, context.today(visit.now)
    )


async def target_of(visit: Visit, draft: dict[str, Any]) -> tuple[Student, SchoolClass, Item]:
    """The draft's pupil, class and item, checked again against the teacher's scope."""
    found = await reads.pupil_in_scope(visit.session, visit.actor, int(draft["student"]))
    item = Item.from_key(str(draft["item"]))
    if found is None or item is None:
        raise Refused(NOT_YOURS)
    return found[0], found[1], item


# New value, reason -----------------------------------------------------------------------------


async def _set_value(visit: Visit, context: BotContext, draft: dict[str, Any], text: str) -> str:
    """Check the new value and move on to the reason; the HTML reply to show."""
    _ = visit._
    student, klass, item = await target_of(visit, draft)
    period = Period(draft["period"])
    book = await assessment.pupil_results(
        visit.session, student.id, draft_year(draft, context, visit), period
    )
    recorded = book.get(item)
    try:
        value = corrections.checked_value(
            item,
            text,
            grade=klass.grade,
            period=period,
            recorded=recorded.value if recorded else None,
            optional=await assessment.optional_subjects(visit.session, klass),
        )
    except RuleError as error:
        told = error.message(_) + "\n" + _("Nothing was recorded; please enter the value again.")
        return html.escape(told)
    except Refused as refused:
        return html.escape(refused.message(_) + "\n" + _("Please enter the correct value."))
    await expect(visit, WAIT_REASON, draft | {"value": value})
    told = _("New value: {value}. Why is the correction needed?")
    return html.escape(told.format(value=assessment.value_text(item, value, _)))


def cancel_row(_: Translator, flow: str) -> tuple[str, str]:
    """ "Hủy" of this form."""
    return (_("Cancel"), CancelDraft(flow).data())


async def _allowed(
    visit: Visit, context: BotContext, draft: dict[str, Any]
) -> list[CorrectionReason]:
    """The kinds of reason this item may give (TT27 Điều 7 and 11: rules.reasons_for)."""
    student, klass, item = await target_of(visit, draft)
    period = Period(draft["period"])
    target = corrections.Target(
        student, klass, draft_year(draft, context, visit), period, item, None
    )
    outcome = await corrections.outcome_now(visit.session, target)
    return rules.reasons_for(item.kind, period.value, outcome)


async def _reason_buttons(
    visit: Visit, context: BotContext, draft: dict[str, Any]
) -> InlineKeyboardMarkup:
    """One button per kind of reason this item may give, then "Hủy"."""
    _, flow = visit._, str(draft.get("flow", ""))
    allowed = await _allowed(visit, context, draft)
    return keyboards.choices(
        [
            *(
                (_(CORRECTION_REASON_LABELS[reason].chat), PickReason(reason.value, flow).data())
                for reason in allowed
            ),
            cancel_row(_, flow),
        ],
        per_row=1,
    )


async def value_pressed(press: PickValue, visit: Visit, context: BotContext) -> None:
    """A level chosen with its button."""
    draft = await open_form(visit, press.flow, WAIT_VALUE)
    if draft is None:
        await closed(visit, press.flow)
        return
    text = await _set_value(visit, context, draft, press.code)
    asked = await open_draft(visit, WAIT_REASON)
    ready = asked is not None and "value" in asked
    visit.edit(text, await _reason_buttons(visit, context, draft) if ready else None)


async def reason_pressed(press: PickReason, visit: Visit, context: BotContext) -> None:
    """The kind of reason; the details are typed next."""
    try:
        reason = CorrectionReason(press.reason)
    except ValueError:
        return  # no button carries it: answered quietly
    draft = await open_form(visit, press.flow, WAIT_REASON)
    if draft is None:
        await closed(visit, press.flow)
        return
    _ = visit._
    if reason not in await _allowed(visit, context, draft):
        item = Item.from_key(str(draft["item"]))
        kind = item.kind if item else AssessmentKind.LEVEL
        problem = rules.reason_problem(reason, kind, str(draft["period"]), None)
        visit.alert(_(problem or rules.ADDITIONAL_SCOPE))
        return
    await expect(visit, WAIT_REASON, draft | {"reason": reason.value})
    text = _(
        "{reason}. Please type the details: what was wrong and where the right value comes from."
    )
    shown = html.escape(text.format(reason=_(CORRECTION_REASON_LABELS[reason].chat)))
    visit.edit(shown, keyboards.choices([cancel_row(_, str(draft.get("flow", "")))]))


async def take_value(message: Message, visit: Visit, context: BotContext) -> bool:
    """The new value, typed."""
    draft = await open_draft(visit, WAIT_VALUE)
    if draft is None:
        return False
    reply = await _set_value(visit, context, draft, message.text or "")
    asked = await open_draft(visit, WAIT_REASON)
    ready = asked is not None and "reason" not in asked
    visit.reply(reply, await _reason_buttons(visit, context, draft) if ready else None)
    return True


async def take_reason(message: Message, visit: Visit, context: BotContext) -> bool:
    """The reason's details, typed after its kind was chosen."""
    draft = await open_draft(visit, WAIT_REASON)
    if draft is None:
        return False
    _ = visit._
    text = message.text or ""
    if "reason" not in draft:
        first = _("Please choose the kind of reason first.")
        visit.reply(first, await _reason_buttons(visit, context, draft), as_html=False)
        return True
    problem = limits.text_problem(text)
    if problem is not None:
        visit.reply(limits.fill(problem, _(problem)), as_html=False)
        return True
    await expect(visit, WAIT_FILES, draft | {"text": text.strip(), "files": []})
    ask = _(
        "Please send the evidence: a photo or a file of the mark book page and of the "
        "pupil's test (PDF, Word or a picture). Press “Done” when everything is sent."
    )
    visit.reply(ask, done_button(_, str(draft.get("flow", ""))), as_html=False)
    return True


async def take_stray_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Text while the draft waits for evidence or for "send": not an answer; say what waits."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_FILES, WAIT_READY):
        return False
    _ = visit._
    if waiting.kind == WAIT_FILES:
        again = _("Please send the evidence as a photo or a file, then press “Done”.")
        visit.reply(again, done_button(_, str(waiting.data.get("flow", ""))), as_html=False)
    else:
        visit.reply(_(READY), as_html=False)
    return True
