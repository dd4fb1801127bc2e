"""The book itself: a pupil's and a class's results of a period, and who keeps which class's.

Only the keepers (a class's homeroom teacher, the administrator) see a class's book; a parent
sees their own child's results once the period is published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.assessment.queries.items import Item
from bot.features.assessment.queries.locks import is_locked
from bot.features.assessment.rules import (
    Period,
    keeps_book_of,
    optional_taught,
    sees_child_results,
    sheet_classes,
)
from bot.features.weekly.queries import class_pupils
from storage.models import AssessmentResult, Role, School, SchoolClass, Staff, Student
from storage.queries import staff_by_role


async def pupil_results(
    session: AsyncSession, student_id: int, school_year: str, period: Period
) -> dict[Item, AssessmentResult]:
    """A pupil's results of one period, by item."""
    rows = await session.scalars(
        select(AssessmentResult).where(
            AssessmentResult.student_id == student_id,
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
        )
    )
    return {Item(row.kind, row.item): row for row in rows}


async def class_results(
    session: AsyncSession, class_id: int, school_year: str, period: Period
) -> dict[int, dict[Item, str]]:
    """A class's results of one period: values by item, by pupil."""
    rows = await session.scalars(
        select(AssessmentResult).where(
            AssessmentResult.class_id == class_id,
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
        )
    )
    book: dict[int, dict[Item, str]] = {}
    for row in rows:
        book.setdefault(row.student_id, {})[Item(row.kind, row.item)] = row.value
    return book


async def record(
    session: AsyncSession,
    *,
    school_id: int,
    student_id: int,
    class_id: int,
    school_year: str,
    period: Period,
    values: Mapping[Item, str | None],
    by: int | None,
    relock: bool = False,
) -> dict[Item, tuple[str | None, str | None]]:
    """Store a pupil's values (None removes one); return what changed, as (old, new) by item.

    Checks nothing: callers check locks and values first.
    """
    current = await pupil_results(session, student_id, school_year, period)
    changed: dict[Item, tuple[str | None, str | None]] = {}
    for item, value in values.items():
        row = current.get(item)
        old = row.value if row is not None else None
        if value is None:
            if row is not None:
                await session.delete(row)
                changed[item] = (old, None)
            continue
        if row is None:
            row = AssessmentResult(
                school_id=school_id,
                student_id=student_id,
                class_id=class_id,
                school_year=school_year,
                period=period.value,
                kind=item.kind,
                item=item.code,
                value=value,
                updated_by=by,
            )
            session.add(row)
        elif old != value:
            row.value = value
            row.updated_by = by
        if relock:
            row.relocked = True
        if old != value:
            changed[item] = (old, value)
    await session.flush()
    return changed


async def book_class(session: AsyncSession, actor: Actor, class_id: int) -> SchoolClass | None:
    """The class if this person keeps its book (its homeroom teacher, the administrator)."""
    klass = await session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != actor.school_id:
        return None
    return klass if keeps_book_of(actor, class_id) else None


async def sheet_class(
    session: AsyncSession, actor: Actor, file_class_id: int
) -> SchoolClass | None:
    """The class a returned summary sheet is checked against, if the person keeps one."""
    for class_id in sheet_classes(actor, file_class_id):
        klass = await book_class(session, actor, class_id)
        if klass is not None:
            return klass
    return None


async def optional_subjects(session: AsyncSession, klass: SchoolClass) -> tuple[str, ...]:
    """The optional subjects the class's school teaches in its grade (school setting)."""
    school = await session.get(School, klass.school_id)
    return optional_taught(school.settings if school else None, klass.grade)


@dataclass(frozen=True, slots=True)
class Template:
    """What the class summary spreadsheet of a period is built from."""

    school_name: str
    pupils: list[tuple[str, str, dict[Item, str]]]  # (student code, name, values)
    locked: bool
    optional: tuple[str, ...] = ()
    place: str = ""  # the school setting "place", for the date line
    homeroom_teacher: str = ""
    principal: str = ""


async def template_of(
    session: AsyncSession, klass: SchoolClass, school_year: str, period: Period
) -> Template:
    """The school's name, the class's pupils with the book's values, and the period's lock."""
    school = await session.get(School, klass.school_id)
    assert school is not None
    book = await class_results(session, klass.id, school_year, period)
    pupils = [
        (code, name, book.get(student_id, {}))
        for student_id, code, name in await class_pupils(session, klass.id)
    ]
    locked = await is_locked(session, school.id, school_year, period, klass)
    teacher = await session.scalar(
        select(Staff.full_name).where(Staff.homeroom_class_id == klass.id, Staff.left_at.is_(None))
    )
    principals = [
        staff.full_name
        for staff in await staff_by_role(session, school.id, Role.PRINCIPAL)
        if staff.left_at is None
    ]
    settings = school.settings or {}
    return Template(
        school.name,
        pupils,
        locked,
        optional=optional_taught(settings, klass.grade),
        place=str(settings.get("place", "")),
        homeroom_teacher=teacher or "",
        principal=principals[0] if principals else "",
    )


async def child_of(
    session: AsyncSession, actor: Actor, student_id: int
) -> tuple[Student, SchoolClass] | None:
    """The pupil and their class, if the person is one of the pupil's guardians."""
    if not sees_child_results(actor, student_id):
        return None
    student = await session.get(Student, student_id)
    if student is None or student.class_id is None:
        return None
    klass = await session.get(SchoolClass, student.class_id)
    return None if klass is None else (student, klass)
