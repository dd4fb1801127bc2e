"""The database block every `schoolbot` command shares: engine, schema check, session, school."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.core.i18n import Translator
from bot.core.settings import Settings
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import School
from storage.queries import ensure_school, school_by_code


def refuse(reason: str) -> int:
    """Print a one-line reason on standard error; return the exit status for bad input."""
    print(reason, file=sys.stderr)
    return 2


class CommandRefused(Exception):
    """A command stops with a one-line reason on standard error and exit status 2."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def _check_schema(engine: AsyncEngine, _: Translator) -> None:
    if not await migrate.schema_is_current(engine):
        raise CommandRefused(
            _("The database schema is not current: run `schoolbot db upgrade` first.")
        )


async def require_current_schema(settings: Settings, _: Translator) -> None:
    """Refuse (CommandRefused) while the database schema is behind the code."""
    engine = create_engine(settings.database_url)
    try:
        await _check_schema(engine, _)
    finally:
        await engine.dispose()


@asynccontextmanager
async def school_session(
    settings: Settings,
    _: Translator,
    code: str | None = None,
    *,
    create: bool = False,
    missing: str | None = None,
) -> AsyncIterator[tuple[AsyncSession, School]]:
    """A session in one transaction with the school (`code`, else the settings' school).

    Refuses (CommandRefused) while the schema is behind the code, and when the school has not
    been imported yet (`missing` is then the reason given); with `create`, the school is made
    on first use instead. The engine is disposed of on the way out.
    """
    engine = create_engine(settings.database_url)
    try:
        await _check_schema(engine, _)
        async with session_factory(engine)() as session, session.begin():
            if create:
                school = await ensure_school(
                    session, code or settings.school, settings.school_name, settings.timezone
                )
            else:
                found = await school_by_code(session, code or settings.school)
                if found is None:
                    raise CommandRefused(
                        missing or _("No school with this code has been imported yet.")
                    )
                school = found
            yield session, school
    finally:
        await engine.dispose()


@asynccontextmanager
async def deployment_session(settings: Settings, _: Translator) -> AsyncIterator[AsyncSession]:
    """A session in one transaction over the whole deployment (every school), after the
    schema check; the engine is disposed of on the way out."""
    engine = create_engine(settings.database_url)
    try:
        await _check_schema(engine, _)
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()
