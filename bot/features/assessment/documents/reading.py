"""Reading back a filled class summary spreadsheet, checked against the book it belongs to.

A file without the hidden identity sheet is not our template. An empty cell means the item has
no value: a value the book held is removed. A column of an item the template does not have (a
score where the subject has no test) is read like the others, so a value written in it is a row
error; a column the bot does not know is ignored. A line with neither a student ID nor a name
(a blank line, the date and the signatures under the table) is not a pupil's. A subject's value
outside its parts' is a row error; parts that do not make the subject's result (they differ, or
one is missing, and the subject's own cell is empty) are stored and noted for the teacher
(`notes`), never resolved by the bot. Everything here blocks: run it in a thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.i18n import Translator
from bot.features.assessment.documents.template import (
    FIXED_HEADERS,
    HEADERS,
    KIND,
    NOT_TEMPLATE,
    REQUIRED,
    SheetIdentity,
    column_title,
)
from bot.features.assessment.queries.items import Item, items_for, parse_value, subject_value
from bot.features.assessment.rules import PARTS, Period, RuleError
from bot.features.assessment.rules.parts import NOT_BETWEEN
from bot.features.weekly.documents import IDENTITY_SHEET
from storage import files
from storage.models import AssessmentKind
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.problems import N_, FileRefused, Problem, first_time
from storage.roster.table import Table, locate, read_rows


@dataclass(slots=True)
class SheetRow:
    """A pupil's row read back: the spreadsheet's row number and the values by item."""

    number: int
    values: dict[Item, str | None]


@dataclass(slots=True)
class AssessmentSheet:
    """What a returned sheet holds: rows by student code, column titles, problems, and notes
    (subjects whose parts do not make a result: stored, for the teacher to resolve)."""

    rows: dict[str, SheetRow] = field(default_factory=dict)
    titles: dict[Item, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _identity_pairs(path: Path) -> dict[str, str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        workbook = files.open_workbook(path)
    except FileRefused:
        return {}
    try:
        if IDENTITY_SHEET not in workbook.sheetnames:
            return {}
        pairs = files.sheet_pairs(workbook[IDENTITY_SHEET])
        return {cells.text(key): cells.text(value) for key, value in pairs if key}
    except FileRefused:
        return {}
    finally:
        workbook.close()


def read_identity(path: Path) -> SheetIdentity | None:
    """The identity of one of our summary sheets, or None for any other file (blocking)."""
    found = _identity_pairs(path)
    if found.get("kind") != KIND:
        return None
    try:
        return SheetIdentity(
            int(found["school"]),
            int(found["class_id"]),
            found.get("class", ""),
            found["school_year"],
            Period(found["period"]),
        )
    except (KeyError, ValueError):
        return None


def _table(path: Path) -> Table:
    return locate(read_rows(path), HEADERS, REQUIRED)


def is_assessment_sheet(path: Path) -> bool:
    """Whether a file is our template or looks like one (a pupil list with item columns)."""
    if read_identity(path) is not None:
        return True
    try:
        table = _table(path)
    except FileRefused:
        return False
    return any(name not in FIXED_HEADERS for name in table.columns)


def parse_assessment_sheet(
    path: Path,
    expected: SheetIdentity,
    grade: int,
    pupils: Mapping[str, str],
    optional: tuple[str, ...] = (),
) -> AssessmentSheet:
    """Read a returned sheet and check it against the book it must belong to (blocking).

    `optional`: the optional subjects the school teaches in the grade.
    """
    _check_identity(read_identity(path), expected)
    table = _table(path)
    parsed = AssessmentSheet()
    columns = {Item.from_key(name): name for name in table.columns if name not in FIXED_HEADERS}
    items = {item: name for item, name in columns.items() if item is not None}
    parsed.titles = {item: table.titles[name] for item, name in items.items()}
    expected_items = set(items_for(grade, expected.period, optional))
    seen: dict[str, int] = {}
    for number, row in table.rows:
        written = {item: table.cell(row, name) for item, name in items.items()}
        code_cell = table.cell(row, "student_code")
        if not cells.text(code_cell) and not cells.text(table.cell(row, "full_name")):
            continue  # a blank line, a footer or the signatures
        code = _code(table, number, code_cell, pupils, expected, parsed.problems)
        if code is None:
            continue
        if not first_time(seen, code, number, table.titles["student_code"], parsed.problems):
            continue
        values: dict[Item, str | None] = {}
        for item, cell in written.items():
            text = cells.text(cell)
            if not text:
                if item in expected_items:
                    values[item] = None
                continue
            try:
                values[item] = parse_value(
                    item, text, grade=grade, period=expected.period, optional=optional
                )
            except RuleError as error:
                parsed.problems.append(
                    Problem(number, parsed.titles[item], error.msgid, dict(error.params))
                )
        parsed.rows[code] = SheetRow(number, values)
        _check_parts(parsed, number, values)
    return parsed


def _check_parts(parsed: AssessmentSheet, number: int, values: Mapping[Item, str | None]) -> None:
    """A subject's value outside its parts' is a problem; parts without a result a note."""
    known = {item: value for item, value in values.items() if value is not None}
    for subject in PARTS:
        for kind in (AssessmentKind.LEVEL, AssessmentKind.SCORE):
            item = Item(kind, subject)
            try:
                subject_value(known, item)
            except RuleError as error:
                column = parsed.titles.get(item) or column_title(item)
                found = Problem(number, column, error.msgid, dict(error.params))
                (parsed.problems if error.msgid == NOT_BETWEEN else parsed.notes).append(found)


def _code(
    table: Table,
    number: int,
    cell: object,
    pupils: Mapping[str, str],
    expected: SheetIdentity,
    problems: list[Problem],
) -> str | None:
    column = table.titles["student_code"]
    try:
        code = cells.known_student_code(cell, pupils)
    except CellError as exc:
        problems.append(Problem(number, column, str(exc.args[0])))
        return None
    if code not in pupils:
        problems.append(
            Problem(
                number,
                column,
                N_("The student ID {code} is not in class {class_name}."),
                {"code": code, "class_name": expected.class_name},
            )
        )
        return None
    return code


def _check_identity(found: SheetIdentity | None, expected: SheetIdentity) -> None:
    if found is None:
        raise FileRefused(NOT_TEMPLATE)
    if found.school_id != expected.school_id:
        raise FileRefused(N_("This file was made for another school."))
    if found.class_id != expected.class_id:
        raise FileRefused(
            N_("This file is for class {found}, not class {expected}."),
            found=found.class_name,
            expected=expected.class_name,
        )
    if found.school_year != expected.school_year:
        raise FileRefused(
            N_("This file is for the school year {found}, not {expected}."),
            found=found.school_year,
            expected=expected.school_year,
        )
    if found.period is not expected.period:
        raise FileRefused(
            N_("This file is for {found}, not {expected}."),
            found=found.period,
            expected=expected.period,
        )


def problem_text(problem: Problem, _: Translator) -> str:
    """A problem as one line in the reader's language ("Dòng 8, cột «Toán (điểm)»: ...")."""
    reason = RuleError(problem.reason, **problem.params).message(_)
    if problem.row is None:
        return reason
    return _("Row {row}, column {column}: {reason}").format(
        row=problem.row, column=problem.column, reason=reason
    )
