"""The correction request's card and how it reaches people: the text a leader decides on, its
buttons, the evidence sent with it, and the small helpers both sides of the flow share.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.core import keyboards
from bot.core.callbacks import pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator, translator
from bot.core.labels import CORRECTION_REASON_LABELS, CORRECTION_STATE_LABELS
from bot.core.presses import alert
from bot.core.split import split_html, utf16_len
from bot.delivery.replies import caption, excerpt, head_and_tail
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome
from bot.features.corrections import deciders as absences
from bot.features.corrections import queries as corrections
from bot.features.corrections.queries import Evidence, Refused, Stale
from storage.models import (
    AccountState,
    CorrectionRequest,
    CorrectionState,
    Role,
    SchoolClass,
    Staff,
    Student,
    TelegramAccount,
)
from storage.queries import staff_by_role

FEATURE = "corr"
HTML = ParseMode.HTML


def state_text(request: CorrectionRequest, _: Translator) -> str:
    """ "Đề nghị số 12: đã được duyệt, ..." for a press on a request that moved on."""
    return _("Request no. {number}: {state}.").format(
        number=request.id, state=_(CORRECTION_STATE_LABELS[request.state].chat)
    )


def add_done_button(_: Translator, request_id: int) -> InlineKeyboardMarkup:
    """The teacher's button that sends an addition."""
    return keyboards.choices([(_("Send the addition"), pack(FEATURE, "addok", request_id))])


async def download(context: BotContext, files: Sequence[dict[str, Any]]) -> list[Evidence]:
    """Download the files a teacher sent, to keep them with the request."""
    kept = []
    for entry in files:
        telegram_file = await context.bot.get_file(str(entry["id"]))
        content = bytes(await telegram_file.download_as_bytearray())
        kept.append(Evidence(str(entry["name"]), entry.get("mime"), content, str(entry["id"])))
    return kept


async def accounts(visit: Visit, staff_ids: Sequence[int | None]) -> list[TelegramAccount]:
    """The linked accounts of these staff members."""
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return []
    rows = await visit.session.scalars(
        select(TelegramAccount).where(
            TelegramAccount.staff_id.in_(ids), TelegramAccount.state == AccountState.LINKED
        )
    )
    return list(rows)


async def staff_with(visit: Visit, role: Role) -> list[int | None]:
    """The ids of the school's staff who hold this role."""
    return [s.id for s in await staff_by_role(visit.session, visit.actor.school_id, role)]


