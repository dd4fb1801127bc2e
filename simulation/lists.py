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
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from simulation.world import TET, YEAR_START, ZONE, Options
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import AssessmentKind, SchoolBreak, SchoolClass, Student
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
            await term_one_book(session, row, options.start)
            await session.commit()
    finally:
        await engine.dispose()
    return url, code, slips


PAPER = {"governing_body": "UBND PHƯỜNG MÔ PHỎNG", "place": "Mô Phỏng", "abbreviation": "THMP"}


async def term_one_book(session: Any, school: Any, start: date) -> None:
    """Every pupil's end-of-term-I results (Toán 8, Tiếng Việt 9, "Hoàn thành tốt", "Tốt"),
    entered in term I and left open (the principal locks the period through the bot on the
    first morning: simulation/periods.py), and what the minutes of a correction need of the
    school."""
    school.settings = {**(school.settings or {}), **PAPER}
    year = assessment.school_year_of(start)
    rows = await session.execute(
        select(Student.id, Student.class_id, SchoolClass.grade)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.school_id == school.id)
    )
    for student_id, class_id, grade in rows.all():
        values: dict[Item, str | None] = {}
        for item in assessment.items_for(int(grade), Period.CK1):
            if item.kind is AssessmentKind.LEVEL:
                values[item] = "hoan_thanh_tot"
            elif item.kind is AssessmentKind.QUALITY:
                values[item] = "tot"
            else:
                values[item] = "9" if item.code == "TV" else "8"
        await assessment.record(
            session,
            school_id=school.id,
            student_id=student_id,
            class_id=class_id,
            school_year=year,
            period=Period.CK1,
            values=values,
            by=None,
        )


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
