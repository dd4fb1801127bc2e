"""Correction requests after filing: the leader's card and decision, the administrator's change
in the official system, the three confirmations, the minutes; /duyet and /vangmat.

Every press re-reads the request: a press by anyone but the deciding leader is refused and
audited; a press on a request that moved on answers with its current state.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import select
from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import keyboards
from bot.callbacks import Callback, pack
from bot.context import BotContext, Visit
from bot.datefmt import short
from bot.handlers.presses import alert
from bot.i18n import N_, Translator, translator
from bot.services import absences, assessment, correction_steps, corrections, leave, pending
from bot.services import minutes as paper
from bot.services.assessment import Item
from bot.services.assessment_rules import OUTCOME_NAMES, Outcome
from bot.services.correction_steps import Decision
from bot.services.corrections import (
    REASON_NAMES,
    SIGNER_NAMES,
    STATE_NAMES,
    Evidence,
    Refused,
    Stale,
)
from storage.models import (
    AccountState,
    CorrectionRequest,
    CorrectionState,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
    TelegramAccount,
)
from storage.queries import staff_by_role

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "corr"
WAIT_NOTE = "corr_note"
HTML = ParseMode.HTML
ROLE_NAMES = {"principal": N_("Principal"), "vice_principal": N_("Vice principal")}


def state_text(request: CorrectionRequest, _: Translator) -> str:
    """ "Đề nghị số 12: đã được duyệt, ..." for a press on a request that moved on."""
    return _("Request no. {number}: {state}.").format(
        number=request.id, state=_(STATE_NAMES[request.state])
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


async def _accounts(visit: Visit, staff_ids: Sequence[int | None]) -> list[TelegramAccount]:
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return []
    rows = await visit.session.scalars(
        select(TelegramAccount).where(
            TelegramAccount.staff_id.in_(ids), TelegramAccount.state == AccountState.LINKED
        )
    )
    return list(rows)


async def _send(
    context: BotContext,
    account: TelegramAccount,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    with contextlib.suppress(Forbidden, BadRequest):
        await context.bot.send_message(account.chat_id, text, reply_markup=markup, parse_mode=HTML)
        return True
    return False


# The card --------------------------------------------------------------------------------------


async def card(visit: Visit, request: CorrectionRequest, _: Translator) -> str:
    """Everything a leader needs to decide, in one message."""
    session = visit.session
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    teacher = await session.get(Staff, request.requested_by) if request.requested_by else None
    item = Item(request.kind, request.item)
    count = await corrections.corrections_this_year(
        session, request.requested_by, request.school_year
    )
    files = await corrections.files_of(session, request.id)
    lines = [
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
        lines.append(
            _("End-of-year outcome: {before} → {after}").format(
                before=_outcome(request.outcome_before, _), after=_outcome(request.outcome_after, _)
            )
        )
    lines += [
        _("Reason: {reason} — {text}").format(
            reason=_(REASON_NAMES[request.reason]), text=html.escape(request.reason_text)
        ),
        _("Corrections asked by this teacher this school year: {count}").format(count=count),
        _("Evidence: {count} file(s)").format(count=len(files)),
    ]
    if request.decision_note and request.state is not CorrectionState.PENDING:
        lines.append(_("Note: {note}").format(note=html.escape(request.decision_note)))
    lines.append(_("State: {state}").format(state=_(STATE_NAMES[request.state])))
    return "\n".join(lines)


def _outcome(code: str | None, _: Translator) -> str:
    return "—" if code is None else _(OUTCOME_NAMES[Outcome(code)])


def _decision_buttons(_: Translator, request_id: int) -> InlineKeyboardMarkup:
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
    for account in await _accounts(visit, [s.id for s in staff]):
        tr = translator(account.language or "vi")
        if await _send(
            context, account, await card(visit, request, tr), _decision_buttons(tr, request.id)
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
            await context.bot.send_photo(chat_id, file_id, caption=name)
        else:
            await context.bot.send_document(chat_id, content, filename=name)


# Decisions -------------------------------------------------------------------------------------


async def _refusal(query: CallbackQuery, visit: Visit, error: Exception) -> None:
    if isinstance(error, Stale):
        await alert(query, state_text(error.request, visit._))
    elif isinstance(error, Refused):
        await alert(query, error.message(visit._))


async def _on_approve(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    try:
        request = await correction_steps.decide(
            visit.session,
            visit.actor,
            p.int_arg(0),
            Decision.APPROVE,
            note=None,
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except (Refused, Stale) as error:
        await _refusal(query, visit, error)
        return
    await query.edit_message_text(await card(visit, request, visit._), parse_mode=HTML)
    await _after_decision(visit, context, request)


async def _on_ask_note(
    query: CallbackQuery, visit: Visit, context: BotContext, p: Callback
) -> None:
    """ "Từ chối" and "Cần bổ sung" ask for the reason or the question first."""
    _ = visit._
    request_id = p.int_arg(0)
    try:
        request = await corrections.load(visit.session, visit.actor.school_id, request_id)
        await correction_steps.check_decider(
            visit.session, visit.actor, request, context.today(visit.now), visit.who
        )
        if request.state is not CorrectionState.PENDING:
            raise Stale(request)
    except (Refused, Stale) as error:
        await _refusal(query, visit, error)
        return
    decision = Decision.REJECT if p.action == "no" else Decision.MORE
    message_id = query.message.message_id if query.message is not None else None
    data = {"request": request_id, "decision": decision, "message_id": message_id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_NOTE, data, visit.now
    )
    ask = (
        _("Please type the reason for rejecting; it will be sent to the teacher.")
        if decision == Decision.REJECT
        else _("Please type what the teacher should add or explain.")
    )
    await context.bot.send_message(visit.account.chat_id, ask)


async def take_text(
    message: Message, visit: Visit, context: BotContext, kind: str, data: dict[str, Any]
) -> bool:
    """The leader's typed reason or question."""
    if kind != WAIT_NOTE:
        return False
    _ = visit._
    note = (message.text or "").strip()
    if not note:
        await message.reply_text(_("Please write the reason."))
        return True
    await pending.clear(visit.session, visit.account.id)
    try:
        request = await correction_steps.decide(
            visit.session,
            visit.actor,
            int(data["request"]),
            str(data["decision"]),
            note=note[:2000],
            now=visit.now,
            today=context.today(visit.now),
            who=visit.who,
        )
    except Stale as stale:
        await message.reply_text(state_text(stale.request, _))
        return True
    except Refused as refused:
        await message.reply_text(refused.message(_))
        return True
    text = await card(visit, request, _)
    if data.get("message_id"):
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_text(
                text, visit.account.chat_id, int(data["message_id"]), parse_mode=HTML
            )
    await message.reply_text(state_text(request, _))
    await _after_decision(visit, context, request)
    return True


