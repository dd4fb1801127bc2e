"""The buttons of leave requests: the parent's form, and the teacher's two answers.

"ok" and "no" ride on requests already delivered to teachers: their data must not change. The
form's buttons carry the update that opened it (`started`, last and optional: an older button
reads as 0, "whatever form is open"), so that a button of a form already sent, replaced or
cancelled says so and starts nothing.
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
    started: int = 0


@button(FEATURE, "day")
@dataclass(frozen=True, slots=True)
class PickDay(Button):
    """One of the offered days."""

    student_id: int
    day: date
    started: int = 0


@button(FEATURE, "part")
@dataclass(frozen=True, slots=True)
class PickPart(Button):
    """The session: "all_day", "morning" or "afternoon"."""

    student_id: int
    part: Annotated[str, Max(12)]
    started: int = 0


@button(FEATURE, "send")
@dataclass(frozen=True, slots=True)
class SendRequest(Button):
    """ "Gửi": the request goes to the homeroom teacher."""

    student_id: int
    started: int = 0


@button(FEATURE, "short")
@dataclass(frozen=True, slots=True)
class ShortenReason(Button):
    """ "Gửi bản rút gọn": a reason over the limit, kept, is cut to fit (its length names it)."""

    student_id: int
    length: int
    started: int = 0


@button(FEATURE, "cancel")
@dataclass(frozen=True, slots=True)
class CancelForm(Button):
    """ "Huỷ": the form is dropped, nothing is sent."""

    started: int = 0


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


@button(FEATURE, "rshort")
@dataclass(frozen=True, slots=True)
class ShortenRefusal(Button):
    """ "Gửi bản rút gọn" under a refusal over the limit, kept (its length names it)."""

    request_id: int
    length: int
