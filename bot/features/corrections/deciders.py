"""Who decides on correction requests: the principal, or the vice principal on the days the
principal recorded as away (/vangmat)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.corrections import rules
from bot.features.corrections.rules import check_days as check_days
from storage.models import LeaderAbsence, Role, Staff, StaffRole
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


async def record_absence(
    session: AsyncSession,
    *,
    school_id: int,
    staff_id: int,
    first: date,
    last: date,
    by: int | None,
    actor: str,
) -> LeaderAbsence:
    """The principal will be away: the vice principal decides on these days."""
    absence = LeaderAbsence(
        school_id=school_id, staff_id=staff_id, first_day=first, last_day=last, created_by=by
    )
    session.add(absence)
    await session.flush()
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="principal.absent",
        entity="leader_absence",
        entity_id=absence.id,
        after={"first": first.isoformat(), "last": last.isoformat()},
    )
    return absence


async def current_absences(
    session: AsyncSession, school_id: int, today: date
) -> list[LeaderAbsence]:
    """Absences that cover today or are still to come."""
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


async def cancel_absences(session: AsyncSession, school_id: int, today: date, actor: str) -> int:
    """End every current or future absence (the principal is back); how many."""
    ended = 0
    for absence in await current_absences(session, school_id, today):
        absence.cancelled = True
        ended += 1
        audit(
            session,
            school_id=school_id,
            actor=actor,
            action="principal.back",
            entity="leader_absence",
            entity_id=absence.id,
        )
    await session.flush()
    return ended
