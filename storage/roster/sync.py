"""Compare a parsed roster with the school's rows and write the difference in a few batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Guardian, Relation, SchoolClass, Student, StudentGuardian
from storage.names import search_key
from storage.roster.roster import GuardianRecord, ParsedRoster, StudentRecord

STUDENT_FIELDS = (
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "search_key",
    "birth_date",
    "gender",
    "ethnicity",
    "address",
    "status",
)


@dataclass(slots=True)
class Counts:
    """How many records an import adds, changes and leaves alone."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counts for the JSON summary."""
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}


def guardian_key(code: str, guardian: GuardianRecord) -> str:
    """Identify a guardian: by phone, or by pupil and relation when there is no phone."""
    return f"p:{guardian.phone}" if guardian.phone else f"n:{code}:{guardian.relation.value}"


@dataclass(slots=True)
class RosterPlan:
    """The changes an import makes, computed before anything is written."""

    counts: dict[str, Counts]
    new_classes: dict[str, int] = field(default_factory=dict)
    class_grades: list[dict[str, Any]] = field(default_factory=list)
    new_students: list[StudentRecord] = field(default_factory=list)
    changed_students: list[StudentRecord] = field(default_factory=list)
    new_guardians: dict[str, GuardianRecord] = field(default_factory=dict)
    renamed_guardians: list[dict[str, Any]] = field(default_factory=list)
    link_students: dict[str, StudentRecord] = field(default_factory=dict)
    student_ids: dict[str, int] = field(default_factory=dict)
    guardian_ids: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, int]]:
        """Return {"classes": {...}, "students": {...}, "guardians": {...}}."""
        return {name: counts.as_dict() for name, counts in self.counts.items()}


def _student_values(record: StudentRecord) -> dict[str, Any]:
    return {
        "full_name": record.full_name,
        "family_name": record.parts.family,
        "middle_name": record.parts.middle,
        "given_name": record.parts.given,
        "search_key": search_key(record.full_name),
        "birth_date": record.birth_date,
        "gender": record.gender,
        "ethnicity": record.ethnicity,
        "address": record.address,
        "status": record.status,
    }


async def plan_roster(session: AsyncSession, school_id: int, parsed: ParsedRoster) -> RosterPlan:
    """Work out what importing `parsed` changes, reading the school's rows in four queries."""
    counts = {"classes": Counts(), "students": Counts(), "guardians": Counts()}
    plan = RosterPlan(counts=counts)
    classes = {
        row.name: row
        for row in (
            await session.execute(
                select(SchoolClass.id, SchoolClass.name, SchoolClass.grade).where(
                    SchoolClass.school_id == school_id
                )
            )
        ).all()
    }
    class_names = {row.id: name for name, row in classes.items()}
    for name, grade in parsed.classes.items():
        existing = classes.get(name)
        if existing is None:
            plan.new_classes[name] = grade
            counts["classes"].new += 1
        elif existing.grade != grade:
            plan.class_grades.append({"id": existing.id, "grade": grade})
            counts["classes"].updated += 1
        else:
            counts["classes"].unchanged += 1

    columns = [getattr(Student, name) for name in STUDENT_FIELDS]
    students = {
        row.student_code: row
        for row in (
            await session.execute(
                select(Student.id, Student.student_code, Student.class_id, *columns).where(
                    Student.school_id == school_id
                )
            )
        ).all()
    }
    guardians = {
        row.id: row
        for row in (
            await session.execute(
                select(Guardian.id, Guardian.full_name, Guardian.phone, Guardian.roster_key).where(
                    Guardian.school_id == school_id
                )
            )
        ).all()
    }
    by_key = {_key_of(row.phone, row.roster_key): row for row in guardians.values()}
    links: dict[int, dict[int, Relation]] = {}
    for link in (
        await session.execute(
            select(
                StudentGuardian.student_id, StudentGuardian.guardian_id, StudentGuardian.relation
            )
            .join(Student, Student.id == StudentGuardian.student_id)
            .where(Student.school_id == school_id)
        )
    ).all():
        links.setdefault(link.student_id, {})[link.guardian_id] = link.relation

    seen_guardians: set[str] = set()
    for record in parsed.students:
        existing = students.get(record.code)
        current_links = links.get(existing.id, {}) if existing else {}
        wanted: dict[int | str, Relation] = {}
        for guardian in record.guardians:
            key = guardian_key(record.code, guardian)
            resolved = by_key.get(key)
            if key not in seen_guardians:
                seen_guardians.add(key)
                _count_guardian(plan, key, guardian, resolved)
            if resolved is not None:
                plan.guardian_ids[key] = resolved.id
            wanted[resolved.id if resolved is not None else key] = guardian.relation
        if existing is None:
            plan.new_students.append(record)
            plan.link_students[record.code] = record
            counts["students"].new += 1
            continue
        plan.student_ids[record.code] = existing.id
        values = _student_values(record)
        changed = any(getattr(existing, name) != values[name] for name in STUDENT_FIELDS)
        changed |= class_names.get(existing.class_id) != record.class_name
        links_changed = wanted != current_links
        if links_changed:
            plan.link_students[record.code] = record
        if changed or links_changed:
            plan.changed_students.append(record)
            counts["students"].updated += 1
        else:
            counts["students"].unchanged += 1
    return plan


