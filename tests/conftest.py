"""Shared fixtures: the sandbox plugin and fresh databases on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.db import create_engine, session_factory
from storage.models import School
from storage.queries import ensure_school
from tests.databases import PG_ENV, fresh_database, migrated, postgres_server

PLUGIN = "sandbox.pytest_plugin"
pytest_plugins = [PLUGIN] if importlib.util.find_spec(PLUGIN) else []

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the whole run, on each backend available."""
    backend = request.param
    if backend == "postgresql" and postgres_server() is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (the .ci/run script sets it)")
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        yield migrated(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the run's database."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed by the test when it needs to be."""
    async with session_factory(engine)() as session:
        yield session


@pytest.fixture
async def school(session: AsyncSession) -> School:
    """A school of its own for each test, so tests never see each other's rows."""
    school = await ensure_school(session, f"t{uuid.uuid4().hex[:10]}", "Trường Tiểu học Thử")
    await session.commit()
    return school