async def send(
    context: BotContext,
    account: TelegramAccount,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Send an HTML message; False if the person blocked the bot or it could not be sent."""
    with contextlib.suppress(Forbidden, BadRequest):
        await context.bot.send_message(account.chat_id, text, reply_markup=markup, parse_mode=HTML)
        return True
    return False


async def send_card(
    context: BotContext,
    account: TelegramAccount,
    messages: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Send a card's full texts, then the card with its buttons; False if it did not go out."""
    with contextlib.suppress(Forbidden, BadRequest):
        for text in messages[:-1]:
            await context.bot.send_message(account.chat_id, text, parse_mode=HTML)
        await context.bot.send_message(
            account.chat_id, messages[-1], reply_markup=markup, parse_mode=HTML
        )
        return True
    return False


async def refusal(query: CallbackQuery, visit: Visit, error: Exception) -> None:
    """Answer a refused press, or one on a request that moved on, with an alert."""
    if isinstance(error, Stale):
        await alert(query, state_text(error.request, visit._))
    elif isinstance(error, Refused):
        await alert(query, error.message(visit._))


# The card --------------------------------------------------------------------------------------


# The card leaves room for a headline or an instruction around it within one message (4,096).
CARD_LIMIT = 3500
REASON_MIN = 500  # what a long note leaves at least to the reason
_TAGS = re.compile(r"<[^>]*>")


async def card(visit: Visit, request: CorrectionRequest, _: Translator) -> str:
    """Everything a leader needs to decide, in one message of at most CARD_LIMIT characters.

    Long texts (the reason with its additions, the leader's note) are cut with "…";
    `card_messages` sends them in full before the card.
    """
    return (await _layout(visit, request, _))[0]


async def card_messages(visit: Visit, request: CorrectionRequest, _: Translator) -> list[str]:
    """The card, preceded by the full texts it had to shorten (each part fits one message)."""
    text, cut_reason, cut_note = await _layout(visit, request, _, full_above=True)
    before: list[str] = []
    if cut_reason:
        title = _("Request no. {number}: the reason in full").format(number=request.id)
        before += split_html(f"<b>{html.escape(title)}</b>\n{html.escape(request.reason_text)}")
    if cut_note:
        title = _("Request no. {number}: the note in full").format(number=request.id)
        note = request.decision_note or ""
        before += split_html(f"<b>{html.escape(title)}</b>\n{html.escape(note)}")
    return [*before, text]


async def _layout(
    visit: Visit, request: CorrectionRequest, _: Translator, *, full_above: bool = False
) -> tuple[str, bool, bool]:
    """The card's HTML, and whether the reason and the note had to be cut."""
    session = visit.session
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    teacher = await session.get(Staff, request.requested_by) if request.requested_by else None
    item = Item(request.kind, request.item)
    count = await corrections.corrections_this_year(
        session, request.requested_by, request.school_year
    )
    files = await corrections.files_of(session, request.id)
    top = [
        "<b>" + _("Correction request no. {number}").format(number=request.id) + "</b>",
        _("Teacher: {name}").format(name=html.escape(teacher.full_name if teacher else "?")),
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(student.full_name if student else "?"),
            class_name=html.escape(klass.name if klass else "?"),
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
    reason_line = _("Reason: {reason} — {text}")
    reason_name = _(CORRECTION_REASON_LABELS[request.reason].chat)
    middle = [
        _("Corrections asked by this teacher this school year: {count}").format(count=count),
        _("Evidence: {count} file(s)").format(count=len(files)),
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
    lines = [
        *top,
        reason_line.format(reason=reason_name, text=html.escape(shown_reason)),
        *middle,
    ]
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


def decision_buttons(_: Translator, request_id: int) -> InlineKeyboardMarkup:
    """The leader's "Duyệt", "Từ chối" and "Cần bổ sung"."""
    buttons = [
        (_("Approve"), pack(FEATURE, "ok", request_id)),
        (_("Reject"), pack(FEATURE, "no", request_id)),
        (_("Needs more"), pack(FEATURE, "more", request_id)),
    ]
    return keyboards.choices(buttons, per_row=3)


async def send_to_deciders(visit: Visit, context: BotContext, request: CorrectionRequest) -> int:
    """Send the card with its buttons and the evidence to today's deciding leaders."""
    today = context.today(visit.now)
    staff = await absences.deciders(visit.session, request.school_id, today)
    files = await corrections.files_of(visit.session, request.id)
    sent = 0
    for account in await accounts(visit, [s.id for s in staff]):
        tr = translator(account.language or "vi")
        if await send_card(
            context,
            account,
            await card_messages(visit, request, tr),
            decision_buttons(tr, request.id),
        ):
            sent += 1
            for file in files:
                await _send_file(
                    context,
                    account.chat_id,
                    file.telegram_file_id,
                    file.name,
                    file.content,
                    file.mime,
                )
    return sent


async def _send_file(
    context: BotContext,
    chat_id: int,
    file_id: str | None,
    name: str,
    content: bytes,
    mime: str | None,
) -> None:
    with contextlib.suppress(Forbidden, BadRequest):
        if mime == "image/jpeg" and file_id:
            await context.bot.send_photo(chat_id, file_id, caption=caption(name))
        else:
            await context.bot.send_document(chat_id, content, filename=name[:255])
