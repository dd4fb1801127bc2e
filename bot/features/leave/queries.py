"""Leave requests (đơn xin nghỉ học): a parent asks for a child, the homeroom teacher decides.

A confirmed request becomes an excused absence (vắng có phép) for each session of each school
day it covers, so the weekly notice shows it. Refusals are English msgids for the caller.
"""

from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor
from bot.core.datefmt import weekday
from bot.core.i18n import N_, Translator
from bot.features.attendance import queries as attendance
from bot.features.calendar.queries import school_year
from bot.features.weekly.queries import pupil_class
from storage.models import (
    AccountState,
    DayPart,
    LeavePart,
    LeaveRequest,
    RequestState,
    Staff,
    TelegramAccount,
)
from storage.queries import audit

NOT_YOURS = N_("This is not one of your children.")
MAX_DAYS = 30  # the longest leave one request may cover, in calendar days
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


async def over_rate(session: AsyncSession, account_id: int, now: datetime) -> bool:
    """Tell whether this account has already sent as many requests as an hour allows."""
    return await limits.over_rate(
        session, LeaveRequest.account_id, LeaveRequest.created_at, account_id, now
    )


async def submit(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    first: date,
    last: date,
    part: LeavePart,
    reason: str,
    *,
    now: datetime,
    today: date,
) -> LeaveRequest | DayProblem | str:
    """Store a pending request after checking rights, rate, dates and reason (else a msgid)."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    if class_id is None or not may_ask(actor, student_id):
        return NOT_YOURS
    if await over_rate(session, actor.account.id, now):
        return limits.TOO_MANY
    year = await school_year(session, actor.school_id, today)
    problem = check_days(first, last, today, year) or limits.text_problem(reason)
    if problem is not None:
        return problem
    request = LeaveRequest(
        school_id=actor.school_id,
        account_id=actor.account.id,
        student_id=student_id,
        class_id=class_id,
        first_day=first,
        last_day=last,
        part=part,
        reason=reason.strip(),
        state=RequestState.PENDING,
    )
    session.add(request)
    await session.flush()
    return request


async def check(
    session: AsyncSession, actor: Actor, request_id: int, *, lock: bool = False
) -> Decision:
    """Whether this person may decide this request now (before asking a refusal's reason)."""
    request = await session.get(LeaveRequest, request_id, with_for_update=lock)
    if request is None or not may_decide(actor, request):
        return Decision(Outcome.NOT_ALLOWED)
    if request.state != RequestState.PENDING:
        return Decision(Outcome.DECIDED, request)
    return Decision(Outcome.DONE, request)


async def decide(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    *,
    approve: bool,
    now: datetime,
    who: str,
    refusal: str | None = None,
) -> Decision:
    """Confirm (excused absences recorded) or refuse (with a reason) a pending request."""
    decision = await check(session, actor, request_id, lock=True)
    request = decision.request
    if decision.outcome is not Outcome.DONE or request is None:
        return decision
    if not approve and limits.text_problem(refusal) is not None:
        raise ValueError("a refusal needs a reason within the text limit")
    request.decided_by, request.decided_at = actor.account.id, now
    if approve:
        request.state = RequestState.APPROVED
        for day in school_days(request.first_day, request.last_day):
            for part in SESSIONS[request.part]:
                await attendance.mark(
                    session,
                    request.student_id,
                    request.school_id,
                    day,
                    part,
                    True,
                    request.reason,
                    actor.account.id,
                    who=who,
                )
    else:
        request.state, request.refusal = RequestState.REJECTED, (refusal or "").strip()
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action="leave.approved" if approve else "leave.rejected",
        entity="leave_request",
        entity_id=request.id,
        before={"state": RequestState.PENDING.value},
        after={"state": request.state.value, "refusal": request.refusal},
    )
    await session.flush()
    return Decision(Outcome.DONE, request)


def state_text(request: LeaveRequest, _: Translator) -> str:
    """What became of a request already decided."""
    return _(STATES.get(request.state, NO_LONGER_OPEN))


def describe(
    name: str, klass: str, first: date, last: date, part: LeavePart, reason: str, _: Translator
) -> list[str]:
    """A request as the parent and the teacher read it (HTML, the parent's text escaped)."""
    return [
        _("Pupil: {name}, class {class_name}").format(name=html.escape(name), class_name=klass),
        _("Days: {days}").format(days=days_label(first, last, _)),
        _("Session: {session}").format(session=_(PART_LABELS[part])),
        _("Reason: {reason}").format(reason=html.escape(reason)),
    ]


def decision_note(request: LeaveRequest, name: str, _: Translator) -> str:
    """The parent's news of the teacher's decision (HTML)."""
    values = {
        "name": html.escape(name),
        "days": days_label(request.first_day, request.last_day, _),
        "session": _(PART_LABELS[request.part]),
    }
    if request.state == RequestState.APPROVED:
        return _(
            "The homeroom teacher has confirmed the leave request for {name}: {days}, {session}. "
            "It is recorded as an excused absence."
        ).format(**values)
    return _(
        "The homeroom teacher did not accept the leave request for {name}: {days}, {session}. "
        "Reason: {reason}"
    ).format(**values, reason=html.escape(request.refusal or ""))


async def deciders(session: AsyncSession, request: LeaveRequest) -> list[TelegramAccount]:
    """The linked accounts of the class's homeroom teacher."""
    staff = select(Staff.id).where(
        Staff.school_id == request.school_id, Staff.homeroom_class_id == request.class_id
    )
    return list(
        await session.scalars(
            select(TelegramAccount).where(
                TelegramAccount.school_id == request.school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_(staff),
            )
        )
    )
