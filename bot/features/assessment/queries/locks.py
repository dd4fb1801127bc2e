"""The principal's locks on the assessment book (domain-vn.md section 0).

The principal locks and unlocks a period for the school, a grade or a class; the most specific
lock wins. Once locked, a result changes only through a correction request, and an applied
correction locks its item again ("relocked") even where the period is open, until the principal
unlocks that scope again.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment.rules import Period
from storage.models import AssessmentLock, AssessmentResult, SchoolClass
from storage.queries import audit

SCHOOL = "school"


def scopes_of(klass: SchoolClass) -> tuple[str, str, str]:
    """A class's lock scopes, most specific first."""
    return (f"class:{klass.id}", f"grade:{klass.grade}", SCHOOL)


async def is_locked(
    session: AsyncSession, school_id: int, school_year: str, period: Period, klass: SchoolClass
) -> bool:
    """Whether the period is locked for this class (the most specific lock wins)."""
    scopes = scopes_of(klass)
    rows = await session.scalars(
        select(AssessmentLock).where(
            AssessmentLock.school_id == school_id,
            AssessmentLock.school_year == school_year,
            AssessmentLock.period == period.value,
            AssessmentLock.scope.in_(scopes),
        )
    )
    found = {row.scope: row.locked for row in rows}
    return next((found[scope] for scope in scopes if scope in found), False)


async def item_locked(
    session: AsyncSession,
    school_id: int,
    school_year: str,
    period: Period,
    klass: SchoolClass,
    result: AssessmentResult | None,
) -> bool:
    """Whether one item may change only through a correction request."""
    if result is not None and result.relocked:
        return True
    return await is_locked(session, school_id, school_year, period, klass)


async def set_lock(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    scope: str,
    locked: bool,
    by: int | None,
    actor: str,
) -> None:
    """Lock or unlock a period for a scope; unlocking also opens items a correction relocked.

    A school-wide change replaces the grades' and classes' own locks, and a grade's its
    classes', so that what the principal just said holds everywhere in the scope.
    """
    rows = list(
        await session.scalars(
            select(AssessmentLock).where(
                AssessmentLock.school_id == school_id,
                AssessmentLock.school_year == school_year,
                AssessmentLock.period == period.value,
            )
        )
    )
    classes = await _classes_in(session, school_id, scope)
    covered = {scope} | {f"class:{c.id}" for c in classes}
    if scope == SCHOOL:
        covered |= {row.scope for row in rows}
    for row in rows:
        if row.scope in covered and row.scope != scope:
            await session.delete(row)
    mine = next((row for row in rows if row.scope == scope), None)
    before = None if mine is None else mine.locked
    if mine is None:
        mine = AssessmentLock(
            school_id=school_id, school_year=school_year, period=period.value, scope=scope
        )
        session.add(mine)
    mine.locked, mine.set_by = locked, by
    if not locked and classes:
        await _open_relocked(session, school_year, period, classes)
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.lock" if locked else "assessment.unlock",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}:{scope}",
        before={"locked": before},
        after={"locked": locked},
    )
    await session.flush()


async def _open_relocked(
    session: AsyncSession, school_year: str, period: Period, classes: list[SchoolClass]
) -> None:
    """Open again the items corrections locked in these classes."""
    await session.execute(
        update(AssessmentResult)
        .where(
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
            AssessmentResult.class_id.in_([c.id for c in classes]),
        )
        .values(relocked=False)
    )


async def _classes_in(session: AsyncSession, school_id: int, scope: str) -> list[SchoolClass]:
    query = select(SchoolClass).where(SchoolClass.school_id == school_id)
    kind, _sep, value = scope.partition(":")
    if kind == "grade":
        query = query.where(SchoolClass.grade == int(value))
    elif kind == "class":
        query = query.where(SchoolClass.id == int(value))
    return list(await session.scalars(query))


async def lock_table(
    session: AsyncSession, school_id: int, school_year: str
) -> dict[str, dict[str, bool]]:
    """Every explicit lock of a year: {period: {scope: locked}}."""
    rows = await session.scalars(
        select(AssessmentLock).where(
            AssessmentLock.school_id == school_id, AssessmentLock.school_year == school_year
        )
    )
    table: dict[str, dict[str, bool]] = {}
    for row in rows:
        table.setdefault(row.period, {})[row.scope] = row.locked
    return table
