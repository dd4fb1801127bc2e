"""Parse a staff list and bring the school's staff, roles and teaching assignments in line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Role, SchoolClass, Staff, StaffRole, TeachingAssignment
from storage.names import search_key
from storage.phones import PhoneError, normalize_phone
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.headers import STAFF_HEADERS, STAFF_REQUIRED
from storage.roster.problems import N_, Problem
from storage.roster.sync import Counts
from storage.roster.table import Row, Table, locate, read_rows
from storage.subjects import subject_code

# Role names as staff lists write them (data, not user-facing text).
ROLE_NAMES = {
    "hieutruong": Role.PRINCIPAL,
    "phohieutruong": Role.VICE_PRINCIPAL,
    "giaovienchunhiem": Role.HOMEROOM,
    "gvcn": Role.HOMEROOM,
    "giaovienbomon": Role.SUBJECT_TEACHER,
    "gvbm": Role.SUBJECT_TEACHER,
    "nhanvienyte": Role.MEDICAL,
    "yte": Role.MEDICAL,
    "quantrihethong": Role.ADMIN,
    "quantri": Role.ADMIN,
    "vanthu": Role.CLERK,
}


class Report(Protocol):
    """Records a problem for a column of the current row."""

    def __call__(self, name: str, reason: str, **params: object) -> None: ...


@dataclass(slots=True)
class StaffRecord:
    """One staff row, cleaned."""

    row: int
    full_name: str
    phone: str
    roles: set[Role]
    homeroom: str | None
    assignments: set[tuple[str, str]] = field(default_factory=set)


@dataclass(slots=True)
class ParsedStaff:
    """Everything read from a staff file."""

    staff: list[StaffRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def parse_staff(path: Path) -> ParsedStaff:
    """Read and check a staff file."""
    return parse_staff_rows(read_rows(path))


def parse_staff_rows(rows: Iterator[Row]) -> ParsedStaff:
    """Check staff rows (header included) and return people and problems."""
    table = locate(rows, STAFF_HEADERS, STAFF_REQUIRED)
    parsed = ParsedStaff(titles=table.titles)
    phones: dict[str, int] = {}
    homerooms: dict[str, int] = {}
    for number, row in table.rows:
        if not any(cells.text(cell) for cell in row):
            continue
        record = _parse_row(table, number, row, parsed.problems)
        if record is None:
            continue
        if record.phone in phones:
            parsed.problems.append(
                Problem(
                    number,
                    table.titles["phone"],
                    N_("The phone {phone} is repeated: it is also on row {other}."),
                    {"phone": record.phone, "other": phones[record.phone]},
                )
            )
            continue
        phones[record.phone] = number
        if record.homeroom and record.homeroom in homerooms:
            parsed.problems.append(
                Problem(
                    number,
                    table.titles.get("homeroom", "homeroom"),
                    N_("Class {name} already has a homeroom teacher on row {other}."),
                    {"name": record.homeroom, "other": homerooms[record.homeroom]},
                )
            )
            continue
        if record.homeroom:
            homerooms[record.homeroom] = number
        parsed.staff.append(record)
    return parsed


def _parse_row(
    table: Table, number: int, row: list[object], problems: list[Problem]
) -> StaffRecord | None:
    found: list[Problem] = []

    def problem(name: str, reason: str, **params: object) -> None:
        found.append(Problem(number, table.titles.get(name, name), reason, params))

    full_name = cells.text(table.cell(row, "full_name"))
    if not full_name:
        problem("full_name", N_("The name is missing."))
    elif params := cells.too_long(full_name, cells.NAME_LIMIT):
        problem("full_name", cells.TOO_LONG_NAME, **params)
    phone = ""
    raw_phone = table.cell(row, "phone")
    try:
        phone = normalize_phone(raw_phone)
    except PhoneError:
        problem("phone", N_("{value} is not a valid phone number."), value=cells.text(raw_phone))
    roles: set[Role] = set()
    for part in re.split(r"[,;]", cells.text(table.cell(row, "roles"))):
        key = re.sub(r"[^a-z0-9]", "", search_key(part))
        if not key:
            continue
        if key not in ROLE_NAMES:
            problem("roles", N_("Unknown role: {value}."), value=part.strip())
        else:
            roles.add(ROLE_NAMES[key])
    if not roles and not any(p.column == table.titles["roles"] for p in found):
        problem("roles", N_("The role is missing."))
    homeroom: str | None = None
    try:
        if cells.text(table.cell(row, "homeroom")):
            homeroom = cells.class_name(table.cell(row, "homeroom"))[0]
            roles.add(Role.HOMEROOM)
        elif Role.HOMEROOM in roles:
            problem("homeroom", N_("A homeroom teacher needs the class they are in charge of."))
    except CellError as exc:
        problem("homeroom", str(exc.args[0]))
    assignments = _assignments(table, row, roles, problem)
    problems.extend(found)
    if found:
        return None
    return StaffRecord(number, full_name, phone, roles, homeroom, assignments)


def _assignments(
    table: Table, row: list[object], roles: set[Role], report: Report
) -> set[tuple[str, str]]:
    subjects: list[str] = []
    for part in re.split(r"[,;]", cells.text(table.cell(row, "subjects"))):
        if not part.strip():
            continue
        code = subject_code(part)
        if code is None:
            report("subjects", N_("Unknown subject: {value}."), value=part.strip())
        else:
            subjects.append(code)
    try:
        classes = [name for name, _ in cells.class_list(table.cell(row, "classes"))]
    except CellError as exc:
        report("classes", str(exc.args[0]))
        classes = []
    if subjects and not classes:
        report("classes", N_("Say which classes this teacher teaches."))
    if classes and not subjects:
        report("subjects", N_("Say which subjects this teacher teaches."))
    if Role.SUBJECT_TEACHER in roles and not (subjects and classes):
        report("subjects", N_("A subject teacher needs subjects and classes."))
    return {(klass, subject) for klass in classes for subject in subjects}


@dataclass(frozen=True, slots=True)
class Leaving:
    """A member of staff the new list no longer names, with what they lose."""

    staff_id: int
    full_name: str
    phone: str
    roles: frozenset[Role]
    homeroom_class_id: int | None
    teaching: frozenset[tuple[int, str]]

    def held(self, class_names: dict[int, str]) -> dict[str, object]:
        """What they held, for the audit log."""
        return {
            "roles": sorted(role.value for role in self.roles),
            "homeroom": class_names.get(self.homeroom_class_id or 0),
            "teaching": sorted(f"{class_names.get(c, c)}:{s}" for c, s in self.teaching),
        }


@dataclass(slots=True)
class StaffPlan:
    """The changes a staff import makes.

    The file is the school's full staff list: a person it no longer names is in `leaving`, loses
    every role, homeroom class and teaching assignment, and is kept with `left_at` set.
    """

    counts: Counts
    problems: list[Problem] = field(default_factory=list)
    new: list[StaffRecord] = field(default_factory=list)
    changed: list[tuple[int, StaffRecord]] = field(default_factory=list)
    leaving: list[Leaving] = field(default_factory=list)
    class_ids: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, int]]:
        """Return {"staff": {"new", "updated", "unchanged", "left"}}."""
        return {"staff": self.counts.as_dict() | {"left": len(self.leaving)}}


async def plan_staff(session: AsyncSession, school_id: int, parsed: ParsedStaff) -> StaffPlan:
    """Work out what importing the staff list changes; unknown classes are problems."""
    plan = StaffPlan(counts=Counts())
    plan.class_ids = dict(
        (
            await session.execute(
                select(SchoolClass.name, SchoolClass.id).where(SchoolClass.school_id == school_id)
            )
        ).all()
    )
    existing = {
        row.phone: row
        for row in (
            await session.execute(
                select(
                    Staff.id, Staff.full_name, Staff.phone, Staff.homeroom_class_id, Staff.left_at
                ).where(Staff.school_id == school_id)
            )
        ).all()
    }
    ids = [row.id for row in existing.values()]
    roles: dict[int, set[Role]] = {}
    teaching: dict[int, set[tuple[int, str]]] = {}
    if ids:
        for staff_id, role in await session.execute(
            select(StaffRole.staff_id, StaffRole.role).where(StaffRole.staff_id.in_(ids))
        ):
            roles.setdefault(staff_id, set()).add(role)
        for staff_id, class_id, subject in await session.execute(
            select(
                TeachingAssignment.staff_id,
                TeachingAssignment.class_id,
                TeachingAssignment.subject,
            ).where(TeachingAssignment.staff_id.in_(ids))
        ):
            teaching.setdefault(staff_id, set()).add((class_id, subject))
    in_file = {record.phone for record in parsed.staff}
    plan.leaving = [
        Leaving(
            row.id,
            row.full_name,
            row.phone,
            frozenset(roles.get(row.id, set())),
            row.homeroom_class_id,
            frozenset(teaching.get(row.id, set())),
        )
        for row in existing.values()
        if row.phone not in in_file
        and (row.left_at is None or row.id in roles or row.id in teaching or row.homeroom_class_id)
    ]
    _keep_an_administrator(plan, parsed)
    for record in parsed.staff:
        if not _classes_known(plan, record, parsed.titles):
            continue
        row = existing.get(record.phone)
        if row is None:
            plan.new.append(record)
            plan.counts.new += 1
            continue
        homeroom_id = plan.class_ids.get(record.homeroom or "")
        wanted_teaching = {(plan.class_ids[c], s) for c, s in record.assignments}
        if (
            row.full_name != record.full_name
            or row.left_at is not None
            or row.homeroom_class_id != homeroom_id
            or roles.get(row.id, set()) != record.roles
            or teaching.get(row.id, set()) != wanted_teaching
        ):
            plan.changed.append((row.id, record))
            plan.counts.updated += 1
        else:
            plan.counts.unchanged += 1
    return plan


def _keep_an_administrator(plan: StaffPlan, parsed: ParsedStaff) -> None:
    """Refuse a list that names nobody, or that takes every administrator's role away."""
    if not parsed.staff and not parsed.problems:
        plan.problems.append(
            Problem(None, None, N_("The staff list names nobody; nothing was changed."))
        )
        return
    leaving_admins = [person for person in plan.leaving if Role.ADMIN in person.roles]
    if leaving_admins and not any(Role.ADMIN in record.roles for record in parsed.staff):
        plan.problems.append(
            Problem(
                None,
                None,
                N_(
                    "The list names no system administrator, so {names} would lose that role "
                    "and nobody could import lists in the bot. The file must be the school's "
                    "full staff list."
                ),
                {"names": ", ".join(person.full_name for person in leaving_admins)},
            )
        )


