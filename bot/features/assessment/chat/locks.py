"""The principal's side of the assessment book: /khoaso, /mokhoa, /congbo and /hansua.

Only the principal changes anything; the vice principal sees the same table. Without arguments
each command shows the table with a button per period (the screens of chat/leaders.py and
chat/dates.py, which call the same operations); with arguments it is a shortcut. Arguments are a
period code (gk1, ck1, gk2, cn) and a scope: nothing for the school, "khoi 3" for a grade,
a class name for a class (chat/arguments.py).
"""

from __future__ import annotations

import html
from datetime import date

from telegram import Update

from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.arguments import BadArgument, date_of, period_of, scope_of
from bot.features.assessment.chat.leaders import home_markup, overview
from bot.features.assessment.rules import Period, RuleError, locks_refusal
from storage.models import Role
from storage.names import search_key

SEE_ONLY = N_(
    "Only the principal locks, unlocks and publishes periods and sets the deadlines; here you "
    "see where they stand."
)
USAGE = (
    N_("How to use:"),
    N_("/khoaso ck1 — lock End of term I for the whole school"),
    N_("/khoaso ck1 khoi 3 — for grade 3 only"),
    N_("/khoaso ck1 3A — for class 3A only"),
    N_("/mokhoa — unlock, written the same way"),
    N_("/congbo ck1 — publish the results to parents"),
    N_("/hansua ck1 15/01/2027 — set the last day for correction requests"),
    N_("/hansua ck1 macdinh — back to the default last day"),
    N_("Periods: gk1, ck1, gk2, cn."),
)


def _refused(visit: Visit, changing: bool) -> bool:
    """Answer people outside the school's leaders, and changes by anyone but the principal."""
    refusal = locks_refusal(visit.actor, changing=changing)
    if refusal is not None:
        visit.reply(visit._(refusal), as_html=False)
    return refusal is not None


async def _show_overview(visit: Visit, context: BotContext) -> None:
    if visit.actor.has(Role.PRINCIPAL):
        usage = "\n".join(html.escape(visit._(line), quote=False) for line in USAGE)
    else:  # the vice principal: where things stand, not commands refused to her
        usage = html.escape(visit._(SEE_ONLY), quote=False)
    visit.reply(await overview(visit, context) + "\n\n" + usage, home_markup(visit._))


async def _lock(update: Update, context: BotContext, locked: bool) -> None:
    args = list(context.args or [])
    async with context.visit(update) as visit:
        _ = visit._
        if _refused(visit, changing=bool(args)):
            return
        if not args:
            await _show_overview(visit, context)
            return
        try:
            period = period_of(args[0], _)
            scope, where = await scope_of(visit, args[1:])
        except BadArgument as bad:
            visit.reply(str(bad.args[0]))
            return
        await assessment.change_lock(
            visit.session,
            visit.actor,
            visit.who,
            school_year=assessment.school_year_of(context.today(visit.now)),
            period=period,
            scope=scope,
            locked=locked,
        )
        done = (
            _("Locked {period} for {scope}. Changes now go through /suadiem.")
            if locked
            else _("Unlocked {period} for {scope}. Teachers can send their spreadsheets again.")
        )
        visit.reply(done.format(period=assessment.period_name(period, _), scope=where))


async def lock_command(update: Update, context: BotContext) -> None:
    """/khoaso: the table, or lock a period for the school, a grade or a class."""
    await _lock(update, context, True)


async def unlock_command(update: Update, context: BotContext) -> None:
    """/mokhoa: the table, or unlock a period for the school, a grade or a class."""
    await _lock(update, context, False)


async def publish_command(update: Update, context: BotContext) -> None:
    """/congbo ck1: let parents see a period's results and tell them so, through the outbox."""
    args = list(context.args or [])
    async with context.visit(update) as visit:
        told = await _publish(visit, context, args)
    if told:
        context.wake_sender()


async def _publish(visit: Visit, context: BotContext, args: list[str]) -> bool:
    """Publish the period the arguments name; True when families are being told."""
    _ = visit._
    if _refused(visit, changing=bool(args)):
        return False
    if len(args) != 1:
        await _show_overview(visit, context)
        return False
    try:
        period = period_of(args[0], _)
    except BadArgument as bad:
        visit.reply(str(bad.args[0]))
        return False
    name = assessment.period_name(period, _)
    families = await assessment.publish_results(
        visit.session,
        visit.actor,
        visit.who,
        school_year=assessment.school_year_of(context.today(visit.now)),
        period=period,
        now=visit.now,
    )
    if families is None:
        visit.reply(_("{period} was already published.").format(period=name), as_html=False)
        return False
    visit.reply(
        _("Published {period}. {count} parent accounts are being told to use /ketqua.").format(
            period=name, count=families
        ),
        as_html=False,
    )
    return True


async def deadline_command(update: Update, context: BotContext) -> None:
    """/hansua: the deadlines; /hansua ck1 15/01/2027 or /hansua ck1 macdinh sets one."""
    args = list(context.args or [])
    async with context.visit(update) as visit:
        _ = visit._
        if _refused(visit, changing=bool(args)):
            return
        if not args:
            await _show_overview(visit, context)
            return
        today = context.today(visit.now)
        try:
            if len(args) != 2:
                raise BadArgument(
                    html.escape(
                        _("Write the period and the date, for example /hansua ck1 15/01/2027.")
                    )
                )
            period = period_of(args[0], _)
            reset = search_key(args[1]).replace(" ", "") in ("macdinh", "default")
            day = None if reset else date_of(args[1], _)
            last = await _set_deadline(visit, period, day, today)
        except BadArgument as bad:
            visit.reply(str(bad.args[0]))
            return
        visit.reply(
            _("Last day for correction requests of {period}: {date}.").format(
                period=assessment.period_name(period, _), date=short(last)
            ),
            as_html=False,
        )


async def _set_deadline(visit: Visit, period: Period, day: date | None, today: date) -> date:
    """Store the period's last day (None: the default) and return it; a day outside the school
    year or already past is a BadArgument."""
    try:
        return await assessment.change_deadline(
            visit.session,
            visit.actor,
            visit.who,
            school_year=assessment.school_year_of(today),
            period=period,
            day=day,
            today=today,
        )
    except RuleError as refused:
        raise BadArgument(html.escape(refused.message(visit._), quote=False)) from None
