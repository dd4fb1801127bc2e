"""Who may keep, lock, publish and read the assessment book; the bounds of a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.features.assessment import rules
from bot.features.assessment.rules import (
    LEADERS_ONLY,
    PRINCIPAL_ONLY,
    RuleError,
    check_deadline,
    keeps_book_of,
    keeps_books,
    leads_school,
    locks_refusal,
    reads_results,
    sees_child_results,
    sheet_classes,
)
from storage.models import Role


@dataclass(frozen=True)
class Someone:
    """A person as the rules see them."""

    roles: frozenset[Role] = frozenset()
    homeroom_classes: frozenset[int] = frozenset()
    children: frozenset[int] = frozenset()


TEACHER_3A = Someone(frozenset({Role.HOMEROOM}), homeroom_classes=frozenset({3}))
ADMIN = Someone(frozenset({Role.ADMIN}))
PRINCIPAL = Someone(frozenset({Role.PRINCIPAL}))
VICE = Someone(frozenset({Role.VICE_PRINCIPAL}))
MOTHER = Someone(frozenset({Role.PARENT}), children=frozenset({7}))
NOBODY = Someone()
EVERYONE = (TEACHER_3A, ADMIN, PRINCIPAL, VICE, MOTHER, NOBODY)


def test_the_role_codes_are_the_stored_ones() -> None:
    for name in ("PARENT", "HOMEROOM", "ADMIN", "PRINCIPAL", "VICE_PRINCIPAL"):
        assert getattr(rules, name) == Role[name].value


def test_a_homeroom_teacher_keeps_their_own_class_book_and_the_administrator_every_book() -> None:
    assert [keeps_books(p) for p in EVERYONE] == [True, True, False, False, False, False]
    assert keeps_book_of(TEACHER_3A, 3) and not keeps_book_of(TEACHER_3A, 4)
    assert keeps_book_of(ADMIN, 4)
    assert not any(keeps_book_of(p, 3) for p in (PRINCIPAL, VICE, MOTHER, NOBODY))


def test_a_returned_sheet_is_checked_against_the_files_class_only_for_the_administrator() -> None:
    assert sheet_classes(ADMIN, 9) == [9]
    assert sheet_classes(TEACHER_3A, 9) == [3]
    both = Someone(frozenset({Role.ADMIN, Role.HOMEROOM}), homeroom_classes=frozenset({3}))
    assert sheet_classes(both, 9) == [9, 3]
    assert sheet_classes(MOTHER, 9) == []


def test_leaders_see_the_locks_and_only_the_principal_changes_them() -> None:
    assert [leads_school(p) for p in EVERYONE] == [False, False, True, True, False, False]
    for person in (TEACHER_3A, ADMIN, MOTHER, NOBODY):
        assert locks_refusal(person, changing=False) == LEADERS_ONLY
        assert locks_refusal(person, changing=True) == LEADERS_ONLY
    assert locks_refusal(VICE, changing=False) is None
    assert locks_refusal(VICE, changing=True) == PRINCIPAL_ONLY
    assert locks_refusal(PRINCIPAL, changing=True) is None


def test_a_parent_reads_only_their_own_childs_results() -> None:
    assert [reads_results(p) for p in EVERYONE] == [False, False, False, False, True, False]
    assert sees_child_results(MOTHER, 7) and not sees_child_results(MOTHER, 8)
    assert not sees_child_results(PRINCIPAL, 7)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 7, 31), "31/07/2026 is not in the school year 2026-2027."),
        (date(2027, 9, 1), "01/09/2027 is not in the school year 2026-2027."),
        (date(2027, 1, 14), "14/01/2027 has already passed."),
    ],
)
def test_a_deadline_outside_the_school_year_or_past_is_refused(day: date, shown: str) -> None:
    with pytest.raises(RuleError) as refused:
        check_deadline(day, "2026-2027", today=date(2027, 1, 15))
    assert refused.value.message(lambda text: text) == shown


def test_a_deadline_today_or_later_in_the_year_is_accepted() -> None:
    for day in (date(2027, 1, 15), date(2027, 8, 31)):
        check_deadline(day, "2026-2027", today=date(2027, 1, 15))
