"""The correction request's card and how it reaches people: the text a leader decides on, its
buttons, the news of each step queued in the outbox (the card with the evidence to the deciding
leaders), and the small helpers both sides of the flow share.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from bot.core import keyboards, pending
from bot.core.context import Visit
from bot.core.i18n import N_, Translator
from bot.core.labels import CORRECTION_REASON_LABELS, CORRECTION_STATE_LABELS
from bot.core.split import split_html, utf16_len
from bot.delivery.outbox import Audience, enqueue_news
from bot.delivery.replies import excerpt, head_and_tail
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome
from bot.features.corrections import reads, texts
from bot.features.corrections.chat.buttons import (
    Approve,
    AskApprove,
    AskMore,
    AskReject,
    BackToCard,
    Reject,
    SendAddition,
)
from bot.features.corrections.rules import Refused, Stale
from storage.models import CorrectionRequest, CorrectionState, Notice

NEWS = "correction"  # the outbox kind of the news of a request's steps
DECISIONS = (N_("Approve"), N_("Reject"), N_("Needs more"))
STALE_FORM = N_("This form is no longer open; please send /suadiem again.")


async def expect(visit: Visit, kind: str, data: dict[str, Any]) -> None:
    """Keep the draft (or the addition, or the note) as the person's pending input."""
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, kind, data, visit.now
    )


async def open_draft(visit: Visit, *kinds: str) -> dict[str, Any] | None:
    """The person's pending input if it is one of these kinds, else None."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in kinds:
        return None
    return dict(waiting.data)


async def state_text(session: AsyncSession, request: CorrectionRequest, _: Translator) -> str:
    """ "Đề nghị sửa Toán … của Hoàng Anh Đăng, lớp 1A, gửi ngày 05/12/2026: đã được duyệt,
    …" (plain text) for a press on a request that moved on."""
    return texts.state_line(request, await reads.request_facts(session, request, _), _)


async def refusal(visit: Visit, error: Refused | Stale) -> None:
    """Answer a refused press, or one on a request that moved on, with a pop-up."""
    if isinstance(error, Stale):
        visit.alert(texts.alert_sized(await state_text(visit.session, error.request, visit._)))
    else:
        visit.alert(texts.alert_sized(error.message(visit._)))


def add_done_button(_: Translator, request_id: int) -> InlineKeyboardMarkup:
    """The teacher's button that sends an addition."""
    return keyboards.choices([(_("Send the addition"), SendAddition(request_id).data())])


def decision_pairs(request_id: int) -> list[tuple[str, ...]]:
    """The leader's "Duyệt" (green), "Từ chối" (red) and "Cần bổ sung" as (label msgid, callback
    data, style); the first two ask to confirm."""
    return [
        (DECISIONS[0], AskApprove(request_id).data(), keyboards.SUCCESS),
        (DECISIONS[1], AskReject(request_id).data(), keyboards.DANGER),
        (DECISIONS[2], AskMore(request_id).data()),
    ]


def decision_buttons(_: Translator, request_id: int) -> InlineKeyboardMarkup:
    """Those three buttons in one row."""
    rows = [(_(label), *rest) for label, *rest in decision_pairs(request_id)]
    return keyboards.choices(rows, 3)


CONFIRM_APPROVE = N_("Confirm approval")
CONFIRM_REJECT = N_("Confirm rejection")
BACK = N_("Back")


def confirm_buttons(_: Translator, request_id: int, approve: bool) -> InlineKeyboardMarkup:
    """ "Xác nhận duyệt" (green) or "Xác nhận từ chối" (red), and "Quay lại"."""
    if approve:
        first = (_(CONFIRM_APPROVE), Approve(request_id).data(), keyboards.SUCCESS)
    else:
        first = (_(CONFIRM_REJECT), Reject(request_id).data(), keyboards.DANGER)
    return keyboards.choices([first, (_(BACK), BackToCard(request_id).data())], 2)


def show_card(visit: Visit, text: str, *, message_id: int | None = None) -> None:
    """After the commit, show the card as it is now in place of the pressed message (or of the
    person's message `message_id`); a refused edit harms nobody (Visit.edit drops it)."""
    visit.edit(text, message_id=message_id)


async def news(
    visit: Visit,
    request: CorrectionRequest,
    audience: Audience,
    texts: Mapping[str, str],
    *,
    buttons: Sequence[tuple[str, ...]] = (),
    media: tuple[str, str] | None = None,
) -> Notice:
    """Queue news of this request's step, in the step's transaction."""
    return await enqueue_news(
        visit.session,
        request.school_id,
        audience,
        NEWS,
        texts,
        buttons=buttons,
        media=media,
        created_by=visit.account.id,
        now=visit.now,
    )


# The card --------------------------------------------------------------------------------------


