"""The teacher's correction draft after the item is chosen: the new value, the reason, the
evidence (evidence.py), the summary to check, then "Gửi đề nghị" (or "Hủy"); the draft lives in
the person's pending input, so it survives a restart, and every step checks the pupil's scope
again.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, RuleError
from bot.features.calendar.queries import Calendar
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads, texts
from bot.features.corrections.chat.buttons import (
    CancelDraft,
    EvidenceDone,
    PickReason,
    PickValue,
    SendRequest,
)
from bot.features.corrections.chat.card import STALE_FORM, expect, open_draft, send_to_deciders
from bot.features.corrections.chat.evidence import WAIT_FILES, done_button, download
from bot.features.corrections.queries import Evidence
from bot.features.corrections.rules import NO_EVIDENCE, NOT_YOURS, Refused
from storage.models import CorrectionReason, CorrectionRequest, SchoolClass, Student

WAIT_VALUE = "corr_value"
WAIT_REASON = "corr_reason"
WAIT_READY = "corr_ready"
DRAFTS = (WAIT_VALUE, WAIT_REASON, WAIT_FILES, WAIT_READY)


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


async def _target_of(visit: Visit, draft: dict[str, Any]) -> tuple[Student, SchoolClass, Item]:
    found = await reads.pupil_in_scope(visit.session, visit.actor, int(draft["student"]))
    item = Item.from_key(str(draft["item"]))
    if found is None or item is None:
        raise Refused(NOT_YOURS)
    return found[0], found[1], item


# New value, reason -----------------------------------------------------------------------------


async def _set_value(visit: Visit, context: BotContext, draft: dict[str, Any], text: str) -> str:
    """Check the new value and move on to the reason; the HTML reply to show."""
    _ = visit._
    student, klass, item = await _target_of(visit, draft)
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
        )
    except RuleError as error:
        told = error.message(_) + "\n" + _("Nothing was recorded; please enter the value again.")
        return html.escape(told)
    except Refused as refused:
        return html.escape(refused.message(_) + "\n" + _("Please enter the correct value."))
    await expect(visit, WAIT_REASON, draft | {"value": value})
    told = _("New value: {value}. Why is the correction needed?")
    return html.escape(told.format(value=assessment.value_text(item, value, _)))


def _reason_buttons(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.choices(
        [
            (_(label.chat), PickReason(reason.value).data())
            for reason, label in CORRECTION_REASON_LABELS.items()
        ],
        per_row=1,
    )


async def value_pressed(press: PickValue, visit: Visit, context: BotContext) -> None:
    """A level chosen with its button."""
    draft = await open_draft(visit, WAIT_VALUE)
    if draft is None:
        visit.alert(visit._(STALE_FORM))
        return
    text = await _set_value(visit, context, draft, press.code)
    asked = await open_draft(visit, WAIT_REASON)
    visit.edit(text, _reason_buttons(visit._) if asked and "value" in asked else None)


async def reason_pressed(press: PickReason, visit: Visit, context: BotContext) -> None:
    """The kind of reason; the details are typed next."""
    try:
        reason = CorrectionReason(press.reason)
    except ValueError:
        return  # no button carries it: answered quietly
    draft = await open_draft(visit, WAIT_REASON)
    if draft is None:
        visit.alert(visit._(STALE_FORM))
        return
    await expect(visit, WAIT_REASON, draft | {"reason": reason.value})
    _ = visit._
    text = _(
        "{reason}. Please type the details: what was wrong and where the right value comes from."
    )
    visit.edit(html.escape(text.format(reason=_(CORRECTION_REASON_LABELS[reason].chat))))


async def take_value(message: Message, visit: Visit, context: BotContext) -> bool:
    """The new value, typed."""
    draft = await open_draft(visit, WAIT_VALUE)
    if draft is None:
        return False
    reply = await _set_value(visit, context, draft, message.text or "")
    asked = await open_draft(visit, WAIT_REASON)
    visit.reply(reply, _reason_buttons(visit._) if asked and "reason" not in asked else None)
    return True


async def take_reason(message: Message, visit: Visit, context: BotContext) -> bool:
    """The reason's details, typed after its kind was chosen."""
    draft = await open_draft(visit, WAIT_REASON)
    if draft is None:
        return False
    _ = visit._
    text = message.text or ""
    if "reason" not in draft:
        visit.reply(_("Please choose the kind of reason first."), _reason_buttons(_), as_html=False)
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
    visit.reply(ask, done_button(_), as_html=False)
    return True


async def take_stray_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Text while the draft waits for evidence (a reminder) or for "send" (kept quiet)."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_FILES, WAIT_READY):
        return False
    if waiting.kind == WAIT_FILES:
        _ = visit._
        again = _("Please send the evidence as a photo or a file, then press “Done”.")
        visit.reply(again, done_button(_), as_html=False)
    return True


