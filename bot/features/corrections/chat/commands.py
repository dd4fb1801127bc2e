"""The correction commands for leaders and staff: /duyet lists what waits for the person (a
decision, the change in the official system, their own open requests); /vangmat records the
principal's absence, when the vice principal decides in their place.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.calendar.queries import school_year
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
from bot.features.corrections.rules import NOT_DECIDER, OPEN
from bot.features.leave import rules as leave
from storage.models import CorrectionState, Role
from storage.queries import staff_by_role


async def list_command(update: Update, context: BotContext) -> None:
    """/duyet: what waits for me: decisions, the change in the system, or my own requests."""
    async with context.visit(update) as visit:
        _ = visit._
        actor = visit.actor
        role = await absences.deciding_role(
            visit.session, actor.school_id, context.today(visit.now)
        )
        if not actor.has(role, Role.ADMIN, Role.HOMEROOM, Role.SUBJECT_TEACHER):
            visit.reply(_(NOT_DECIDER), as_html=False)
            return
        shown = 0
        if actor.has(role):
            shown += await _to_decide(visit)
        if actor.has(Role.ADMIN):
            shown += await _to_apply(visit)
        if actor.has(Role.HOMEROOM, Role.SUBJECT_TEACHER):
            mine = await reads.filed_by(visit.session, actor.school_id, visit.account.id, OPEN)
            for request in mine:
                visit.reply(await state_text(visit.session, request, _), as_html=False)
            shown += len(mine)
        if shown == 0:
            visit.reply(_("No correction request is waiting for you."), as_html=False)


async def _to_decide(visit: Visit) -> int:
    """Each request waiting for a decision: its card (after its full texts) with the buttons;
    its evidence files follow through the outbox, each by its kind."""
    pending = await reads.waiting(visit.session, visit.actor.school_id, [CorrectionState.PENDING])
    for request in pending:
        *before, text = await card_messages(visit.session, request, visit._)
        for part in before:
            visit.reply(part)
        visit.reply(text, decision_buttons(visit._, request.id))
        await send_evidence(visit, request, Audience.accounts(visit.account.id))
    if pending:
        visit.wake_sender()
    return len(pending)


async def _to_apply(visit: Visit) -> int:
    """Each approved request waiting for the change in the official system."""
    _ = visit._
    approved = await reads.waiting(visit.session, visit.actor.school_id, [CorrectionState.APPROVED])
    for request in approved:
        button = [(_(UPDATED), Applied(request.id).data())]
        visit.reply(await card(visit.session, request, _), keyboards.choices(button, per_row=1))
    return len(approved)


async def absence_command(update: Update, context: BotContext) -> None:
    """/vangmat dd/mm-dd/mm: the principal will be away; /vangmat huy: back."""
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PRINCIPAL) or visit.account.staff_id is None:
            visit.reply(_("Only the principal records their own absence."), as_html=False)
            return
        today = context.today(visit.now)
        args = context.args or []
        if not args:
            await _show_absences(visit, context)
            return
        if args[0].lower() in ("huy", "hủy"):
            ended = await absences.cancel_absences(
                visit.session, visit.actor.school_id, today, visit.who
            )
            back = _("Absences ended: {count}. You decide on requests again.")
            visit.reply(back.format(count=ended), as_html=False)
            return
        days = leave.read_days("".join(args), today)
        if not isinstance(days, leave.DayProblem):
            year = await school_year(visit.session, visit.actor.school_id, today)
            days = absences.check_days(*days, today, year) or days
        if isinstance(days, leave.DayProblem):
            refused = leave.explain(days, _) + "\n" + _("Nothing was recorded.")
            visit.reply(refused, as_html=False)
            return
        await _record_absence(visit, context, *days)


async def _show_absences(visit: Visit, context: BotContext) -> None:
    """The absences recorded from today on, and how to record one."""
    _ = visit._
    today = context.today(visit.now)
    current = await absences.current_absences(visit.session, visit.actor.school_id, today)
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


async def _record_absence(visit: Visit, context: BotContext, first: date, last: date) -> None:
    """Record the absence and queue the news for the vice principals."""
    _ = visit._
    assert visit.account.staff_id is not None
    absence = await absences.record_absence(
        visit.session,
        school_id=visit.actor.school_id,
        staff_id=visit.account.staff_id,
        first=first,
        last=last,
        by=visit.account.id,
        actor=visit.who,
    )
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
