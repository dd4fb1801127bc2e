"""Storing a checked class summary sheet: the principal's locks first, then all or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment import queries as assessment
from bot.features.assessment.documents import AssessmentSheet, SheetIdentity, parse_assessment_sheet
from bot.features.weekly.queries import class_pupils
from storage.models import SchoolClass
from storage.queries import audit
from storage.roster.problems import N_, FileRefused, Problem

LOCKED_ITEM = N_("This result was corrected and locked again: it can only change through /suadiem.")


@dataclass(slots=True)
class Stored:
    """What an import did: refused because the period is locked, row problems, or the counts,
    with the notes of a stored sheet (subjects whose parts the teacher must resolve)."""

    locked: bool = False
    problems: list[Problem] = field(default_factory=list)
    pupils: int = 0
    changed: int = 0
    notes: list[Problem] = field(default_factory=list)


async def import_sheet(
    session: AsyncSession,
    path: Path,
    *,
    expected: SheetIdentity,
    klass: SchoolClass,
    by: int | None,
    actor: str,
) -> Stored:
    """Check a returned sheet against the class's book and store it, all or nothing."""
    if await assessment.is_locked(
        session, klass.school_id, expected.school_year, expected.period, klass
    ):
        return Stored(locked=True)
    rows = await class_pupils(session, klass.id)
    pupils = {code: name for _id, code, name in rows}
    optional = await assessment.optional_subjects(session, klass)
    try:
        sheet = await asyncio.to_thread(
            parse_assessment_sheet, path, expected, klass.grade, pupils, optional
        )
    except FileRefused as refused:
        return Stored(problems=[refused.problem])
    if sheet.problems:
        return Stored(problems=sheet.problems)
    ids = {code: student_id for student_id, code, _name in rows}
    return await store_sheet(
        session, sheet, identity=expected, klass=klass, student_ids=ids, by=by, actor=actor
    )


async def store_sheet(
    session: AsyncSession,
    sheet: AssessmentSheet,
    *,
    identity: SheetIdentity,
    klass: SchoolClass,
    student_ids: Mapping[str, int],
    by: int | None,
    actor: str,
) -> Stored:
    """Store a checked sheet all-or-nothing, refusing a locked period or a relocked item."""
    year, period = identity.school_year, identity.period
    if await assessment.is_locked(session, klass.school_id, year, period, klass):
        return Stored(locked=True)
    outcome = Stored(pupils=len(sheet.rows), notes=sheet.notes)
    for code, row in sheet.rows.items():
        current = await assessment.pupil_results(session, student_ids[code], year, period)
        for item, value in row.values.items():
            result = current.get(item)
            if result is not None and result.relocked and result.value != value:
                outcome.problems.append(Problem(row.number, sheet.titles[item], LOCKED_ITEM))
    if outcome.problems:
        return outcome
    changes: dict[str, dict[str, object]] = {}
    for code, row in sheet.rows.items():
        changed = await assessment.record(
            session,
            school_id=klass.school_id,
            student_id=student_ids[code],
            class_id=klass.id,
            school_year=year,
            period=period,
            values=row.values,
            by=by,
        )
        outcome.changed += len(changed)
        if changed:
            changes[code] = assessment.snapshot(changed)
    audit(
        session,
        school_id=klass.school_id,
        actor=actor,
        action="assessment.imported",
        entity="class",
        entity_id=klass.id,
        after={
            "school_year": year,
            "period": period.value,
            "pupils": outcome.pupils,
            "changed": outcome.changed,
            "changes": changes,
        },
    )
    await session.flush()
    return outcome
