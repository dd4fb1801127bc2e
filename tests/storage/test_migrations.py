"""Migrations build the schema from nothing and match the models exactly."""

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import migrate
from storage.db import create_engine
from storage.models import AuditEvent, AuditLogIsAppendOnly, Base, School
from storage.queries import audit
from tests.databases import fresh_database, postgres_server


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_empty_to_head_matches_the_models(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and postgres_server() is None:
        pytest.skip("PostgreSQL tests need SCHOOLBOT_TEST_DATABASE_URL")

    async def check(url: str) -> list[object]:
        engine = create_engine(url)
        try:
            assert await migrate.current_revision(engine) is None
            await migrate.upgrade(engine)
            assert await migrate.schema_is_current(engine)
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
        finally:
            await engine.dispose()

    with fresh_database(backend, tmp_path) as url:
        assert asyncio.run(check(url)) == []


async def test_audit_events_cannot_be_changed(session: AsyncSession, school: School) -> None:
    audit(session, school_id=school.id, actor="test", action="x.y", entity="school")
    await session.commit()
    event = await session.scalar(select(AuditEvent).where(AuditEvent.school_id == school.id))
    assert event is not None
    event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        await session.flush()
    await session.rollback()
    await session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        await session.flush()
