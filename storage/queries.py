"""Small shared queries; they take the session first and never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent, School


async def school_by_code(session: AsyncSession, code: str) -> School | None:
    """Return the school with this code, if any."""
    return await session.scalar(select(School).where(School.code == code))


async def ensure_school(
    session: AsyncSession, code: str, name: str | None = None, timezone: str = "Asia/Ho_Chi_Minh"
) -> School:
    """Return the school with this code, creating it on first use."""
    school = await school_by_code(session, code)
    if school is None:
        school = School(code=code, name=name or code, timezone=timezone, settings={})
        session.add(school)
        await session.flush()
    return school


def audit(
    session: AsyncSession,
    *,
    school_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append an audit event to the session's unit of work."""
    event = AuditEvent(
        school_id=school_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    return event
