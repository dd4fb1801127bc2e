"""Shared fixtures: fresh databases on SQLite and PostgreSQL, the sandbox, the running bot."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.app import build_application, shutdown, startup
from bot.core.context import BotApplication
from bot.core.settings import load_settings
from sandbox.pytest_plugin import SandboxBot
from sandbox.server import RunningSandbox
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


@pytest.fixture(scope="session")
def cli_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run by `schoolbot db upgrade`; CLI tests copy it."""
    from tests.test_cli import schoolbot

    path = tmp_path_factory.mktemp("cli") / "template.db"
    upgraded = schoolbot("db", "upgrade", db=path)
    assert upgraded.returncode == 0, upgraded.stderr
    return path


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


@pytest_asyncio.fixture
async def running_bot(
    request: pytest.FixtureRequest,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    database_url: str,
    school: School,
) -> AsyncIterator[BotApplication]:
    """The real Application polling the test's sandbox, on the test's database and school.

    Its outbox dispatcher is off, so that tests drive their own with a clock they move;
    `@pytest.mark.parametrize("running_bot", [True], indirect=True)` switches it on.
    """
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        send_outbox=request.param if hasattr(request, "param") else False,
    )
    application = build_application(settings)
    await startup(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=2)
    yield application
    await application.updater.stop()
    await shutdown(application)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran on PostgreSQL, so CI logs show they were not all skipped."""
    counts = {
        outcome: sum(
            "postgresql" in report.nodeid for report in terminalreporter.stats.get(outcome, [])
        )
        for outcome in ("passed", "failed", "skipped")
    }
    terminalreporter.write_line(
        "PostgreSQL tests: {passed} passed, {failed} failed, {skipped} skipped".format(**counts)
    )