async def _after_decision(visit: Visit, context: BotContext, request: CorrectionRequest) -> None:
    """Tell the teacher; after an approval, ask the administrators to change the system."""
    teacher = await visit.session.get(TelegramAccount, request.requester_account or 0)
    if teacher is not None and teacher.state == AccountState.LINKED:
        tr = translator(teacher.language or "vi")
        text = await card(visit, request, tr)
        markup = None
        if request.state is CorrectionState.NEEDS_INFO:
            markup = keyboards.choices(
                [(tr("Add to the request"), pack(FEATURE, "add", request.id))]
            )
        await _send(context, teacher, text, markup)
    if request.state is not CorrectionState.APPROVED:
        return
    admins = await _staff_with(visit, Role.ADMIN)
    for account in await _accounts(visit, admins):
        tr = translator(account.language or "vi")
        text = (
            await card(visit, request, tr)
            + "\n\n"
            + tr(
                "Please make this change in the official system (CSDL ngành), "
                "then press the button."
            )
        )
        button = [(tr("Updated in the official system"), pack(FEATURE, "sys", request.id))]
        await _send(context, account, text, keyboards.choices(button, per_row=1))


async def _staff_with(visit: Visit, role: Role) -> list[int | None]:
    return [s.id for s in await staff_by_role(visit.session, visit.actor.school_id, role)]


