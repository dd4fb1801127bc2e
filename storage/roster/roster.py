"""Parse a class roster export into pupils, classes and guardians, collecting every problem."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from storage.models import Gender, Relation, StudentStatus
from storage.names import NameParts, search_key, split_name
from storage.phones import PhoneError, normalize_phone
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.headers import ROSTER_HEADERS, ROSTER_REQUIRED
from storage.roster.problems import N_, Problem, first_time
from storage.roster.table import Row, Table, locate, read_rows

T = TypeVar("T")

# (name column, phone column, relation) for each guardian a row can name.
GUARDIAN_COLUMNS = (
    ("father_name", "father_phone", Relation.FATHER),
    ("mother_name", "mother_phone", Relation.MOTHER),
    ("guardian_name", "guardian_phone", Relation.GUARDIAN),
)
# Columns whose content marks a row as a pupil even when ID and name are missing.
PUPIL_DATA = ("birth_date", "gender", "class_name", "father_phone", "mother_phone", "contact_phone")


@dataclass(frozen=True, slots=True)
class GuardianRecord:
    """A guardian as a row names them; `phone` is E.164 or None."""

    name: str | None
    phone: str | None
    relation: Relation


@dataclass(slots=True)
class StudentRecord:
    """One pupil row, cleaned."""

    row: int
    code: str
    full_name: str
    parts: NameParts
    birth_date: date | None
    gender: Gender | None
    ethnicity: str | None
    address: str | None
    status: StudentStatus
    class_name: str
    guardians: list[GuardianRecord] = field(default_factory=list)


@dataclass(slots=True)
class ParsedRoster:
    """Everything read from a roster file."""

    students: list[StudentRecord] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


Progress = Callable[[int, int], None]


def parse_roster(path: Path, today: date, progress: Progress | None = None) -> ParsedRoster:
    """Read and check a roster file; rows with problems are reported, not kept."""
    return parse_roster_rows(read_rows(path), today, progress)


def parse_roster_rows(
    rows: Iterator[Row], today: date, progress: Progress | None = None
) -> ParsedRoster:
    """Check roster rows (header included) and return pupils, classes and problems."""
    table = locate(rows, ROSTER_HEADERS, ROSTER_REQUIRED)
    parsed = ParsedRoster()
    seen_codes: dict[str, int] = {}
    phone_owner: dict[str, tuple[str, int]] = {}
    for done, (number, row) in enumerate(table.rows, start=1):
        if progress is not None and (done % 100 == 0 or done == len(table.rows)):
            progress(done, len(table.rows))
        record = _parse_row(table, number, row, today, parsed)
        if record is None:
            continue
        column = table.titles["student_code"]
        if not first_time(seen_codes, record.code, number, column, parsed.problems):
            continue
        if _phones_agree(table, record, phone_owner, parsed):
            parsed.students.append(record)
    return parsed


def _parse_row(
    table: Table, number: int, row: list[object], today: date, parsed: ParsedRoster
) -> StudentRecord | None:
    code_cell, name_cell = table.cell(row, "student_code"), table.cell(row, "full_name")
    if not cells.text(code_cell) and not any(
        cells.text(table.cell(row, name)) for name in PUPIL_DATA
    ):
        return None  # blank line, footer ("Tổng số: ...") or signature block
    problems: list[Problem] = []

    def check(name: str, convert: Callable[[], T]) -> T | None:
        try:
            return convert()
        except CellError as exc:
            problems.append(Problem(number, table.titles.get(name, name), str(exc.args[0])))
            return None

    code = check("student_code", lambda: cells.student_code(code_cell))
    full_name = cells.text(name_cell)
    if not full_name:
        problems.append(Problem(number, table.titles["full_name"], N_("The name is missing.")))
    problems += _lengths(table, number, row, full_name)
    klass = check("class_name", lambda: cells.class_name(table.cell(row, "class_name")))
    born = check("birth_date", lambda: cells.birth_date(table.cell(row, "birth_date"), today))
    sex = check("gender", lambda: cells.gender(table.cell(row, "gender")))
    state = check("status", lambda: cells.status(table.cell(row, "status")))
    if klass is not None and "grade" in table.columns:
        digits = "".join(ch for ch in cells.text(table.cell(row, "grade")) if ch.isdigit())
        if digits and int(digits) != klass[1]:
            problems.append(
                Problem(number, table.titles["grade"], N_("The grade does not match the class."))
            )
    guardians = _guardians(table, number, row, problems)
    parsed.problems.extend(problems)
    if problems or code is None or klass is None or state is None:
        return None
    class_name, grade = klass
    parsed.classes[class_name] = grade
    return StudentRecord(
        row=number,
        code=code,
        full_name=full_name,
        parts=split_name(full_name),
        birth_date=born,
        gender=sex,
        ethnicity=cells.text(table.cell(row, "ethnicity")) or None,
        address=cells.text(table.cell(row, "address")) or None,
        status=state,
        class_name=class_name,
        guardians=guardians,
    )


def _lengths(table: Table, number: int, row: list[object], full_name: str) -> list[Problem]:
    """Refuse texts longer than the database keeps: the name (and its parts), ethnicity, address."""
    found: list[Problem] = []
    if params := cells.too_long(full_name, cells.NAME_LIMIT):
        found.append(Problem(number, table.titles["full_name"], cells.TOO_LONG_NAME, params))
    else:
        parts = split_name(full_name)
        longest = max((parts.family, parts.middle, parts.given), key=len)
        if params := cells.too_long(longest, cells.NAME_PART_LIMIT):
            found.append(Problem(number, table.titles["full_name"], cells.TOO_LONG_PART, params))
    for name, limit in (("ethnicity", cells.ETHNICITY_LIMIT), ("address", cells.ADDRESS_LIMIT)):
        if params := cells.too_long(cells.text(table.cell(row, name)), limit):
            found.append(Problem(number, table.titles[name], cells.TOO_LONG_TEXT, params))
    return found


def _phone(
    table: Table, number: int, row: list[object], name: str, problems: list[Problem]
) -> str | None:
    raw = table.cell(row, name)
    if not cells.text(raw):
        return None
    try:
        return normalize_phone(raw)
    except PhoneError:
        problems.append(
            Problem(
                number,
                table.titles[name],
                N_("{value} is not a valid phone number."),
                {"value": cells.text(raw)},
            )
        )
        return None


def _guardians(
    table: Table, number: int, row: list[object], problems: list[Problem]
) -> list[GuardianRecord]:
    found: list[GuardianRecord] = []
    used: set[str] = set()
    for name_col, phone_col, relation in GUARDIAN_COLUMNS:
        name = cells.text(table.cell(row, name_col)) or None
        if name and (params := cells.too_long(name, cells.NAME_LIMIT)):
            problems.append(Problem(number, table.titles[name_col], cells.TOO_LONG_NAME, params))
        phone = _phone(table, number, row, phone_col, problems)
        if phone in used:
            phone = None  # parents sharing one phone: the first one listed keeps it
        if name or phone:
            found.append(GuardianRecord(name, phone, relation))
        if phone:
            used.add(phone)
    contact = _phone(table, number, row, "contact_phone", problems)
    if contact and contact not in used:
        found.append(GuardianRecord(None, contact, Relation.CONTACT))
    return found


def _phones_agree(
    table: Table,
    record: StudentRecord,
    owner: dict[str, tuple[str, int]],
    parsed: ParsedRoster,
) -> bool:
    """Refuse one phone given for two different people; the same person is fine (siblings)."""
    ok = True
    for guardian in record.guardians:
        if guardian.phone is None or guardian.name is None:
            continue
        previous = owner.setdefault(guardian.phone, (guardian.name, record.row))
        if search_key(previous[0]) != search_key(guardian.name):
            column = dict((relation, phone_col) for _, phone_col, relation in GUARDIAN_COLUMNS).get(
                guardian.relation, "contact_phone"
            )
            parsed.problems.append(
                Problem(
                    record.row,
                    table.titles.get(column, column),
                    N_("The phone {phone} is also given for {name} on row {other}."),
                    {"phone": guardian.phone, "name": previous[0], "other": previous[1]},
                )
            )
            ok = False
    return ok
