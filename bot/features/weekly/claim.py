"""Marking a class's week sent, exactly once, whoever sends it and however many at once."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.calendar.rules import TeachingWeek
from storage.models import ClassWeek, SchoolClass


async def claim(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    class_ids: Collection[int] | None,
    by: int | None,
    now: datetime,
) -> set[int]:
    """Mark the classes' week sent and return the classes this call marked.

    One conditional update (`... WHERE sent_at IS NULL`): on PostgreSQL a second sender's
    update waits for the first's transaction and then finds the rows sent, so of the Friday job
    and a teacher's "Gửi ngay" at the same moment only one queues the notices. The class's row
    is created first where missing, skipping one another sender has just created.
    """
    query = select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    if class_ids is not None:
        query = query.where(SchoolClass.id.in_(list(class_ids)))
    classes = list(await session.scalars(query))
    if not classes:
        return set()
    existing = set(
        await session.scalars(
            select(ClassWeek.class_id).where(
                ClassWeek.week_start == week.start, ClassWeek.class_id.in_(classes)
            )
        )
    )
    missing = [
        {"school_id": school_id, "class_id": c, "week_start": week.start, "hold_missing": False}
        for c in classes
        if c not in existing
    ]
    if missing:
        dialect = session.get_bind().dialect.name
        new_rows = (pg_insert if dialect == "postgresql" else sqlite_insert)(ClassWeek)
        await session.execute(
            new_rows.values(missing).on_conflict_do_nothing(
                index_elements=["class_id", "week_start"]
            )
        )
    marked = await session.execute(
        update(ClassWeek)
        .where(
            ClassWeek.week_start == week.start,
            ClassWeek.class_id.in_(classes),
            ClassWeek.sent_at.is_(None),
        )
        .values(sent_at=now, sent_by=by)
        .returning(ClassWeek.class_id)
    )
    return set(marked.scalars())
