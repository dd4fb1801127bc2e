"""Leave requests (đơn xin nghỉ học): a parent asks for a child, the homeroom teacher decides.

A confirmed request becomes an excused absence (vắng có phép) for each session of each school
day it covers, so the weekly notice shows it. Refusals are English msgids for the caller. The
rules (days, who may ask or decide) are in rules.py; their public names are kept here for the
features that import them from the queries (corrections reads dates the same way).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor
from bot.features.attendance import queries as attendance
from bot.features.calendar.queries import school_year
from bot.features.leave.rules import MAX_DAYS as MAX_DAYS
from bot.features.leave.rules import NOT_YOURS as NOT_YOURS
from bot.features.leave.rules import SESSIONS, decision_for, may_ask, school_days
from bot.features.leave.rules import DayProblem as DayProblem
from bot.features.leave.rules import Decision as Decision
from bot.features.leave.rules import Outcome as Outcome
from bot.features.leave.rules import check_days as check_days
from bot.features.leave.rules import explain as explain
from bot.features.leave.rules import parse_days as parse_days
from bot.features.leave.rules import read_days as read_days
from bot.features.weekly.queries import pupil_class
from storage.models import (
    AccountState,
    LeavePart,
    LeaveRequest,
    RequestState,
    Staff,
    TelegramAccount,
)
from storage.queries import audit, students_with_ids


async def over_rate(session: AsyncSession, account_id: int, now: datetime) -> bool:
    """Tell whether this account has already sent as many requests as an hour allows."""
    return await limits.over_rate(
        session, LeaveRequest.account_id, LeaveRequest.created_at, account_id, now
    )


async def pupil(session: AsyncSession, student_id: int) -> tuple[str, str]:
    """The pupil's name and class."""
    ((_id, name, class_name),) = await students_with_ids(session, [student_id])
    return name, class_name


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
    return decision_for(actor, request)


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


async def deciders(session: AsyncSession, request: LeaveRequest) -> list[TelegramAccount]:
    """The linked accounts of the class's homeroom teacher."""
    staff = select(Staff.id).where(
        Staff.school_id == request.school_id, Staff.homeroom_class_id == request.class_id
    )
    return list(
        await session.scalars(
            select(TelegramAccount)
            .where(
                TelegramAccount.school_id == request.school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_(staff),
            )
            .order_by(TelegramAccount.id)
        )
    )
