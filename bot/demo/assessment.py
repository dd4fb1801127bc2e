"""The demo school's assessment book: mid-term I results for every pupil, locked and published,
so that a visitor can open /ketqua as a parent and walk a correction request through at once.

The demo school teaches Ngoại ngữ 1 (English) as an optional subject in grades 1 and 2 (the
school setting `optional_subjects`), so those pupils have a level in it. It records each
subject's own result and leaves the parts of Nghệ thuật and Tin học và Công nghệ empty, as a
school that does not enter them would."""

from __future__ import annotations

from datetime import datetime
from random import Random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import (
    PART_OF,
    Period,
    QualityLevel,
    SubjectLevel,
    optional_taught,
)
from storage.models import AssessmentKind, School, SchoolClass, Student

PERIOD = Period.GK1
# Most pupils complete their subjects well; a few levels and scores lower, as in a real class.
LEVELS = (SubjectLevel.T,) * 6 + (SubjectLevel.H,) * 3 + (SubjectLevel.C,)
QUALITY_LEVELS = (QualityLevel.T,) * 3 + (QualityLevel.D,)
SCORES = ("10", "9", "9", "8", "8", "7", "6", "5")
OPTIONAL_SUBJECTS = {"optional_subjects": {"1": ["NN1"], "2": ["NN1"]}}


def demo_items(grade: int, optional: tuple[str, ...]) -> list[Item]:
    """The items the demo records for a pupil of `grade`: all but the subjects' parts."""
    return [
        item for item in assessment.items_for(grade, PERIOD, optional) if item.code not in PART_OF
    ]


def _value(item: Item, pick: Random) -> str:
    if item.kind is AssessmentKind.SCORE:
        return pick.choice(SCORES)
    if item.kind is AssessmentKind.LEVEL:
        return pick.choice(LEVELS).value
    return pick.choice(QUALITY_LEVELS).value


async def seed_book(session: AsyncSession, school: School, now: datetime) -> int:
    """Record GK1 of the current school year for every pupil, lock and publish it.

    The values are drawn from a generator seeded with the pupil's student code, so each demo
    run shows the same book. Returns how many pupils were recorded.
    """
    year = assessment.school_year_of(now.date())
    school.settings = {**OPTIONAL_SUBJECTS, **(school.settings or {})}
    rows = await session.execute(
        select(Student.id, Student.class_id, Student.student_code, SchoolClass.grade)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.school_id == school.id)
    )
    pupils = 0
    for student_id, class_id, code, grade in rows:
        pick = Random(code)
        optional = optional_taught(school.settings, grade)
        values: dict[Item, str | None] = {
            item: _value(item, pick) for item in demo_items(grade, optional)
        }
        await assessment.record(
            session,
            school_id=school.id,
            student_id=student_id,
            class_id=class_id,
            school_year=year,
            period=PERIOD,
            values=values,
            by=None,
        )
        pupils += 1
    await assessment.set_lock(
        session,
        school_id=school.id,
        school_year=year,
        period=PERIOD,
        scope="school",
        locked=True,
        by=None,
        actor="demo",
    )
    await assessment.publish(
        session,
        school_id=school.id,
        school_year=year,
        period=PERIOD,
        by=None,
        actor="demo",
        now=now,
    )
    return pupils
