"""The administration's rules: who imports lists and which files, who handles a class's
families, who revokes an account, whether a staged file may still be imported; and the
monthly watch's thresholds: when a teacher is named for many correction requests, for
requests bunched before a deadline, or for scores far from the rest of the grade
(domain-vn.md section 0)."""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.core.i18n import N_
from bot.features.assessment.rules import Period
from storage.models import RequestState, Role

if TYPE_CHECKING:
    from bot.core.access import Actor
    from storage.models import StagedImport

SHEETS = (".xlsx", ".csv")
IMPORT_KINDS = ("roster", "staff")  # what this feature stages (health stages its own files)
MAX_FILE_BYTES = 5 * 1024 * 1024  # storage/files.py refuses the same once downloaded

ONLY_ADMIN_IMPORTS = N_("Only the system administrator can import lists.")
ONLY_SHEETS = N_("Only .xlsx and .csv files can be imported.")
TOO_BIG = N_("The file is larger than 5 MB.")


def is_admin(actor: Actor) -> bool:
    """Imports, data requests and revoking are the system administrator's."""
    return actor.has(Role.ADMIN)


def file_refusal(actor: Actor, name: str, size: int) -> str | None:
    """Why a file sent in chat is not offered for import (a msgid), checked before it is
    downloaded; None when it may be."""
    if not is_admin(actor):
        return ONLY_ADMIN_IMPORTS
    if not name.lower().endswith(SHEETS):
        return ONLY_SHEETS
    if size > MAX_FILE_BYTES:
        return TOO_BIG
    return None


def handles_class(actor: Actor, class_school_id: int | None, class_id: int) -> bool:
    """A class's families are its homeroom teacher's and the administrator's, in one school."""
    return class_school_id == actor.school_id and actor.can_manage_class_accounts(class_id)


def may_revoke(actor: Actor, account_school_id: int | None) -> bool:
    """Only the administrator revokes, and only an account of their own school."""
    return is_admin(actor) and account_school_id == actor.school_id


class Staged(enum.Enum):
    """Where a staged file stands for the person pressing its button."""

    OPEN = "open"
    NOT_YOURS = "not_yours"
    HANDLED = "handled"


def staged_state(actor: Actor, staged: StagedImport | None) -> Staged:
    """Only the administrator who sent a list confirms or cancels it, once."""
    if staged is None or staged.kind not in IMPORT_KINDS or not is_admin(actor):
        return Staged.NOT_YOURS
    if staged.state != RequestState.PENDING:
        return Staged.HANDLED
    return Staged.OPEN


# The monthly watch over corrections and marks (bot/features/administration/anomalies.py).

ALERT_SETTING = "correction_alert_count"
ALERT_COUNT = 3  # requests in a month from which a teacher is named, unless the school sets it
BUNCH_DAYS = 3  # a request filed in the 3 days up to and including its period's deadline...
BUNCH_MIN = 2  # ...is bunched when the teacher filed at least two such in the month
SCORE_GAP = 1.5  # points between the mean of a teacher's classes and the rest of the grade
MIN_SCORES = 10  # scores needed on each side, so that a handful of pupils raises no alarm


@dataclass(frozen=True, slots=True)
class Frequent:
    """A teacher with many correction requests in the month, and the classes they were for."""

    staff_id: int
    name: str
    count: int
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bunched:
    """A teacher's requests filed in the last days before their periods' deadlines."""

    staff_id: int
    name: str
    count: int
    deadlines: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class ScoreGap:
    """A teacher's classes whose mean score in a subject is far from the grade's other classes."""

    staff_id: int
    name: str
    subject: str
    grade: int
    period: Period
    classes: tuple[str, ...]
    mean: float
    count: int
    others_mean: float
    others_count: int


@dataclass(frozen=True, slots=True)
class AnomalyReport:
    """The month's three lists; `threshold` is the school's count for naming a teacher."""

    threshold: int
    frequent: tuple[Frequent, ...] = ()
    bunched: tuple[Bunched, ...] = ()
    score_gaps: tuple[ScoreGap, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether nothing stood out."""
        return not (self.frequent or self.bunched or self.score_gaps)


@dataclass(frozen=True, slots=True)
class Filed:
    """One correction request filed in the month: by whom, for which class and period."""

    staff_id: int
    name: str
    class_name: str
    school_year: str
    period: str
    day: date


def frequent(filed: list[Filed], threshold: int) -> tuple[Frequent, ...]:
    """The teachers who filed `threshold` requests or more, most first."""
    counts = Counter(row.staff_id for row in filed)
    names = {row.staff_id: row.name for row in filed}
    classes: dict[int, set[str]] = defaultdict(set)
    for row in filed:
        classes[row.staff_id].add(row.class_name)
    found = [
        Frequent(staff, names[staff], count, tuple(sorted(classes[staff])))
        for staff, count in counts.items()
        if count >= threshold
    ]
    return tuple(sorted(found, key=lambda f: (-f.count, f.name)))


def in_last_days(day: date, last: date) -> bool:
    """Whether a request filed on `day` falls in the last BUNCH_DAYS up to its deadline."""
    return last - timedelta(days=BUNCH_DAYS - 1) <= day <= last


def far_apart(ours: list[int], theirs: list[int]) -> tuple[Fraction, Fraction] | None:
    """Both means when enough scores on each side differ by SCORE_GAP points or more."""
    if len(ours) < MIN_SCORES or len(theirs) < MIN_SCORES:
        return None
    mean, others = Fraction(sum(ours), len(ours)), Fraction(sum(theirs), len(theirs))
    return (mean, others) if abs(mean - others) >= Fraction(SCORE_GAP) else None
