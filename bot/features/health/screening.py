"""The school's screening results per grade, for the leaders' dashboard: each pupil's latest
check in a span, counted by BMI-for-age category (WHO 2007, growth.py) and by eyesight (low when
either eye is below 10/10 as the child sees in class, notices.low_sight). Reads only.

(A module of its own: health/queries.py is at the layout's 350-line limit.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.health.growth import Nutrition
from bot.features.health.notices import eyes, low_sight
from storage.models import HealthCheck, SchoolClass, Student

LOW, NORMAL, UNCHECKED = "low", "normal", "unchecked"


@dataclass(slots=True)
class Grade:
    """One grade's latest checks: by nutrition status (None: no z-score, outside 5-19 years)
    and by eyesight (LOW, NORMAL, UNCHECKED)."""

    nutrition: Counter[Nutrition | None] = field(default_factory=Counter)
    eyesight: Counter[str] = field(default_factory=Counter)


async def latest_checks(
    session: AsyncSession, school_id: int, first: date, last: date
) -> list[tuple[int, HealthCheck]]:
    """Each pupil's latest check from `first` to `last`, with the pupil's grade."""
    rows = await session.execute(
        select(SchoolClass.grade, HealthCheck)
        .join(Student, Student.id == HealthCheck.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(HealthCheck.school_id == school_id, HealthCheck.measured_on.between(first, last))
        .order_by(HealthCheck.measured_on, HealthCheck.id)
    )
    return list({check.student_id: (grade, check) for grade, check in rows}.values())


def eyesight(check: HealthCheck) -> str:
    """LOW, NORMAL, or UNCHECKED when neither eye was measured."""
    if all(eye.seen_with is None for eye in eyes(check)):
        return UNCHECKED
    return LOW if low_sight(check) else NORMAL


async def per_grade(
    session: AsyncSession, school_id: int, first: date, last: date
) -> dict[int, Grade]:
    """The latest checks from `first` to `last`, counted per grade (grades in order)."""
    grades: dict[int, Grade] = {}
    for grade, check in await latest_checks(session, school_id, first, last):
        found = grades.setdefault(grade, Grade())
        found.nutrition[Nutrition(check.nutrition) if check.nutrition else None] += 1
        found.eyesight[eyesight(check)] += 1
    return dict(sorted(grades.items()))
