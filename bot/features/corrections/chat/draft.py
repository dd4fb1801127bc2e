"""The teacher's correction draft after the item is chosen: the new value, the reason, the
evidence, the summary to check, then "Gửi đề nghị" (or "Hủy"); the draft lives in the person's
pending input, so it survives a restart, and every step checks the pupil's scope again.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.core import keyboards, limits, pending
from bot.core.callbacks import BadCallback, Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.core.presses import alert
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, RuleError
from bot.features.calendar.queries import load_calendar
from bot.features.corrections import queries as corrections
from bot.features.corrections.chat.card import FEATURE, download, send_to_deciders
from bot.features.corrections.queries import Refused
from storage.models import CorrectionReason, School, SchoolClass, Student

WAIT_VALUE = "corr_value"
WAIT_REASON = "corr_reason"
WAIT_FILES = "corr_files"
WAIT_READY = "corr_ready"
DRAFTS = (WAIT_VALUE, WAIT_REASON, WAIT_FILES, WAIT_READY)
HTML = ParseMode.HTML
STALE_FORM = N_("This form is no longer open; please send /suadiem again.")


async def expect(visit: Visit, kind: str, data: dict[str, Any]) -> None:
    """Keep the draft (or the addition) as the person's pending input of this kind."""
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, kind, data, visit.now
    )


async def open_draft(visit: Visit, *kinds: str) -> dict[str, Any] | None:
    """The person's pending input if it is one of these kinds, else None."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in kinds:
        return None
    return dict(waiting.data)


def year_of(context: BotContext, visit: Visit) -> str:
    """The current school year, "2025-2026"."""
    return assessment.school_year_of(context.today(visit.now))


async def calendar_of(visit: Visit, context: BotContext) -> Any:
    """The school's calendar around today."""
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    return await load_calendar(visit.session, school, context.today(visit.now))


async def pupil_in_scope(visit: Visit, student_id: int) -> tuple[Student, SchoolClass] | None:
    """The pupil and their class, if the teacher may ask corrections for them."""
    student = await visit.session.get(Student, student_id)
    if student is None or student.class_id not in corrections.classes_in_scope(visit.actor):
        return None
    klass = await visit.session.get(SchoolClass, student.class_id)
    return None if klass is None else (student, klass)


async def _target_of(visit: Visit, draft: dict[str, Any]) -> tuple[Student, SchoolClass, Item]:
    found = await pupil_in_scope(visit, int(draft["student"]))
    item = Item.from_key(str(draft["item"]))
    if found is None or item is None:
        raise Refused(corrections.NOT_YOURS)
    return found[0], found[1], item


# New value, reason, evidence -------------------------------------------------------------------


def draft_year(draft: dict[str, Any], context: BotContext, visit: Visit) -> str:
    """The school year the draft was started in (today's for drafts that did not keep it)."""
    return str(draft.get("year") or year_of(context, visit))


async def _set_value(visit: Visit, context: BotContext, draft: dict[str, Any], text: str) -> str:
    """Check the new value and move on to the reason; the reply to show."""
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
        return error.message(_) + "\n" + _("Nothing was recorded; please enter the value again.")
    except Refused as refused:
        return refused.message(_) + "\n" + _("Please enter the correct value.")
    await expect(visit, WAIT_REASON, draft | {"value": value})
    return _("New value: {value}. Why is the correction needed?").format(
        value=assessment.value_text(item, value, _)
    )


