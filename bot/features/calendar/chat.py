"""The school calendar in chat (/lichhoc): staff read it, the administrator changes it."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator
from bot.features.calendar import queries
from bot.features.calendar.changes import BadChange, Unclear, read_change
from bot.features.calendar.queries import describe_calendar, refusal_text
from bot.features.calendar.rules import Calendar, CalendarRefusal, Denied, may_change_calendar


def usage(_: Translator) -> str:
    """How to change the calendar."""
    return _(
        "To change the calendar: /lichhoc batdau 07/09/2026 (the first day), /lichhoc hk1 18 "
        "and /lichhoc hk2 17 (teaching weeks of each term), /lichhoc nghi 08/02/2027 21/02/2027 "
        "Tết Nguyên đán (add a break), /lichhoc xoanghi 1 (remove the first break listed)."
    )


def denied_text(denied: Denied, _: Translator) -> str:
    """Why this person may not read or change the calendar."""
    if denied is Denied.NOT_STAFF:
        return _("The school calendar is for the school's staff.")
    return _("Only the system administrator can change the school calendar.")


def unclear_text(bad: BadChange, _: Translator) -> str:
    """What is wrong with a change as it was written."""
    if bad.why is Unclear.NOT_A_DATE:
        return _("“{text}” is not a date: write it as dd/mm/yyyy, like 07/09/2026.").format(
            text=bad.text
        )
    if bad.why is Unclear.NO_SUCH_BREAK:
        return _("There is no break number {number}.").format(number=bad.number)
    return usage(_)


def refused_text(refused: Denied | BadChange | CalendarRefusal, _: Translator) -> str:
    """The answer to a change that was not made."""
    if isinstance(refused, Denied):
        return denied_text(refused, _)
    if isinstance(refused, BadChange):
        return unclear_text(refused, _)
    return refusal_text(refused, _) + "\n" + _("Nothing was changed.")


async def show_calendar(update: Update, context: BotContext) -> None:
    """Show the school calendar to staff; change it for the administrator."""
    async with context.visit(update) as visit:
        _ = visit._
        today = context.today(visit.now)
        calendar = await queries.read_calendar(visit.session, visit.actor, today)
        if isinstance(calendar, Denied):
            visit.reply(denied_text(calendar, _), as_html=False)
            return
        heading = _("The school calendar")
        if context.args:
            change = read_change(context.args)
            refused = await queries.change_as(visit.session, visit.actor, today, visit.who, change)
            if refused is not None:
                visit.reply(refused_text(refused, _), as_html=False)
                return
            calendar = await queries.school_calendar(visit.session, visit.actor.school_id, today)
            heading = _("The school calendar is updated.")
        show(visit, calendar, heading, today)


def show(visit: Visit, calendar: Calendar, heading: str, today: date) -> None:
    """The calendar under a heading; the administrator also reads how to change it."""
    _ = visit._
    lines = [heading, *describe_calendar(calendar, today, _)]
    if may_change_calendar(visit.actor):
        lines += ["", usage(_)]
    visit.reply("\n".join(lines), as_html=False)
