"""The demo school is built with an assessment book a visitor can use at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.core.i18n import translator
from bot.core.settings import load_settings
from bot.demo import prepare_school
from bot.demo.assessment import demo_items
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import Period, optional_taught
from storage.db import create_engine, session_factory
from storage.models import AssessmentResult, SchoolClass, Student
from storage.queries import ensure_school


async def test_the_demo_book_holds_mid_term_results_locked_and_published(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    settings = load_settings(database_url=url)
    await prepare_school(url, settings, translator("vi"))
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            school = await ensure_school(session, "demo")
            year = assessment.school_year_of(datetime.now(settings.zone).date())
            grades = (
                await session.execute(
                    select(SchoolClass.grade, func.count(Student.id))
                    .join(Student, Student.class_id == SchoolClass.id)
                    .where(SchoolClass.school_id == school.id)
                    .group_by(SchoolClass.grade)
                )
            ).all()
            # Every item of the grade (with optional English in grades 1-2), but the parts.
            expected = sum(
                len(demo_items(g, optional_taught(school.settings, g))) * n for g, n in grades
            )
            stored = await session.scalar(
                select(func.count(AssessmentResult.id)).where(
                    AssessmentResult.school_id == school.id, AssessmentResult.period == "gk1"
                )
            )
            assert stored == expected and expected > 36
            classes = list(await session.scalars(select(SchoolClass)))
            for klass in classes:
                assert await assessment.is_locked(session, school.id, year, Period.GK1, klass)
                assert not await assessment.is_locked(session, school.id, year, Period.CK1, klass)
            assert await assessment.published(session, school.id, year) == [Period.GK1]
    finally:
        await engine.dispose()
