"""Who decides on correction requests: the principal, or the vice principal on the days the
principal recorded as away (/vangmat); and what waits for each person (/duyet).

The rules (rules.py) are checked here with the actor passed in: a refusal is `rules.Refused`,
which the chat side only renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.queries import school_year
from bot.features.corrections import reads, rules
from bot.features.leave.rules import DayProblem, read_days
from storage.models import CorrectionRequest, CorrectionState, LeaderAbsence, Role, Staff, StaffRole
from storage.queries import audit


async def principal_absent(session: AsyncSession, school_id: int, today: date) -> bool:
    """Whether a principal of the school recorded an absence covering today."""
    found = await session.scalar(
        select(func.count(LeaderAbsence.id)).where(
            LeaderAbsence.school_id == school_id,
            LeaderAbsence.cancelled.is_(False),
            LeaderAbsence.first_day <= today,
            LeaderAbsence.last_day >= today,
        )
    )
    return bool(found)


async def deciding_role(session: AsyncSession, school_id: int, today: date) -> Role:
    """The principal decides, or the vice principal while the principal is away."""
    return rules.deciding_role(await principal_absent(session, school_id, today))


async def deciders(session: AsyncSession, school_id: int, today: date) -> list[Staff]:
    """The staff who decide today."""
    role = await deciding_role(session, school_id, today)
    rows = await session.scalars(
        select(Staff)
        .join(StaffRole, StaffRole.staff_id == Staff.id)
        .where(Staff.school_id == school_id, StaffRole.role == role)
        .order_by(Staff.id)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class Waiting:
    """What waits for a person (/duyet), oldest first: the requests to decide on, the approved
    ones to change in the official system, and the person's own open requests."""

    to_decide: list[CorrectionRequest]
    to_apply: list[CorrectionRequest]
    own: list[CorrectionRequest]


async def waiting_for(session: AsyncSession, actor: Actor, today: date) -> Waiting:
    """What waits for this person today; Refused (rules.NOT_DECIDER) for anyone who neither
    decides, nor changes the system, nor files requests."""
    school_id = actor.school_id
    desk = rules.desk(actor, await deciding_role(session, school_id, today))
    pending, approved = [CorrectionState.PENDING], [CorrectionState.APPROVED]
    return Waiting(
        to_decide=await reads.waiting(session, school_id, pending) if desk.decide else [],
        to_apply=await reads.waiting(session, school_id, approved) if desk.apply else [],
        own=(
            await reads.filed_by(session, school_id, actor.account.id, rules.OPEN)
            if desk.own
            else []
        ),
    )


async def record_absence(
    session: AsyncSession, actor: Actor, days: str, *, today: date, who: str
) -> LeaderAbsence | DayProblem:
    """The principal will be away on `days` ("dd/mm" or "dd/mm-dd/mm"): the vice principal
    decides then. Refused (rules.NOT_PRINCIPAL) for anyone but the principal; the problem with
    the days, if any, and nothing recorded."""
    rules.check_absence_keeper(actor)
    read = read_days(days, today)
    if isinstance(read, DayProblem):
        return read
    year = await school_year(session, actor.school_id, today)
    problem = rules.check_days(*read, today, year)
    if problem is not None:
        return problem
    first, last = read
    absence = LeaderAbsence(
        school_id=actor.school_id,
        staff_id=actor.account.staff_id,
        first_day=first,
        last_day=last,
        created_by=actor.account.id,
    )
    session.add(absence)
    await session.flush()
    audit(
        session,
        school_id=actor.school_id,
        actor=who,
        action="principal.absent",
        entity="leader_absence",
        entity_id=absence.id,
        after={"first": first.isoformat(), "last": last.isoformat()},
    )
    return absence


async def current_absences(session: AsyncSession, actor: Actor, today: date) -> list[LeaderAbsence]:
    """The absences that cover today or are still to come, for the principal; Refused
    (rules.NOT_PRINCIPAL) for anyone else."""
    rules.check_absence_keeper(actor)
    return await _absences_from(session, actor.school_id, today)


async def _absences_from(session: AsyncSession, school_id: int, today: date) -> list[LeaderAbsence]:
    """The school's absences that cover today or are still to come, first first."""
    rows = await session.scalars(
        select(LeaderAbsence)
        .where(
            LeaderAbsence.school_id == school_id,
            LeaderAbsence.cancelled.is_(False),
            LeaderAbsence.last_day >= today,
        )
        .order_by(LeaderAbsence.first_day)
    )
    return list(rows)


async def cancel_absences(session: AsyncSession, actor: Actor, today: date, *, who: str) -> int:
    """The principal is back: end every current or future absence; how many. Refused
    (rules.NOT_PRINCIPAL) for anyone but the principal."""
    rules.check_absence_keeper(actor)
    ended = 0
    for absence in await _absences_from(session, actor.school_id, today):
        absence.cancelled = True
        ended += 1
        audit(
            session,
            school_id=actor.school_id,
            actor=who,
            action="principal.back",
            entity="leader_absence",
            entity_id=absence.id,
        )
    await session.flush()
    return ended
