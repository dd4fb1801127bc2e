"""Leave requests' rules: reading and checking the days, who may ask and who decides.

Plain Python: no Telegram, no database. Refusals are English msgids for the caller.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core import limits
from bot.core.datefmt import weekday
from bot.core.i18n import N_, Translator
from storage.models import DayPart, LeavePart, RequestState

if TYPE_CHECKING:
    from bot.core.access import Actor
    from storage.models import LeaveRequest

NOT_YOURS = N_("This is not one of your children.")
NOT_DECIDER = N_("You cannot decide on this request.")
MAX_DAYS = 30  # the longest leave one request may cover, in calendar days
ANSWER_WITHIN = 2  # working days before the teacher is reminded (or the leaders told)
# A request for a teacher who has not joined the bot waits this long for her (the inbox and the
# reminder still show it after that).
KEPT_FOR = timedelta(days=60)
NOON = 12  # after this hour (school time) today is no longer offered as a button
_DAY = r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?"
_DAYS = re.compile(rf"{_DAY}(?:\s*(?:-|–|—|đến)\s*{_DAY})?", re.IGNORECASE)

SESSIONS = {
    LeavePart.ALL_DAY: (DayPart.MORNING, DayPart.AFTERNOON),
    LeavePart.MORNING: (DayPart.MORNING,),
    LeavePart.AFTERNOON: (DayPart.AFTERNOON,),
}
PART_LABELS = {
    LeavePart.ALL_DAY: N_("All day"),
    LeavePart.MORNING: N_("Morning"),
    LeavePart.AFTERNOON: N_("Afternoon"),
}


class DayProblem(enum.Enum):
    """Why typed or pressed dates cannot be asked for."""

    BAD_FORM = N_("Please write the day as dd/mm, or a range as dd/mm-dd/mm, like 30/11-02/12.")
    NO_SUCH_DATE = N_("That date does not exist; please check the day and the month.")
    PAST = N_("That day has already passed; leave can be asked from today on.")
    END_BEFORE_START = N_("The last day comes before the first day; please check the range.")
    TOO_LONG = N_(
        "One request covers at most {limit} days; for a longer absence please contact the "
        "homeroom teacher."
    )
    WEEKEND = N_("There are no lessons on Saturday and Sunday.")
    OUTSIDE_YEAR = N_("That day is outside the current school year.")


class Outcome(enum.Enum):
    """What a press on a request's button did."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    DECIDED = "decided"  # already confirmed or refused: nothing changed


