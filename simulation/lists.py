"""The generated school's lists in a fresh database: the school, its calendar with Tết, the
roster and staff imported as `schoolbot import` does, and the invitation slips issued as
`schoolbot invites` does."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.features.accounts.invitations import issue_for_class
from bot.features.administration.imports import import_roster, import_staff
from simulation.world import TET, YEAR_START, ZONE, Options
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import SchoolBreak, SchoolClass
from storage.queries import ensure_school


async def prepare_database(
    options: Options, folder: Path, school: Any
) -> tuple[str, str, dict[str, str]]:
    """A migrated database with the school, its calendar, roster and staff, and invitation
    slips issued; (url, school code, guardian's name -> invitation code)."""
    url = options.database_url or f"sqlite+aiosqlite:///{folder / 'term.db'}"
    engine = create_engine(url)
    code = f"sim{uuid.uuid4().hex[:8]}"
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session:
            row = await ensure_school(session, code, "Trường Tiểu học Mô Phỏng")
            row.year_start = YEAR_START
            session.add(SchoolBreak(school_id=row.id, name=TET.name, start=TET.start, end=TET.end))
            roster = school.write_roster(folder / "roster.csv")
            staff = school.write_staff(folder / "staff.csv")
            done = await import_roster(session, row, roster, today=options.start, actor="sim")
            assert not done.refused, done.problems
            members = await import_staff(session, row, staff, actor="sim")
            assert not members.refused, members.problems
            await session.flush()
            slips = await invitation_slips(session, row.id, options.start)
            await session.commit()
    finally:
        await engine.dispose()
    return url, code, slips


async def invitation_slips(session: Any, school_id: int, start: date) -> dict[str, str]:
    """The slips `schoolbot invites` would print for every class: guardian's name -> code."""
    moment = datetime.combine(start, datetime.min.time(), tzinfo=ZONE)
    slips: dict[str, str] = {}
    for class_id in await session.scalars(
        select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    ):
        for slip in await issue_for_class(session, school_id, class_id, moment, days=60):
            if slip.guardian_name:
                slips[slip.guardian_name] = slip.code
    return slips