def _reason_buttons(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.choices(
        [
            (_(label.chat), pack(FEATURE, "why", reason.value))
            for reason, label in CORRECTION_REASON_LABELS.items()
        ],
        per_row=1,
    )


async def on_value(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """A level chosen with its button."""
    draft = await open_draft(visit, WAIT_VALUE)
    if draft is None or not p.args:
        await alert(query, visit._(STALE_FORM))
        return
    text = await _set_value(visit, context, draft, p.args[0])
    markup = (
        _reason_buttons(visit._)
        if "value" in (await open_draft(visit, WAIT_REASON) or {})
        else None
    )
    await query.edit_message_text(text, reply_markup=markup, parse_mode=HTML)


async def on_reason(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """The kind of reason; the details are typed next."""
    draft = await open_draft(visit, WAIT_REASON)
    try:
        reason = CorrectionReason(p.args[0] if p.args else "")
    except ValueError:
        raise BadCallback("not a reason") from None
    if draft is None:
        await alert(query, visit._(STALE_FORM))
        return
    await expect(visit, WAIT_REASON, draft | {"reason": reason.value})
    _ = visit._
    text = _(
        "{reason}. Please type the details: what was wrong and where the right value comes from."
    )
    await query.edit_message_text(text.format(reason=_(CORRECTION_REASON_LABELS[reason].chat)))


def done_button(_: Translator) -> InlineKeyboardMarkup:
    """ "Xong" and "Hủy" under the evidence."""
    return keyboards.choices(
        [(_("Done"), pack(FEATURE, "done")), (_("Cancel"), pack(FEATURE, "x"))]
    )


async def take_draft_text(
    message: Message, visit: Visit, context: BotContext, kind: str, draft: dict[str, Any]
) -> None:
    """A typed value, reason or stray text while the draft waits for evidence."""
    _ = visit._
    text = message.text or ""
    if kind == WAIT_VALUE:
        reply = await _set_value(visit, context, draft, text)
        waiting = await open_draft(visit, WAIT_REASON)
        markup = _reason_buttons(_) if waiting is not None and "reason" not in waiting else None
        await message.reply_text(reply, reply_markup=markup, parse_mode=HTML)
    elif kind == WAIT_REASON:
        if "reason" not in draft:
            await message.reply_text(
                _("Please choose the kind of reason first."), reply_markup=_reason_buttons(_)
            )
            return
        problem = limits.text_problem(text)
        if problem is not None:
            await message.reply_text(limits.fill(problem, _(problem)))
            return
        await expect(visit, WAIT_FILES, draft | {"text": text.strip(), "files": []})
        await message.reply_text(
            _(
                "Please send the evidence: a photo or a file of the mark book page and of the "
                "pupil's test (PDF, Word or a picture). Press “Done” when everything is sent."
            ),
            reply_markup=done_button(_),
        )
    elif kind == WAIT_FILES:
        await message.reply_text(
            _("Please send the evidence as a photo or a file, then press “Done”."),
            reply_markup=done_button(_),
        )


# Summary, send, cancel -------------------------------------------------------------------------


async def on_done(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Xong": show the whole request to check before sending."""
    _ = visit._
    draft = await open_draft(visit, WAIT_FILES)
    if draft is None:
        await alert(query, _(STALE_FORM))
        return
    if not draft.get("files"):
        await alert(query, corrections.Refused(corrections.NO_EVIDENCE).message(_))
        return
    student, klass, item = await _target_of(visit, draft)
    await expect(visit, WAIT_READY, draft)
    period = Period(draft["period"])
    book = await assessment.pupil_results(
        visit.session, student.id, draft_year(draft, context, visit), period
    )
    old = book.get(item)
    lines = [
        "<b>" + _("Correction request — please check before sending") + "</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(student.full_name), class_name=html.escape(klass.name)
        ),
        _("Period: {period}").format(period=assessment.period_name(period, _)),
        _("Item: {item}").format(item=item.name(_)),
        _("Change: {old} → {new}").format(
            old=assessment.value_text(item, old.value if old else None, _),
            new=assessment.value_text(item, str(draft["value"]), _),
        ),
        _("Reason: {reason} — {text}").format(
            reason=_(CORRECTION_REASON_LABELS[CorrectionReason(draft["reason"])].chat),
            text=html.escape(str(draft["text"])),
        ),
        _("Evidence: {count} file(s)").format(count=len(draft["files"])),
    ]
    buttons = [(_("Send the request"), pack(FEATURE, "send")), (_("Cancel"), pack(FEATURE, "x"))]
    await query.edit_message_text(
        "\n".join(lines), reply_markup=keyboards.choices(buttons), parse_mode=HTML
    )


async def on_send(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Gửi đề nghị": file the request and send the card to the deciding leaders."""
    _ = visit._
    draft = await open_draft(visit, WAIT_READY)
    if draft is None:
        await alert(query, _(STALE_FORM))
        return
    await pending.clear(visit.session, visit.account.id)
    try:
        item = Item.from_key(str(draft["item"]))
        if item is None or visit.account.staff_id is None:
            raise Refused(corrections.NOT_YOURS)
        evidence = await download(context, draft.get("files", []))
        request = await corrections.submit(
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
    except Refused as refused:
        await query.edit_message_text(refused.message(_) + "\n" + _("Nothing was sent."))
        return
    except RuleError as error:
        await query.edit_message_text(error.message(_) + "\n" + _("Nothing was sent."))
        return
    sent = await send_to_deciders(visit, context, request)
    text = _("Request no. {number} was sent to the principal; you will be told the decision here.")
    if not sent:
        text += "\n" + _(
            "No school leader has joined the contact book yet: please tell them directly."
        )
    await query.edit_message_text(text.format(number=request.id))


async def on_cancel(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Hủy": drop the draft."""
    if await open_draft(visit, *DRAFTS) is not None:
        await pending.clear(visit.session, visit.account.id)
    await query.edit_message_text(
        visit._("The correction request was cancelled; nothing was sent.")
    )