def _key_of(phone: str | None, roster_key: str | None) -> str:
    return f"p:{phone}" if phone else str(roster_key)


def _count_guardian(plan: RosterPlan, key: str, guardian: GuardianRecord, row: Any) -> None:
    counts = plan.counts["guardians"]
    if row is None:
        plan.new_guardians[key] = guardian
        counts.new += 1
    elif guardian.name is not None and row.full_name != guardian.name:
        plan.renamed_guardians.append({"id": row.id, "full_name": guardian.name})
        counts.updated += 1
    else:
        counts.unchanged += 1


async def write_roster(session: AsyncSession, school_id: int, plan: RosterPlan) -> None:
    """Write a plan: inserts and updates go in batches (executemany), never row by row."""
    if plan.new_classes:
        await session.execute(
            insert(SchoolClass),
            [
                {"school_id": school_id, "name": name, "grade": grade}
                for name, grade in plan.new_classes.items()
            ],
        )
    if plan.class_grades:
        await session.execute(update(SchoolClass), plan.class_grades)
    class_ids = dict(
        (
            await session.execute(
                select(SchoolClass.name, SchoolClass.id).where(SchoolClass.school_id == school_id)
            )
        ).all()
    )
    if plan.new_students:
        await session.execute(
            insert(Student),
            [
                {
                    "school_id": school_id,
                    "student_code": record.code,
                    "class_id": class_ids[record.class_name],
                    **_student_values(record),
                }
                for record in plan.new_students
            ],
        )
        plan.student_ids = dict(
            (
                await session.execute(
                    select(Student.student_code, Student.id).where(Student.school_id == school_id)
                )
            ).all()
        )
    if plan.changed_students:
        await session.execute(
            update(Student),
            [
                {"id": plan.student_ids[record.code], "class_id": class_ids[record.class_name]}
                | _student_values(record)
                for record in plan.changed_students
            ],
        )
    if plan.new_guardians:
        await session.execute(
            insert(Guardian),
            [
                {
                    "school_id": school_id,
                    "full_name": guardian.name,
                    "phone": guardian.phone,
                    "roster_key": None if guardian.phone else key,
                }
                for key, guardian in plan.new_guardians.items()
            ],
        )
        rows = await session.execute(
            select(Guardian.id, Guardian.phone, Guardian.roster_key).where(
                Guardian.school_id == school_id
            )
        )
        plan.guardian_ids = {_key_of(row.phone, row.roster_key): row.id for row in rows}
    if plan.renamed_guardians:
        await session.execute(update(Guardian), plan.renamed_guardians)
    if plan.link_students:
        await _write_links(session, plan)


async def _write_links(session: AsyncSession, plan: RosterPlan) -> None:
    """Replace the guardian links of the pupils whose links changed."""
    student_ids = [plan.student_ids[code] for code in plan.link_students]
    for start in range(0, len(student_ids), 500):
        chunk = student_ids[start : start + 500]
        await session.execute(delete(StudentGuardian).where(StudentGuardian.student_id.in_(chunk)))
    rows = [
        {
            "student_id": plan.student_ids[code],
            "guardian_id": plan.guardian_ids[guardian_key(code, guardian)],
            "relation": guardian.relation,
        }
        for code, record in plan.link_students.items()
        for guardian in record.guardians
    ]
    if rows:
        await session.execute(insert(StudentGuardian), rows)
