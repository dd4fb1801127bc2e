"""The buttons of leave requests: the parent's form, and the teacher's two answers.

"ok" and "no" ride on requests already delivered to teachers: their data must not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from bot.core.callbacks import Button, Max, button

FEATURE = "leave"


@button(FEATURE, "child")
@dataclass(frozen=True, slots=True)
class PickChild(Button):
    """The child the leave is for."""

    student_id: int


@button(FEATURE, "day")
@dataclass(frozen=True, slots=True)
class PickDay(Button):
    """One of the offered days."""

    student_id: int
    day: date


@button(FEATURE, "part")
@dataclass(frozen=True, slots=True)
class PickPart(Button):
    """The session: "all_day", "morning" or "afternoon"."""

    student_id: int
    part: Annotated[str, Max(12)]


@button(FEATURE, "send")
@dataclass(frozen=True, slots=True)
class SendRequest(Button):
    """ "Gửi": the request goes to the homeroom teacher."""

    student_id: int


@button(FEATURE, "cancel")
@dataclass(frozen=True, slots=True)
class CancelForm(Button):
    """ "Huỷ": the form is dropped, nothing is sent."""


@button(FEATURE, "ok")
@dataclass(frozen=True, slots=True)
class Confirm(Button):
    """The teacher's "Xác nhận": an excused absence."""

    request_id: int


@button(FEATURE, "no")
@dataclass(frozen=True, slots=True)
class Refuse(Button):
    """The teacher's "Từ chối": the reason is asked next."""

    request_id: int
