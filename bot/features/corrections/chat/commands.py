"""The correction commands for leaders and staff: /duyet lists what waits for the person (a
decision, the change in the official system, their own open requests); /vangmat records the
principal's absence, when the vice principal decides in their place.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from telegram import Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.corrections import deciders as absences
from bot.features.corrections import reads
from bot.features.corrections.chat.buttons import Applied
from bot.features.corrections.chat.card import (
    NEWS,
    card,
    card_messages,
    decision_buttons,
    state_text,
)
from bot.features.corrections.chat.deciding import send_evidence
from bot.features.corrections.chat.review import UPDATED
from bot.features.corrections.rules import Refused
from bot.features.corrections.texts import explain_absence_days
from bot.features.leave import rules as leave
from storage.models import CorrectionRequest, Role
from storage.queries import staff_by_role


async def list_command(update: Update, context: BotContext) -> None:
    """/duyet: what waits for me: decisions, the change in the system, or my own requests."""
    async with context.visit(update) as visit:
        _ = visit._
        try:
            waiting = await absences.waiting_for(
                visit.session, visit.actor, context.today(visit.now)
            )
        except Refused as refused:
            visit.reply(refused.message(_), as_html=False)
            return
        shown = await _to_decide(visit, waiting.to_decide)
        shown += await _to_apply(visit, waiting.to_apply)
        for request in waiting.own:
            visit.reply(await state_text(visit.session, request, _), as_html=False)
        shown += len(waiting.own)
        if shown == 0:
            visit.reply(_("No correction request is waiting for you."), as_html=False)


async def _to_decide(visit: Visit, pending: Sequence[CorrectionRequest]) -> int:
    """Each request waiting for a decision: its card (after its full texts) with the buttons;
    its evidence files follow through the outbox, each by its kind."""
    for request in pending:
        *before, text = await card_messages(visit.session, request, visit._)
        for part in before:
            visit.reply(part)
        visit.reply(text, decision_buttons(visit._, request.id))
        await send_evidence(visit, request, Audience.accounts(visit.account.id))
    if pending:
        visit.wake_sender()
    return len(pending)


async def _to_apply(visit: Visit, approved: Sequence[CorrectionRequest]) -> int:
    """Each approved request waiting for the change in the official system."""
    _ = visit._
    for request in approved:
        button = [(_(UPDATED), Applied(request.id).data())]
        visit.reply(await card(visit.session, request, _), keyboards.choices(button, per_row=1))
    return len(approved)


async def absence_command(update: Update, context: BotContext) -> None:
    """/vangmat dd/mm-dd/mm: the principal will be away; /vangmat huy: back."""
    async with context.visit(update) as visit:
        _ = visit._
        today = context.today(visit.now)
        args = context.args or []
        try:
            if not args:
                await _show_absences(visit, today)
            elif args[0].lower() in ("huy", "hủy"):
                ended = await absences.cancel_absences(
                    visit.session, visit.actor, today, who=visit.who
                )
                back = _("Absences ended: {count}. You decide on requests again.")
                visit.reply(back.format(count=ended), as_html=False)
            else:
                await _record_absence(visit, "".join(args), today)
        except Refused as refused:
            visit.reply(refused.message(_), as_html=False)


async def _show_absences(visit: Visit, today: date) -> None:
    """The absences recorded from today on, and how to record one."""
    _ = visit._
    current = await absences.current_absences(visit.session, visit.actor, today)
    lines = [
        _("Away from {first} to {last}").format(first=short(a.first_day), last=short(a.last_day))
        for a in current
    ] or [_("No absence is recorded.")]
    lines.append(
        _(
            "Usage: /vangmat 01/12-05/12 (the vice principal decides on those days); "
            "/vangmat huy when you are back."
        )
    )
    visit.reply("\n".join(lines), as_html=False)


async def _record_absence(visit: Visit, days: str, today: date) -> None:
    """Record the absence and queue the news for the vice principals."""
    _ = visit._
    absence = await absences.record_absence(
        visit.session, visit.actor, days, today=today, who=visit.who
    )
    if isinstance(absence, leave.DayProblem):
        told = explain_absence_days(absence, _)
        visit.reply(told + "\n" + _("Nothing was recorded."), as_html=False)
        return
    first, last = absence.first_day, absence.last_day
    recorded = _(
        "Recorded: you are away from {first} to {last}; the vice principal decides "
        "on correction requests then."
    )
    visit.reply(recorded.format(first=short(first), last=short(last)), as_html=False)
    vices = await staff_by_role(visit.session, visit.actor.school_id, Role.VICE_PRINCIPAL)
    accounts = await reads.linked_account_ids(visit.session, [s.id for s in vices])
    if not accounts:
        return
    told = N_(
        "The principal is away from {first} to {last}: please decide on correction "
        "requests in their place (/duyet)."
    )
    texts = {
        code: html.escape(translator(code)(told).format(first=short(first), last=short(last)))
        for code in LANGUAGES
    }
    await enqueue_news(
        visit.session,
        absence.school_id,
        Audience.accounts(*sorted(accounts)),
        NEWS,
        texts,
        created_by=visit.account.id,
        now=visit.now,
    )
    visit.wake_sender()
