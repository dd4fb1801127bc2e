"""Who may keep, lock, publish and read the assessment book, and the deadlines' bounds.

Plain decisions on the roles and scopes of the person acting, checked by the operations in
bot/features/assessment/queries (the chat side only renders the refusal).
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date
from typing import Protocol

from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.assessment.rules.tt27 import RuleError

# Role codes as stored (storage.models.Role is a str enum of them; the rules load no models).
PARENT, HOMEROOM, ADMIN = "parent", "homeroom", "admin"
PRINCIPAL, VICE_PRINCIPAL = "principal", "vice_principal"
LEADERS_ONLY = N_("The assessment book's locks and deadlines are for the school's leaders.")
PRINCIPAL_ONLY = N_("Only the principal can change this.")


class Person(Protocol):
    """The roles and scopes the rules look at (bot.core.access.Actor is one)."""

    @property
    def roles(self) -> Set[str]: ...

    @property
    def homeroom_classes(self) -> Set[int]: ...

    @property
    def children(self) -> Set[int]: ...


def keeps_books(person: Person) -> bool:
    """Homeroom teachers and the administrator keep class summary sheets."""
    return bool({HOMEROOM, ADMIN} & person.roles)


def keeps_book_of(person: Person, class_id: int) -> bool:
    """The administrator keeps every class's book, a homeroom teacher their own class's."""
    return ADMIN in person.roles or (
        HOMEROOM in person.roles and class_id in person.homeroom_classes
    )


def sheet_classes(person: Person, file_class_id: int) -> list[int]:
    """The classes a returned summary sheet is checked against, in order: the file's own for
    the administrator, then the person's homeroom class."""
    classes = [file_class_id] if ADMIN in person.roles else []
    if HOMEROOM in person.roles and person.homeroom_classes:
        classes.append(min(person.homeroom_classes))
    return classes


def leads_school(person: Person) -> bool:
    """The principal and the vice principal see the locks, deadlines and publication."""
    return bool({PRINCIPAL, VICE_PRINCIPAL} & person.roles)


def locks_refusal(person: Person, *, changing: bool) -> str | None:
    """Why this person may not see (or, `changing`, change) the locks; None when they may."""
    if not leads_school(person):
        return LEADERS_ONLY
    if changing and PRINCIPAL not in person.roles:
        return PRINCIPAL_ONLY
    return None


def reads_results(person: Person) -> bool:
    """Parents read their children's published results (/ketqua)."""
    return PARENT in person.roles


def sees_child_results(person: Person, student_id: int) -> bool:
    """A parent sees their own children's published results, nobody else's."""
    return reads_results(person) and student_id in person.children


def check_deadline(day: date, school_year: str, today: date) -> None:
    """A last day for corrections lies in the school year and not in the past; else RuleError."""
    first, last = int(school_year[:4]), int(school_year[5:])
    if not date(first, 8, 1) <= day <= date(last, 8, 31):
        raise RuleError(
            N_("{date} is not in the school year {year}."), date=short(day), year=school_year
        )
    if day < today:
        raise RuleError(N_("{date} has already passed."), date=short(day))
