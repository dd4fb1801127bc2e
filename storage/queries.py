"""Small shared queries; they take the session first and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AccountState,
    AuditEvent,
    Guardian,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    StudentStatus,
    TelegramAccount,
)
from storage.names import class_list_key, split_name, tell_apart


async def school_by_code(session: AsyncSession, code: str) -> School | None:
    """Return the school with this code, if any."""
    return await session.scalar(select(School).where(School.code == code))


async def class_by_name(session: AsyncSession, school_id: int, name: str) -> SchoolClass | None:
    """Return the school's class as people type it: "3a", "3 A" and "3A" are the same class."""
    wanted = "".join(name.split()).upper()
    return await session.scalar(
        select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.name == wanted)
    )


async def school_classes(session: AsyncSession, school_id: int) -> list[tuple[int, str]]:
    """Return the school's classes (id, name), by grade then name."""
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id == school_id)
        .order_by(SchoolClass.grade, SchoolClass.name)
    )
    return [(class_id, name) for class_id, name in rows]


async def accounts_using_phone(
    session: AsyncSession, school_id: int, phone: str
) -> list[TelegramAccount]:
    """Return the school's accounts linked to a guardian or staff member with this phone."""
    guardians = select(Guardian.id).where(Guardian.school_id == school_id, Guardian.phone == phone)
    staff = select(Staff.id).where(Staff.school_id == school_id, Staff.phone == phone)
    return list(
        await session.scalars(
            select(TelegramAccount).where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.guardian_id.in_(guardians) | TelegramAccount.staff_id.in_(staff),
            )
        )
    )


async def ensure_school(
    session: AsyncSession, code: str, name: str | None = None, timezone: str = "Asia/Ho_Chi_Minh"
) -> School:
    """Return the school with this code, creating it on first use."""
    school = await school_by_code(session, code)
    if school is None:
        school = School(code=code, name=name or code, timezone=timezone, settings={})
        session.add(school)
        await session.flush()
    return school


def audit(
    session: AsyncSession,
    *,
    school_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append an audit event to the session's unit of work."""
    event = AuditEvent(
        school_id=school_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    return event


async def audit_refusal(
    session: AsyncSession,
    *,
    school_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    reason: str,
) -> AuditEvent:
    """Record a refused attempt (a press or a command by someone it is not for), with why.

    The reason goes in `after["reason"]`. The event is flushed at once; it is kept when the
    refusal is answered (the unit of work commits), not when an error rolls the update back.
    """
    event = audit(
        session,
        school_id=school_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        after={"reason": reason},
    )
    await session.flush()
    return event


async def guardians_with_children(
    session: AsyncSession, school_id: int
) -> list[tuple[Guardian, list[tuple[str, str]]]]:
    """Return the school's guardians with a phone and their children (name, class)."""
    rows = (
        await session.execute(
            select(Guardian, Student.full_name, SchoolClass.name)
            .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
            .join(Student, Student.id == StudentGuardian.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Guardian.school_id == school_id, Guardian.phone.is_not(None))
            .order_by(Guardian.id, Student.id)
        )
    ).all()
    grouped: dict[int, tuple[Guardian, list[tuple[str, str]]]] = {}
    for guardian, child, class_name in rows:
        grouped.setdefault(guardian.id, (guardian, []))[1].append((child, class_name))
    return list(grouped.values())


async def staff_by_role(session: AsyncSession, school_id: int, role: Role) -> list[Staff]:
    """Return the school's staff holding a role, with homeroom classes loaded."""
    return list(
        await session.scalars(
            select(Staff)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(Staff.school_id == school_id, StaffRole.role == role)
            .order_by(Staff.id)
        )
    )


async def class_name(session: AsyncSession, class_id: int | None) -> str | None:
    """Return a class's name."""
    if class_id is None:
        return None
    return await session.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id))


async def students_with_class(
    session: AsyncSession, student_ids: Iterable[int]
) -> list[tuple[str, str]]:
    """Return (pupil name, class name) for these pupils, in class-list order."""
    return [(name, klass) for _id, name, klass in await students_with_ids(session, student_ids)]


async def students_with_ids(
    session: AsyncSession, student_ids: Iterable[int]
) -> list[tuple[int, str, str]]:
    """Return (id, pupil name, class name) for these pupils, in class-list order."""
    ids = list(student_ids)
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Student.id, Student.full_name, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(ids))
        )
    ).all()
    return sorted(
        ((row[0], row[1], row[2]) for row in rows),
        key=lambda r: (r[2], class_list_key(split_name(r[1]))),
    )


async def told_apart_in_class(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, str]:
    """Each of these pupils' names as staff read it on a card about them: the name, told apart
    (`names.tell_apart`) from the studying pupils of the same class who share it."""
    ids = set(student_ids)
    if not ids:
        return {}
    asked = aliased(Student)
    classes = select(asked.class_id).where(asked.id.in_(ids))
    rows = await session.execute(
        select(Student.id, Student.class_id, Student.full_name)
        .add_columns(Student.student_code, Student.birth_date)
        .where(
            Student.id.in_(ids)
            | (Student.class_id.in_(classes) & (Student.status == StudentStatus.STUDYING))
        )
    )
    by_class: dict[int, list[tuple[int, str, str, date | None]]] = {}
    for pupil, class_id, name, code, born in rows:
        by_class.setdefault(class_id, []).append((pupil, name, code, born))
    labels: dict[int, str] = {}
    for pupils in by_class.values():
        told = tell_apart([(name, code, born) for _id, name, code, born in pupils])
        labels.update((row[0], label) for row, label in zip(pupils, told, strict=True))
    return {pupil: labels[pupil] for pupil in ids if pupil in labels}


async def unlinked_families(
    session: AsyncSession, class_id: int
) -> tuple[int, list[tuple[str, list[tuple[str, str | None, str | None]]]]]:
    """Return the class's pupil count, and its pupils none of whose guardians has linked.

    Each pupil comes with (relation, guardian name, phone) for every guardian on the lists, in
    the class list's order, so that the teacher can call the family.
    """
    linked = select(TelegramAccount.guardian_id).where(
        TelegramAccount.guardian_id.is_not(None), TelegramAccount.state == AccountState.LINKED
    )
    pupils = (
        await session.execute(
            select(Student.id, Student.full_name).where(Student.class_id == class_id)
        )
    ).all()
    rows = (
        await session.execute(
            select(
                StudentGuardian.student_id,
                StudentGuardian.relation,
                Guardian.full_name,
                Guardian.phone,
                Guardian.id.in_(linked),
            )
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .join(Student, Student.id == StudentGuardian.student_id)
            .where(Student.class_id == class_id)
        )
    ).all()
    guardians: dict[int, list[tuple[str, str | None, str | None]]] = {}
    reached: set[int] = set()
    for student_id, relation, name, phone, is_linked in rows:
        guardians.setdefault(student_id, []).append((relation.value, name, phone))
        if is_linked:
            reached.add(student_id)
    families = [
        (name, sorted(guardians.get(student_id, [])))
        for student_id, name in sorted(pupils, key=lambda row: class_list_key(split_name(row[1])))
        if student_id not in reached
    ]
    return len(pupils), families
