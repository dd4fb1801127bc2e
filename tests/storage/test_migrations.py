"""Migrations build the schema from nothing and match the models exactly."""

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

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


async def test_the_database_refuses_to_change_or_delete_an_audit_event(
    session: AsyncSession, school: School
) -> None:
    audit(session, school_id=school.id, actor="test", action="x.y", entity="school")
    await session.commit()
    event_id = await session.scalar(select(AuditEvent.id).where(AuditEvent.school_id == school.id))
    for statement in (
        "UPDATE audit_events SET action = 'rewritten' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text(statement), {"id": event_id})
        await session.rollback()
    assert await session.scalar(select(AuditEvent.action).where(AuditEvent.id == event_id)) == (
        "x.y"
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downgrading_0009_lifts_the_guard_and_upgrading_restores_it(
    backend: str, tmp_path: Path
) -> None:
    if backend == "postgresql" and postgres_server() is None:
        pytest.skip("PostgreSQL tests need SCHOOLBOT_TEST_DATABASE_URL")

    async def delete_all(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_events"))

    async def add_one(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO audit_events (actor, action, entity, created_at) "
                    "VALUES ('test', 'x.y', 'school', CURRENT_TIMESTAMP)"
                )
            )

    async def check(url: str) -> None:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
            await add_one(engine)
            with pytest.raises(DBAPIError, match="append-only"):
                await delete_all(engine)
            async with engine.begin() as conn:
                await conn.run_sync(
                    lambda sync: command.downgrade(migrate.alembic_config(sync), "0008")
                )
            await delete_all(engine)
            await migrate.upgrade(engine)
            await add_one(engine)
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(text("UPDATE audit_events SET note = 'x'"))
        finally:
            await engine.dispose()

    with fresh_database(backend, tmp_path) as url:
        asyncio.run(check(url))