NO_LONGER_OPEN = N_("This leave request is no longer open.")
ALREADY_SENT = N_("This leave request was already sent; nothing was changed.")
STATES = {
    RequestState.APPROVED: N_("This leave request was already confirmed."),
    RequestState.REJECTED: N_("This leave request was already refused."),
}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a decision and the request it concerns (None if there is none)."""

    outcome: Outcome
    request: LeaveRequest | None = None


def _read(day: str, month: str, year: str | None, near: date) -> date | DayProblem:
    """A day and month (and year) as a date, the year nearest to `near` when not written."""
    d, m = int(day), int(month)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return DayProblem.NO_SUCH_DATE
    if year is None:
        years = (near.year - 1, near.year, near.year + 1)
        chosen = min(years, key=lambda y: abs((date(y, m, min(d, 28)) - near).days))
    else:
        chosen = int(year)
    try:
        return date(chosen, m, d)
    except ValueError:
        return DayProblem.NO_SUCH_DATE


def parse_days(
    text: str, today: date, year: tuple[date, date] | None = None
) -> tuple[date, date] | DayProblem:
    """Read "dd/mm" or "dd/mm-dd/mm" (day first) as the first and last day, checked."""
    days = read_days(text, today)
    if isinstance(days, DayProblem):
        return days
    return check_days(*days, today, year) or days


def read_days(text: str, today: date) -> tuple[date, date] | DayProblem:
    """Read "dd/mm" or "dd/mm-dd/mm" (day first) as the first and last day, unchecked."""
    found = _DAYS.fullmatch(text.strip())
    if found is None:
        return DayProblem.BAD_FORM
    first = _read(found[1], found[2], found[3], today)
    if isinstance(first, DayProblem):
        return first
    last = first if found[4] is None else _read(found[4], found[5], found[6], first)
    if isinstance(last, DayProblem):
        return last
    return first, last


def check_days(
    first: date, last: date, today: date, year: tuple[date, date] | None = None
) -> DayProblem | None:
    """Refuse a range backwards, in the past, outside the school year (first and last day),
    too long, or with no school day in it."""
    if last < first:
        return DayProblem.END_BEFORE_START
    if first < today:
        return DayProblem.PAST
    if year is not None and (first < year[0] or last > year[1]):
        return DayProblem.OUTSIDE_YEAR
    if (last - first).days + 1 > MAX_DAYS:
        return DayProblem.TOO_LONG
    if not school_days(first, last):
        return DayProblem.WEEKEND
    return None


def explain(problem: DayProblem | str, _: Translator) -> str:
    """Say why dates, a text or a request were refused (a DayProblem or a limits msgid)."""
    if isinstance(problem, DayProblem):
        return _(problem.value).format(limit=MAX_DAYS)
    return limits.fill(problem, _(problem))


def school_days(first: date, last: date) -> list[date]:
    """The days Monday to Friday from `first` to `last`."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def offered_days(moment: datetime) -> list[date]:
    """The days offered as buttons: today before noon, then the next two school days."""
    today = moment.date()
    days = [today] if moment.hour < NOON and today.weekday() < 5 else []
    day = today
    for _ in range(2):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        days.append(day)
    return days


def day_label(day: date, _: Translator) -> str:
    """ "Thứ Hai 30/11"."""
    return _("{weekday} {date}").format(weekday=weekday(day, _), date=day.strftime("%d/%m"))


def days_label(first: date, last: date, _: Translator) -> str:
    """One day, or a range with its number of school days."""
    if first == last:
        return day_label(first, _)
    count = len(school_days(first, last))
    return _.ngettext(
        "{first} to {last} ({count} school day)", "{first} to {last} ({count} school days)", count
    ).format(first=day_label(first, _), last=day_label(last, _), count=count)


def may_ask(actor: Actor, student_id: int) -> bool:
    """A guardian asks leave for their own children."""
    return actor.linked and student_id in actor.children


def may_decide(actor: Actor, request: LeaveRequest) -> bool:
    """The homeroom teacher of the pupil's class, as they are now, decides."""
    return (
        actor.linked
        and request.school_id == actor.school_id
        and request.class_id in actor.homeroom_classes
    )


def decision_for(actor: Actor, request: LeaveRequest | None) -> Decision:
    """Whether this person may decide this request now: not theirs, already decided, or open."""
    if request is None or not may_decide(actor, request):
        return Decision(Outcome.NOT_ALLOWED)
    if request.state != RequestState.PENDING:
        return Decision(Outcome.DECIDED, request)
    return Decision(Outcome.DONE, request)


def state_text(request: LeaveRequest, _: Translator) -> str:
    """What became of a request already decided."""
    return _(STATES.get(request.state, NO_LONGER_OPEN))


def why_not(decision: Decision, _: Translator) -> str | None:
    """Why a press or a typed refusal cannot decide the request, or None."""
    if decision.outcome is Outcome.NOT_ALLOWED:
        return _(NOT_DECIDER)
    if decision.outcome is Outcome.DECIDED and decision.request is not None:
        return state_text(decision.request, _)
    return None


def after_sending(request: LeaveRequest) -> str:
    """What a button of a form already sent says: sent and waiting, confirmed, or refused."""
    if request.state == RequestState.PENDING:
        return ALREADY_SENT
    return STATES.get(request.state, NO_LONGER_OPEN)