# The card leaves room for a headline or an instruction around it within one message (4,096).
CARD_LIMIT = 3500
REASON_MIN = 500  # what a long note leaves at least to the reason
_TAGS = re.compile(r"<[^>]*>")


async def card(session: AsyncSession, request: CorrectionRequest, _: Translator) -> str:
    """Everything a leader needs to decide, in one message of at most CARD_LIMIT characters.

    Long texts (the reason with its additions, the leader's note) are cut with "…";
    `card_messages` sends them in full before the card.
    """
    return (await _layout(session, request, _))[0]


async def card_messages(
    session: AsyncSession, request: CorrectionRequest, _: Translator
) -> list[str]:
    """The card, preceded by the full texts it had to shorten (each part fits one message)."""
    text, cut_reason, cut_note = await _layout(session, request, _, full_above=True)
    before: list[str] = []
    what = texts.what(request, await reads.request_facts(session, request, _), _)
    if cut_reason:
        title = _("The reason in full: the correction of {what}").format(what=what)
        before += split_html(f"<b>{html.escape(title)}</b>\n{html.escape(request.reason_text)}")
    if cut_note:
        title = _("The note in full: the correction of {what}").format(what=what)
        note = request.decision_note or ""
        before += split_html(f"<b>{html.escape(title)}</b>\n{html.escape(note)}")
    return [*before, text]


def _top(request: CorrectionRequest, facts: reads.CardFacts, _: Translator) -> list[str]:
    """Who asks, for whom, what changes (and the year's outcome when it changes)."""
    item = Item(request.kind, request.item)
    filed = texts.filed(facts.request)
    top = [
        "<b>" + html.escape(_("Correction request of {day}").format(day=filed)) + "</b>",
        _("Teacher: {name}").format(name=html.escape(facts.teacher)),
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(facts.request.pupil),
            class_name=html.escape(facts.request.class_name),
        ),
        _("Period: {period}, school year {year}").format(
            period=assessment.period_name(request.period, _), year=request.school_year
        ),
        _("Item: {item}").format(item=item.name(_)),
        _("Change: {old} → {new}").format(
            old=assessment.value_text(item, request.old_value, _),
            new=assessment.value_text(item, request.new_value, _),
        ),
    ]
    if request.outcome_before != request.outcome_after:
        top.append(
            _("End-of-year outcome: {before} → {after}").format(
                before=outcome(request.outcome_before, _), after=outcome(request.outcome_after, _)
            )
        )
    return top


async def _layout(
    session: AsyncSession, request: CorrectionRequest, _: Translator, *, full_above: bool = False
) -> tuple[str, bool, bool]:
    """The card's HTML, and whether the reason and the note had to be cut."""
    facts = await reads.card_facts(session, request, _)
    top = _top(request, facts, _)
    reason_line = _("Reason: {reason} — {text}")
    reason_name = _(CORRECTION_REASON_LABELS[request.reason].chat)
    middle = [
        _("Corrections asked by this teacher this school year: {count}").format(
            count=facts.asked_this_year
        ),
        _("Evidence: {files}").format(
            files=html.escape(", ".join(texts.evidence_labels(facts.files, _)) or "—")
        ),
    ]
    note = request.decision_note if request.state is not CorrectionState.PENDING else None
    note_line = _("Note: {note}")
    state_line = _("State: {state}").format(state=_(CORRECTION_STATE_LABELS[request.state].chat))
    hint = _("Shortened here: the full text is in the message above.")
    fixed = [*top, reason_line.format(reason=reason_name, text=""), *middle, state_line, hint]
    if note:
        fixed.append(note_line.format(note=""))
    room = max(CARD_LIMIT - _visible("\n".join(fixed)), 2 * REASON_MIN)
    reason, note_text = request.reason_text, note or ""
    note_room = min(utf16_len(note_text), room - min(utf16_len(reason), REASON_MIN))
    shown_note = excerpt(note_text, note_room)
    shown_reason = head_and_tail(reason, room - utf16_len(shown_note))
    cut_reason, cut_note = shown_reason != reason, shown_note != note_text
    lines = [*top, reason_line.format(reason=reason_name, text=html.escape(shown_reason)), *middle]
    if note:
        lines.append(note_line.format(note=html.escape(shown_note)))
    lines.append(state_line)
    if full_above and (cut_reason or cut_note):
        lines.append(f"<i>{html.escape(hint)}</i>")
    return "\n".join(lines), cut_reason, cut_note


def _visible(text: str) -> int:
    """Telegram's length of a card's HTML: tags count nothing, an entity one character."""
    return utf16_len(html.unescape(_TAGS.sub("", text)))


def outcome(code: str | None, _: Translator) -> str:
    """The end-of-year outcome's name, or a dash."""
    return "—" if code is None else _(OUTCOME_NAMES[Outcome(code)])
