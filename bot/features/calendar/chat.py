"""The school calendar in chat (/lichhoc): staff read it, the administrator changes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import Update
from telegram.ext import filters

from bot.core.access import STAFF_ROLES
from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.delivery.replies import reply_long
from bot.features.calendar.queries import (
    Break,
    Calendar,
    change_calendar,
    describe_calendar,
    load_calendar,
    parse_day,
    refusal_text,
)
from storage.models import Role, School

PRIVATE = filters.ChatType.PRIVATE


@dataclass(frozen=True, slots=True)
class Change:
    """What the administrator asked to change."""

    year_start: date | None = None
    term1_weeks: int | None = None
    term2_weeks: int | None = None
    breaks: tuple[Break, ...] | None = None


def usage(_: Translator) -> str:
    """How to change the calendar."""
    return _(
        "To change the calendar: /lichhoc batdau 07/09/2026 (the first day), /lichhoc hk1 18 "
        "and /lichhoc hk2 17 (teaching weeks of each term), /lichhoc nghi 08/02/2027 21/02/2027 "
        "Tết Nguyên đán (add a break), /lichhoc xoanghi 1 (remove the first break listed)."
    )


def _not_a_date(text: str, _: Translator) -> str:
    return _("“{text}” is not a date: write it as dd/mm/yyyy, like 07/09/2026.").format(text=text)


def read_change(args: list[str], calendar: Calendar, _: Translator) -> Change | str:
    """Read `/lichhoc <what> ...` into a change, or say what is wrong with it."""
    what, rest = args[0].lower(), args[1:]
    if what == "batdau" and len(rest) == 1:
        start = parse_day(rest[0])
        return _not_a_date(rest[0], _) if start is None else Change(year_start=start)
    if what in ("hk1", "hk2") and len(rest) == 1 and rest[0].isdigit():
        weeks = int(rest[0])
        return Change(term1_weeks=weeks) if what == "hk1" else Change(term2_weeks=weeks)
    if what == "nghi" and len(rest) >= 3:
        start, end = parse_day(rest[0]), parse_day(rest[1])
        if start is None or end is None:
            return _not_a_date(rest[0] if start is None else rest[1], _)
        return Change(breaks=(*calendar.breaks, Break(" ".join(rest[2:]), start, end)))
    if what == "xoanghi" and len(rest) == 1 and rest[0].isdigit():
        number = int(rest[0])
        if not 1 <= number <= len(calendar.breaks):
            return _("There is no break number {number}.").format(number=number)
        return Change(breaks=calendar.breaks[: number - 1] + calendar.breaks[number:])
    return usage(_)


async def show_calendar(update: Update, context: BotContext) -> None:
    """Show the school calendar to staff; change it for the administrator."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(*STAFF_ROLES):
            await message.reply_text(_("The school calendar is for the school's staff."))
            return
        school = await visit.session.get(School, visit.actor.school_id)
        assert school is not None
        today = context.today(visit.now)
        calendar = await load_calendar(visit.session, school, today)
        heading = _("The school calendar")
        if context.args:
            if not visit.actor.has(Role.ADMIN):
                await message.reply_text(
                    _("Only the system administrator can change the school calendar.")
                )
                return
            change = read_change(context.args, calendar, _)
            if isinstance(change, str):
                await message.reply_text(change)
                return
            refusal = await change_calendar(
                visit.session,
                school,
                today,
                visit.who,
                year_start=change.year_start,
                term1_weeks=change.term1_weeks,
                term2_weeks=change.term2_weeks,
                breaks=change.breaks,
            )
            if refusal is not None:
                await message.reply_text(
                    refusal_text(refusal, _) + "\n" + _("Nothing was changed.")
                )
                return
            await visit.save()
            calendar = await load_calendar(visit.session, school, today)
            heading = _("The school calendar is updated.")
        lines = [heading, *describe_calendar(calendar, today, _)]
        if visit.actor.has(Role.ADMIN):
            lines += ["", usage(_)]
        await reply_long(message, "\n".join(lines))
