"""The rows' side of isolation: whatever a school's bot, jobs and pages wrote refers only to
rows of the same school. Read from the models' metadata, so that a new table is checked too."""

from __future__ import annotations

from itertools import combinations

from sqlalchemy import ColumnElement, Table, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import session_factory
from storage.models import Base


def school_sources(table: Table) -> list[tuple[str, Table, str]]:
    """Where a row's school can be read: its own school_id column, and each foreign key to a
    table that has one. (column of the row, table holding school_id, its key column)"""
    sources = []
    if "school_id" in table.c:
        sources.append(("school_id", table, ""))
    for key in table.foreign_keys:
        parent = key.column.table
        if parent is not table and "school_id" in parent.c and key.parent.name != "school_id":
            sources.append((key.parent.name, parent, key.column.name))
    return sources


async def crossings(engine: AsyncEngine, school_ids: list[int]) -> list[str]:
    """Rows of these schools whose references disagree about the school, per table and pair
    of references."""
    found = []
    async with session_factory(engine)() as session:
        for table in Base.metadata.sorted_tables:
            sources = school_sources(table)
            for (col_a, parent_a, key_a), (col_b, parent_b, key_b) in combinations(sources, 2):
                a = parent_a.alias("a") if key_a else None
                b = parent_b.alias("b")
                school_a: ColumnElement[int] = table.c.school_id if a is None else a.c.school_id
                query = select(func.count()).select_from(table)
                if a is not None:
                    query = query.join(a, a.c[key_a] == table.c[col_a])
                query = query.join(b, b.c[key_b] == table.c[col_b]).where(
                    school_a != b.c.school_id,
                    or_(school_a.in_(school_ids), b.c.school_id.in_(school_ids)),
                )
                count = await session.scalar(query)
                if count:
                    found.append(f"{table.name}: {count} rows whose {col_a} and {col_b} differ")
    return found


async def rows_per_school(engine: AsyncEngine, school_ids: list[int]) -> dict[str, list[int]]:
    """How many rows each table holds for each school (tables with a school_id column)."""
    counts = {}
    async with session_factory(engine)() as session:
        for table in Base.metadata.sorted_tables:
            if "school_id" not in table.c:
                continue
            rows = await session.execute(
                select(table.c.school_id, func.count())
                .where(and_(table.c.school_id.in_(school_ids)))
                .group_by(table.c.school_id)
            )
            per = {school: count for school, count in rows}
            counts[table.name] = [int(per.get(school, 0)) for school in school_ids]
    return counts


async def snapshot(engine: AsyncEngine, school_id: int) -> dict[str, list[tuple[str, ...]]]:
    """Every row the school holds, per table, as text: compared before and after another
    school's people act."""
    rows = {}
    async with session_factory(engine)() as session:
        for table in Base.metadata.sorted_tables:
            if "school_id" not in table.c:
                continue
            found = await session.execute(select(table).where(table.c.school_id == school_id))
            rows[table.name] = sorted(tuple(str(v) for v in row) for row in found)
    return rows


def changed(
    before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]
) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in before if before[name] != after.get(name)]
