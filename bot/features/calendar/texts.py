"""The school calendar as staff read it, and why a change was refused (plain text)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.datefmt import everyday, short
from bot.core.i18n import Translator
from bot.features.calendar.rules import (
    BREAK_NAME_LIMIT,
    MAX_TERM_WEEKS,
    Calendar,
    CalendarProblem,
    CalendarRefusal,
    week_label,
    year_end,
)


def refusal_text(refusal: CalendarRefusal, _: Translator) -> str:
    """Say why a calendar change was refused."""
    b = refusal.brk
    name = b.name if b is not None else ""
    if refusal.problem is CalendarProblem.TERM_WEEKS:
        return _("A term has between 1 and {most} teaching weeks.").format(most=MAX_TERM_WEEKS)
    if refusal.problem is CalendarProblem.BREAK_NAME:
        return _("Give the break a name of at most {limit} characters.").format(
            limit=BREAK_NAME_LIMIT
        )
    if refusal.problem is CalendarProblem.BREAK_ORDER:
        return _("The break “{name}” ends before it starts.").format(name=name)
    if refusal.problem is CalendarProblem.BREAK_OUTSIDE:
        return _(
            "The break “{name}” is outside the school year, which runs from {start} to {end}."
        ).format(
            name=name,
            start=short(refusal.calendar.year_start),
            end=short(year_end(refusal.calendar)),
        )
    return _("The break “{name}” overlaps another break.").format(name=name)


def describe_calendar(calendar: Calendar, today: date, _: Translator) -> list[str]:
    """The calendar as staff read it: start, terms, breaks and where today falls."""
    weeks = calendar.weeks()
    lines = [_("School year start: {day}").format(day=everyday(calendar.year_start, _))]
    for term, label in ((1, _("Term I")), (2, _("Term II"))):
        in_term = [w for w in weeks if w.term == term]
        lines.append(
            _("{term}: {count} weeks (week {first}–{last}), {start}–{end}").format(
                term=label,
                count=len(in_term),
                first=in_term[0].number,
                last=in_term[-1].number,
                start=short(in_term[0].start),
                end=short(in_term[-1].end),
            )
        )
    if calendar.breaks:
        lines.append(_("Breaks:"))
        lines += [
            _("{number}. {name}: {start}–{end}").format(
                number=number, name=b.name, start=short(b.start), end=short(b.end)
            )
            for number, b in enumerate(calendar.breaks, 1)
        ]
    else:
        lines.append(_("No breaks entered yet."))
    lines.append(_where_today(calendar, today, _))
    return lines


def _where_today(calendar: Calendar, today: date, _: Translator) -> str:
    """Where today falls: the week being written (after a week's last school day, the week just
    ended), or the break, with the week whose comments are still written during it."""
    week = calendar.writing_week(today)
    monday = today - timedelta(days=today.weekday())
    brk = calendar.break_on(today) or calendar.break_on(monday)
    if brk is not None and not calendar.is_school_day(today):
        line = _("Today is in a break: {name}.").format(name=brk.name)
        if week is not None:
            line += "\n" + _("Comments, {week}").format(week=week_label(week, _))
        return line
    if week is not None:
        return _("This week: {week}").format(week=week_label(week, _))
    return _("Today is outside the school year.")
