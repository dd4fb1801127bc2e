"""The leaders' screens of the assessment book: a period, a scope (school, grade, class), a lock,
a correction deadline, publication. Data carries no right: every press re-checks the presser
(bot/features/assessment/rules/access.py) and re-reads the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from bot.core.callbacks import Button, Max, button

FEATURE = "lead"
SCHOOL, GRADE, CLASS = "s", "g", "c"  # a scope's kind: the whole school, a grade, a class


@button(FEATURE, "home")
@dataclass(frozen=True, slots=True)
class LeadHome(Button):
    """ "« Quay lại": the year's table with a button per period."""

    back: bool = True


@button(FEATURE, "per")
@dataclass(frozen=True, slots=True)
class LeadPeriod(Button):
    """A period's screen: its state and what the principal may do with it."""

    period: Annotated[str, Max(3)]


@button(FEATURE, "scopes")
@dataclass(frozen=True, slots=True)
class LeadScopes(Button):
    """The grades (kind g) or the classes (kind c) to lock or unlock one of."""

    period: Annotated[str, Max(3)]
    kind: Annotated[str, Max(1)]


@button(FEATURE, "scope")
@dataclass(frozen=True, slots=True)
class LeadScope(Button):
    """One scope's screen: whether it is locked, with "Khoá" and "Mở khoá"."""

    period: Annotated[str, Max(3)]
    kind: Annotated[str, Max(1)]
    value: int  # the grade, the class id, 0 for the school


@button(FEATURE, "lock")
@dataclass(frozen=True, slots=True)
class SetLock(Button):
    """Lock (or unlock) a period for one scope."""

    period: Annotated[str, Max(3)]
    kind: Annotated[str, Max(1)]
    value: int
    locked: bool


@button(FEATURE, "dl")
@dataclass(frozen=True, slots=True)
class LeadDeadline(Button):
    """The deadline screen: the current last day and the days to choose from."""

    period: Annotated[str, Max(3)]


@button(FEATURE, "day")
@dataclass(frozen=True, slots=True)
class SetDeadline(Button):
    """A last day for correction requests, shown on the button it sits on."""

    period: Annotated[str, Max(3)]
    day: date


@button(FEATURE, "dflt")
@dataclass(frozen=True, slots=True)
class ResetDeadline(Button):
    """ "Mặc định": back to the default last day."""

    period: Annotated[str, Max(3)]


@button(FEATURE, "pub")
@dataclass(frozen=True, slots=True)
class AskPublish(Button):
    """ "Công bố kết quả": the question before families are told."""

    period: Annotated[str, Max(3)]


@button(FEATURE, "pubok")
@dataclass(frozen=True, slots=True)
class Publish(Button):
    """The confirmation: publish the period and tell every family."""

    period: Annotated[str, Max(3)]
