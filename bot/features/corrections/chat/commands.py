"""The correction commands for leaders and staff: /duyet lists what waits for the person (a
decision, the change in the official system, their own open requests); /vangmat records the
principal's absence, when the vice principal decides in their place.
"""

from __future__ import annotations

from telegram import Update

from bot.core import keyboards
from bot.core.callbacks import pack
from bot.core.context import BotContext
from bot.core.datefmt import short
from bot.core.i18n import translator
from bot.features.calendar.queries import school_year
from bot.features.corrections import deciders as absences
from bot.features.corrections import queries as corrections
from bot.features.corrections.chat.card import (
    FEATURE,
    HTML,
    accounts,
    card,
    card_messages,
    decision_buttons,
    send,
    staff_with,
    state_text,
)
from bot.features.leave import queries as leave
from storage.models import CorrectionState, Role


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
                *texts, text = await card_messages(visit, request, _)
                for before in texts:
                    await message.reply_text(before, parse_mode=HTML)
                await message.reply_text(
                    text, reply_markup=decision_buttons(_, request.id), parse_mode=HTML
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
            year = await school_year(visit.session, visit.actor.school_id, today)
            days = absences.check_days(*days, today, year) or days
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
        for account in await accounts(visit, await staff_with(visit, Role.VICE_PRINCIPAL)):
            tr = translator(account.language or "vi")
            await send(
                context,
                account,
                tr(
                    "The principal is away from {first} to {last}: please decide on correction "
                    "requests in their place (/duyet)."
                ).format(first=short(first), last=short(last)),
            )
