"""How a change to the calendar asked in chat reads: `/lichhoc batdau|hk1|hk2|nghi|xoanghi ...`.

Its names are importable from bot/features/calendar/rules.py too.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.features.calendar.rules import Break, Calendar, parse_day


class Unclear(enum.Enum):
    """Why a change asked in chat cannot be read."""

    USAGE = "usage"  # not one of the forms: show how to write them
    NOT_A_DATE = "not_a_date"
    NO_SUCH_BREAK = "no_such_break"


@dataclass(frozen=True, slots=True)
class BadChange:
    """A change that cannot be read, and the text or number that was wrong."""

    why: Unclear
    text: str = ""
    number: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    """What the administrator asked: a start, a term's length, a break added or removed."""

    year_start: date | None = None
    term1_weeks: int | None = None
    term2_weeks: int | None = None
    add_break: Break | None = None
    remove_break: int | None = None  # its number in the list shown, from 1


def read_change(args: Sequence[str]) -> Change | BadChange:
    """Read `/lichhoc <what> ...`: batdau, hk1, hk2, nghi or xoanghi and their values."""
    what, rest = args[0].lower(), list(args[1:])
    if what == "batdau" and len(rest) == 1:
        start = parse_day(rest[0])
        return BadChange(Unclear.NOT_A_DATE, rest[0]) if start is None else Change(start)
    if what in ("hk1", "hk2") and len(rest) == 1 and rest[0].isdigit():
        weeks = int(rest[0])
        return Change(term1_weeks=weeks) if what == "hk1" else Change(term2_weeks=weeks)
    if what == "nghi" and len(rest) >= 3:
        start, end = parse_day(rest[0]), parse_day(rest[1])
        if start is None or end is None:
            return BadChange(Unclear.NOT_A_DATE, rest[0] if start is None else rest[1])
        return Change(add_break=Break(" ".join(rest[2:]), start, end))
    if what == "xoanghi" and len(rest) == 1 and rest[0].isdigit():
        return Change(remove_break=int(rest[0]))
    return BadChange(Unclear.USAGE)


def breaks_after(calendar: Calendar, change: Change) -> tuple[Break, ...] | BadChange | None:
    """The breaks a change leaves (None: it does not touch them)."""
    if change.add_break is not None:
        return (*calendar.breaks, change.add_break)
    number = change.remove_break
    if number is None:
        return None
    if not 1 <= number <= len(calendar.breaks):
        return BadChange(Unclear.NO_SUCH_BREAK, number=number)
    return calendar.breaks[: number - 1] + calendar.breaks[number:]