async def _on_applied(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    try:
        request = await correction_steps.apply(
            visit.session, visit.actor, p.int_arg(0), now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await _refusal(query, visit, error)
        return
    await query.edit_message_text(await card(visit, request, visit._), parse_mode=HTML)
    await _ask_signatures(visit, context, request)


async def _ask_signatures(visit: Visit, context: BotContext, request: CorrectionRequest) -> None:
    """Each of the three gets "Ký xác nhận" for their role (one message, several roles)."""
    people: dict[int, list[str]] = {}
    for account in await _accounts(visit, [request.decided_by]):
        people.setdefault(account.id, []).append("principal")
    for account in await _accounts(visit, [request.applied_by]):
        people.setdefault(account.id, []).append("admin")
    if request.requester_account is not None:
        people.setdefault(request.requester_account, []).append("teacher")
    for account_id, roles in people.items():
        person = await visit.session.get(TelegramAccount, account_id)
        if person is None or person.state != AccountState.LINKED:
            continue
        tr = translator(person.language or "vi")
        buttons = [
            (
                tr("Sign as {role}").format(role=tr(SIGNER_NAMES[role])),
                pack(FEATURE, "sign", request.id, role),
            )
            for role in roles
        ]
        text = (
            await card(visit, request, tr)
            + "\n\n"
            + tr("The change is made. Please confirm the minutes.")
        )
        await _send(context, person, text, keyboards.choices(buttons, per_row=1))


async def _on_sign(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    _ = visit._
    role = p.args[1] if len(p.args) > 1 else ""
    try:
        request, complete = await correction_steps.sign(
            visit.session, visit.actor, p.int_arg(0), role, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await _refusal(query, visit, error)
        return
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)
    await context.bot.send_message(
        visit.account.chat_id,
        _("Signed as {role} for request no. {number}.").format(
            role=_(SIGNER_NAMES[role]), number=request.id
        ),
    )
    if complete:
        await _finish(visit, context, request)


async def _finish(visit: Visit, context: BotContext, request: CorrectionRequest) -> None:
    """Make the minutes, keep them with the evidence and send them to the three."""
    content = await _minutes(visit, context, request)
    name = f"bien-ban-sua-diem-{request.id}.docx"
    corrections.add_files(
        visit.session,
        request,
        [
            Evidence(
                name,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                content,
            )
        ],
        None,
        kind="minutes",
    )
    await visit.session.flush()
    people = await _accounts(visit, [request.decided_by, request.applied_by])
    teacher = await visit.session.get(TelegramAccount, request.requester_account or 0)
    if teacher is not None:
        people.append(teacher)
    seen: set[int] = set()
    for account in people:
        if account.id in seen or account.state != AccountState.LINKED:
            continue
        seen.add(account.id)
        tr = translator(account.language or "vi")
        with contextlib.suppress(Forbidden, BadRequest):
            await context.bot.send_document(
                account.chat_id,
                content,
                filename=name,
                caption=tr("Minutes of correction no. {number}, signed by all three.").format(
                    number=request.id
                ),
            )


async def _minutes(visit: Visit, context: BotContext, request: CorrectionRequest) -> bytes:
    session = visit.session
    tr = translator("vi")
    school = await session.get(School, request.school_id)
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    assert school is not None and student is not None and klass is not None
    names = {
        s.id: s.full_name
        for s in await session.scalars(select(Staff).where(Staff.school_id == school.id))
    }
    signed = await correction_steps.signatures(session, request.id)
    files = await corrections.files_of(session, request.id)
    item = Item(request.kind, request.item)
    decided_role = tr(ROLE_NAMES.get(request.decided_role or "", ROLE_NAMES["principal"]))
    settings = school.settings or {}

    def act(role: str) -> paper.Act:
        return paper.Act(signed[role].name, tr(SIGNER_NAMES[role]), signed[role].signed_at)

    return paper.build_minutes(
        paper.Minutes(
            school_name=school.name,
            place=context.settings.school_place or str(settings.get("place", "")),
            day=context.today(visit.now),
            number=request.id,
            pupil=student.full_name,
            student_code=student.student_code,
            class_name=klass.name,
            school_year=request.school_year,
            period=assessment.period_name(request.period, tr),
            item=item.name(tr),
            old_value=assessment.value_text(item, request.old_value, tr),
            new_value=assessment.value_text(item, request.new_value, tr),
            reason=tr(REASON_NAMES[request.reason]),
            reason_text=request.reason_text,
            evidence=tuple(paper.EvidenceFile(f.name, f.size, f.sha256) for f in files),
            requester=paper.Act(
                names.get(request.requested_by or 0, "?"), tr("Teacher"), request.created_at
            ),
            decision=paper.Decision(
                names.get(request.decided_by or 0, "?"),
                decided_role,
                request.decided_at or visit.now,
                tr("Approved"),
            ),
            applied=paper.Applied(
                names.get(request.applied_by or 0, "?"), request.applied_at or visit.now
            ),
            confirmations=(act("principal"), act("admin"), act("teacher")),
            authority=context.settings.school_authority or settings.get("authority"),
            outcome_before=_outcome(request.outcome_before, tr)
            if request.outcome_before != request.outcome_after
            else None,
            outcome_after=_outcome(request.outcome_after, tr)
            if request.outcome_before != request.outcome_after
            else None,
            zone=context.settings.zone,
        ),
        tr,
    )


# /duyet and /vangmat ---------------------------------------------------------------------------


async def list_command(update: Update, context: BotContext) -> None:
    """/duyet: what waits for me: decisions, the change in the system, or my own requests."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        actor = visit.actor
        today = context.today(visit.now)
        role = await absences.deciding_role(visit.session, actor.school_id, today)
        shown = 0
        if actor.has(role):
            for request in await corrections.waiting(
                visit.session, actor.school_id, [CorrectionState.PENDING]
            ):
                await message.reply_text(
                    await card(visit, request, _),
                    reply_markup=_decision_buttons(_, request.id),
                    parse_mode=HTML,
                )
                shown += 1
        if actor.has(Role.ADMIN):
            for request in await corrections.waiting(
                visit.session, actor.school_id, [CorrectionState.APPROVED]
            ):
                button = [(_("Updated in the official system"), pack(FEATURE, "sys", request.id))]
                await message.reply_text(
                    await card(visit, request, _),
                    reply_markup=keyboards.choices(button, per_row=1),
                    parse_mode=HTML,
                )
                shown += 1
        if actor.has(Role.HOMEROOM, Role.SUBJECT_TEACHER):
            mine = [
                r
                for r in await corrections.waiting(visit.session, actor.school_id, corrections.OPEN)
                if r.requester_account == visit.account.id
            ]
            for request in mine:
                await message.reply_text(state_text(request, _))
                shown += 1
        if not actor.has(role, Role.ADMIN, Role.HOMEROOM, Role.SUBJECT_TEACHER):
            await message.reply_text(_(corrections.NOT_DECIDER))
            return
        if shown == 0:
            await message.reply_text(_("No correction request is waiting for you."))


async def absence_command(update: Update, context: BotContext) -> None:
    """/vangmat dd/mm-dd/mm: the principal will be away; /vangmat huy: back."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PRINCIPAL) or visit.account.staff_id is None:
            await message.reply_text(_("Only the principal records their own absence."))
            return
        today = context.today(visit.now)
        args = context.args or []
        if not args:
            current = await absences.current_absences(visit.session, visit.actor.school_id, today)
            lines = [
                _("Away from {first} to {last}").format(
                    first=short(a.first_day), last=short(a.last_day)
                )
                for a in current
            ] or [_("No absence is recorded.")]
            lines.append(
                _(
                    "Usage: /vangmat 01/12-05/12 (the vice principal decides on those days); "
                    "/vangmat huy when you are back."
                )
            )
            await message.reply_text("\n".join(lines))
            return
        if args[0].lower() in ("huy", "hủy"):
            ended = await absences.cancel_absences(
                visit.session, visit.actor.school_id, today, visit.who
            )
            await message.reply_text(
                _("Absences ended: {count}. You decide on requests again.").format(count=ended)
            )
            return
        days = leave.read_days("".join(args), today)
        if not isinstance(days, leave.DayProblem):
            days = absences.check_days(*days, today) or days
        if isinstance(days, leave.DayProblem):
            await message.reply_text(leave.explain(days, _) + "\n" + _("Nothing was recorded."))
            return
        first, last = days
        await absences.record_absence(
            visit.session,
            school_id=visit.actor.school_id,
            staff_id=visit.account.staff_id,
            first=first,
            last=last,
            by=visit.account.id,
            actor=visit.who,
        )
        await message.reply_text(
            _(
                "Recorded: you are away from {first} to {last}; the vice principal decides "
                "on correction requests then."
            ).format(first=short(first), last=short(last))
        )
        for account in await _accounts(visit, await _staff_with(visit, Role.VICE_PRINCIPAL)):
            tr = translator(account.language or "vi")
            await _send(
                context,
                account,
                tr(
                    "The principal is away from {first} to {last}: please decide on correction "
                    "requests in their place (/duyet)."
                ).format(first=short(first), last=short(last)),
            )


Action = Callable[[CallbackQuery, Visit, BotContext, Callback], Awaitable[None]]
ACTIONS: dict[str, Action] = {
    "ok": _on_approve,
    "no": _on_ask_note,
    "more": _on_ask_note,
    "sys": _on_applied,
    "sign": _on_sign,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """The leaders' and administrators' commands (presses come through corrections.pressed)."""
    return [
        CommandHandler("duyet", list_command, filters=PRIVATE),
        CommandHandler("vangmat", absence_command, filters=PRIVATE),
    ]