def _classes_known(plan: StaffPlan, record: StaffRecord, titles: dict[str, str]) -> bool:
    ok = True
    wanted = [("homeroom", record.homeroom)] if record.homeroom else []
    wanted += [("classes", klass) for klass, _ in sorted(record.assignments)]
    for column, name in dict.fromkeys(wanted):
        if name not in plan.class_ids:
            plan.problems.append(
                Problem(
                    record.row,
                    titles.get(column, column),
                    N_("Class {name} is not in the school's roster; import the roster first."),
                    {"name": name},
                )
            )
            ok = False
    return ok


async def write_staff(
    session: AsyncSession, school_id: int, plan: StaffPlan, now: datetime
) -> None:
    """Write a staff plan; roles and assignments of listed people are replaced by the file's.

    People who leave give their classes up first, so that a successor can take them.
    """
    leaving_ids = [person.staff_id for person in plan.leaving]
    if leaving_ids:
        await session.execute(
            update(Staff).where(Staff.id.in_(leaving_ids)).values(homeroom_class_id=None)
        )
        await session.execute(
            update(Staff)
            .where(Staff.id.in_(leaving_ids), Staff.left_at.is_(None))
            .values(left_at=now)
        )
        await session.execute(delete(StaffRole).where(StaffRole.staff_id.in_(leaving_ids)))
        await session.execute(
            delete(TeachingAssignment).where(TeachingAssignment.staff_id.in_(leaving_ids))
        )
    changed_ids = [staff_id for staff_id, _ in plan.changed]
    if plan.changed:
        await session.execute(
            update(Staff), [{"id": i, "homeroom_class_id": None} for i in changed_ids]
        )
        await session.execute(
            update(Staff),
            [
                {
                    "id": staff_id,
                    "full_name": record.full_name,
                    "homeroom_class_id": plan.class_ids.get(record.homeroom or ""),
                    "left_at": None,
                }
                for staff_id, record in plan.changed
            ],
        )
        await session.execute(delete(StaffRole).where(StaffRole.staff_id.in_(changed_ids)))
        await session.execute(
            delete(TeachingAssignment).where(TeachingAssignment.staff_id.in_(changed_ids))
        )
    people = list(plan.changed)
    if plan.new:
        new_ids = await session.scalars(
            insert(Staff).returning(Staff.id, sort_by_parameter_order=True),
            [
                {
                    "school_id": school_id,
                    "full_name": record.full_name,
                    "phone": record.phone,
                    "homeroom_class_id": plan.class_ids.get(record.homeroom or ""),
                }
                for record in plan.new
            ],
        )
        people += list(zip(new_ids, plan.new, strict=True))
    role_rows = [{"staff_id": i, "role": role} for i, r in people for role in sorted(r.roles)]
    teach_rows = [
        {"staff_id": i, "class_id": plan.class_ids[klass], "subject": subject}
        for i, r in people
        for klass, subject in sorted(r.assignments)
    ]
    if role_rows:
        await session.execute(insert(StaffRole), role_rows)
    if teach_rows:
        await session.execute(insert(TeachingAssignment), teach_rows)
