"""The end of the teacher's correction form: "Xong" shows the whole request to check, "Gửi
đề nghị" files it (the evidence downloaded between two visits), "Hủy" drops it; each of them
pressed late or twice changes nothing and says what it finds (late.py).
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, RuleError
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads, texts
from bot.features.corrections.chat import kinds
from bot.features.corrections.chat.buttons import CancelDraft, EvidenceDone, SendRequest
from bot.features.corrections.chat.card import expect, open_draft
from bot.features.corrections.chat.deciding import send_to_deciders
from bot.features.corrections.chat.draft import (
    calendar_of,
    cancel_row,
    draft_year,
    target_of,
)
from bot.features.corrections.chat.evidence import download
from bot.features.corrections.chat.late import (
    FORM,
    WAIT_FILES,
    WAIT_READY,
    closed,
    open_form,
)
from bot.features.corrections.queries import Evidence
from bot.features.corrections.rules import NO_EVIDENCE, NOT_YOURS, Refused
from storage.models import CorrectionReason, CorrectionRequest

SENDING = N_("The request is being sent.")
NOT_FETCHED = N_(
    "The evidence could not be fetched from Telegram just now; nothing was sent. Please press "
    "“Send the request” again."
)


# Summary, send, cancel -------------------------------------------------------------------------


async def done_pressed(press: EvidenceDone, visit: Visit, context: BotContext) -> None:
    """ "Xong": show the whole request to check before sending."""
    _ = visit._
    draft = await open_form(visit, press.flow, WAIT_FILES)
    if draft is None:
        await closed(visit, press.flow)
        return
    if not draft.get("files"):
        visit.alert(texts.alert_sized(Refused(NO_EVIDENCE).message(_)))
        return
    if not await kinds.ready(visit, draft, WAIT_FILES):
        return
    await expect(visit, WAIT_READY, draft)
    flow = str(draft.get("flow", ""))
    buttons = [(_("Send the request"), SendRequest(flow).data()), cancel_row(_, flow)]
    visit.edit(await _summary(visit, context, draft), keyboards.choices(buttons))


async def _summary(visit: Visit, context: BotContext, draft: dict[str, Any]) -> str:
    """The whole request as it will be sent, in HTML."""
    _ = visit._
    student, klass, item = await target_of(visit, draft)
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
    """ "Gửi đề nghị": the files are downloaded after this visit, the request filed in the next;
    a second press meanwhile finds the draft being sent."""
    draft = await open_form(visit, press.flow, WAIT_READY)
    if draft is None:
        await closed(visit, press.flow)
        return
    if draft.get("sending"):
        visit.toast(visit._(SENDING))
        return
    if not await kinds.ready(visit, draft, WAIT_READY):  # a draft from before files had kinds
        if visit.query is not None:
            visit.edit_markup(None)
        return
    sending = draft | {"sending": True}
    await expect(visit, WAIT_READY, sending)
    update = visit.update
    visit.later(lambda: _file(update, context, sending))


async def _file(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Download the evidence (no transaction open), then file the request and queue its card
    for the deciding leaders, if the draft is still there to send (not cancelled meanwhile)."""
    try:
        evidence = await download(context, draft.get("files", []))
    except TelegramError:
        async with context.visit(update) as visit:
            if await open_draft(visit, WAIT_READY) == draft:
                await expect(visit, WAIT_READY, draft | {"sending": False})
                visit.reply(visit._(NOT_FETCHED), as_html=False)
        return
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
        flow=str(draft.get("flow", "")),
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
    """ "Hủy": drop the form; pressed again, or on a form already sent or closed, it changes
    nothing and says what it finds."""
    if await open_form(visit, press.flow, *FORM) is None:
        await closed(visit, press.flow)
        return
    await pending.clear(visit.session, visit.account.id)
    visit.edit(html.escape(visit._("The correction request was cancelled; nothing was sent.")))