# Summary, send, cancel -------------------------------------------------------------------------


async def done_pressed(press: EvidenceDone, visit: Visit, context: BotContext) -> None:
    """ "Xong": show the whole request to check before sending."""
    _ = visit._
    draft = await open_draft(visit, WAIT_FILES)
    if draft is None:
        visit.alert(_(STALE_FORM))
        return
    if not draft.get("files"):
        visit.alert(Refused(NO_EVIDENCE).message(_))
        return
    await expect(visit, WAIT_READY, draft)
    buttons = [(_("Send the request"), SendRequest().data()), (_("Cancel"), CancelDraft().data())]
    visit.edit(await _summary(visit, context, draft), keyboards.choices(buttons))


async def _summary(visit: Visit, context: BotContext, draft: dict[str, Any]) -> str:
    """The whole request as it will be sent, in HTML."""
    _ = visit._
    student, klass, item = await _target_of(visit, draft)
    period = Period(draft["period"])
    book = await assessment.pupil_results(
        visit.session, student.id, draft_year(draft, context, visit), period
    )
    old = book.get(item)
    reason = _(CORRECTION_REASON_LABELS[CorrectionReason(draft["reason"])].chat)
    lines = [
        "<b>" + _("Correction request — please check before sending") + "</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(await reads.pupil_label(visit.session, student, _)),
            class_name=html.escape(klass.name),
        ),
        _("Period: {period}").format(period=assessment.period_name(period, _)),
        _("Item: {item}").format(item=item.name(_)),
        _("Change: {old} → {new}").format(
            old=assessment.value_text(item, old.value if old else None, _),
            new=assessment.value_text(item, str(draft["value"]), _),
        ),
        _("Reason: {reason} — {text}").format(reason=reason, text=html.escape(str(draft["text"]))),
        _("Evidence: {files}").format(
            files=html.escape(", ".join(texts.draft_labels(draft["files"], _)))
        ),
    ]
    return "\n".join(lines)


async def send_pressed(press: SendRequest, visit: Visit, context: BotContext) -> None:
    """ "Gửi đề nghị": the files are downloaded after this visit, the request filed in the next."""
    draft = await open_draft(visit, WAIT_READY)
    if draft is None:
        visit.alert(visit._(STALE_FORM))
        return
    update = visit.update
    visit.later(lambda: _file(update, context, draft))


async def _file(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Download the evidence (no transaction open), then file the request and queue its card
    for the deciding leaders, if the draft is still there to send (a second press finds none)."""
    evidence = await download(context, draft.get("files", []))
    async with context.visit(update) as visit:
        _ = visit._
        if await open_draft(visit, WAIT_READY) != draft:
            return
        await pending.clear(visit.session, visit.account.id)
        try:
            request = await _submit(visit, context, draft, evidence)
        except (Refused, RuleError) as error:
            visit.edit(html.escape(error.message(_) + "\n" + _("Nothing was sent.")))
            return
        sent = await send_to_deciders(visit, context, request)
        what = texts.what(request, await reads.request_facts(visit.session, request, _), _)
        text = _(
            "The request to correct {what} was sent to the principal; you will be told the "
            "decision here."
        ).format(what=what)
        if not sent:
            text += "\n" + _(
                "No school leader has joined the contact book yet: please tell them directly."
            )
        visit.edit(html.escape(text))


async def _submit(
    visit: Visit, context: BotContext, draft: dict[str, Any], evidence: list[Evidence]
) -> CorrectionRequest:
    """File the draft's request, checked again from the records."""
    item = Item.from_key(str(draft["item"]))
    if item is None or visit.account.staff_id is None:
        raise Refused(NOT_YOURS)
    return await corrections.submit(
        visit.session,
        visit.actor,
        staff_id=visit.account.staff_id,
        student_id=int(draft["student"]),
        school_year=draft_year(draft, context, visit),
        period=Period(draft["period"]),
        item=item,
        new_text=str(draft["value"]),
        reason=CorrectionReason(draft["reason"]),
        reason_text=str(draft["text"]),
        evidence=evidence,
        now=visit.now,
        today=context.today(visit.now),
        calendar=await calendar_of(visit, context),
        who=visit.who,
    )


async def cancel_pressed(press: CancelDraft, visit: Visit, context: BotContext) -> None:
    """ "Hủy": drop the draft."""
    if await open_draft(visit, *DRAFTS) is not None:
        await pending.clear(visit.session, visit.account.id)
    visit.edit(html.escape(visit._("The correction request was cancelled; nothing was sent.")))
