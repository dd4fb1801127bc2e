"""Leave requests (đơn xin nghỉ học): a parent asks for a child, the homeroom teacher decides.

A confirmed request becomes an excused absence (vắng có phép) for each session of each school
day it covers, so the weekly notice shows it. Refusals are English msgids for the caller. The
rules (days, who may ask or decide) are in rules.py; their public names are kept here for the
features that import them from the queries (corrections reads dates the same way).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
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
    AuditEvent,
    LeavePart,
    LeaveRequest,
    Notice,
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
    who: str = "",
    started: int = 0,
) -> LeaveRequest | DayProblem | str:
    """Store a pending request after checking rights, rate, dates and reason (else a msgid);
    audited with the update that opened its form, so that the form's late buttons can tell."""
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
        created_at=now,
    )
    session.add(request)
    await session.flush()
    audit(
        session,
        school_id=actor.school_id,
        actor=who or f"tg:{actor.account.telegram_user_id}",
        action="leave.requested",
        entity="leave_request",
        entity_id=request.id,
        after={"state": request.state.value, "draft": started},
    )
    return request


async def sent_from(session: AsyncSession, actor: Actor, started: int) -> LeaveRequest | None:
    """The request a form opened by update `started` became, if it was sent."""
    if not started:
        return None
    events = await session.execute(
        select(AuditEvent.entity_id, AuditEvent.after)
        .where(
            AuditEvent.school_id == actor.school_id,
            AuditEvent.actor == f"tg:{actor.account.telegram_user_id}",
            AuditEvent.action == "leave.requested",
        )
        .order_by(AuditEvent.id.desc())
        .limit(100)
    )
    for entity_id, after in events:
        if (after or {}).get("draft") == started and entity_id is not None:
            return await session.get(LeaveRequest, int(entity_id))
    return None


async def waiting_for(session: AsyncSession, actor: Actor) -> list[LeaveRequest]:
    """The pending requests this person decides (their homeroom classes), oldest first."""
    if not actor.linked or not actor.homeroom_classes:
        return []
    found = await session.scalars(
        select(LeaveRequest)
        .where(
            LeaveRequest.school_id == actor.school_id,
            LeaveRequest.state == RequestState.PENDING,
            LeaveRequest.class_id.in_(actor.homeroom_classes),
        )
        .order_by(LeaveRequest.created_at, LeaveRequest.id)
    )
    return list(found)


async def pending(session: AsyncSession, school_id: int) -> list[LeaveRequest]:
    """Every pending request of the school, oldest first (for the reminder)."""
    found = await session.scalars(
        select(LeaveRequest)
        .where(LeaveRequest.school_id == school_id, LeaveRequest.state == RequestState.PENDING)
        .order_by(LeaveRequest.created_at, LeaveRequest.id)
    )
    return list(found)


async def notice_with(session: AsyncSession, school_id: int, ref: str) -> Notice | None:
    """The first notice queued with this ref (a request's card, its note, its reminder)."""
    return await session.scalar(
        select(Notice)
        .where(Notice.school_id == school_id, Notice.ref == ref)
        .order_by(Notice.id)
        .limit(1)
    )


async def stop_keeping(session: AsyncSession, request: LeaveRequest) -> None:
    """A decided request's card and note are no longer given to a teacher who joins later."""
    refs = [f"leave:{request.id}", f"leave_note:{request.id}"]
    await session.execute(
        update(Notice)
        .where(Notice.school_id == request.school_id, Notice.ref.in_(refs))
        .values(kept_until=None)
    )


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
        days = school_days(request.first_day, request.last_day)
        for day in days:
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
        # A week whose notice already went out: the family gets the addendum.
        await attendance.tell_absences(session, request.school_id, request.student_id, days, now)
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


async def state_counts(
    session: AsyncSession, school_id: int, first: date, last: date
) -> dict[RequestState, int]:
    """How many of the school's requests covering a day from `first` to `last` are in each
    state (the leaders' dashboard)."""
    rows = await session.execute(
        select(LeaveRequest.state, func.count())
        .where(
            LeaveRequest.school_id == school_id,
            LeaveRequest.first_day <= last,
            LeaveRequest.last_day >= first,
        )
        .group_by(LeaveRequest.state)
    )
    return {state: count for state, count in rows}
