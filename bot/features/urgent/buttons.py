"""The urgent notice's buttons: whom to (leaders), then send, schedule, cancel, remind again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button, button

# The leaders' choice of whom the notice is for.


@button("urg", "all")
@dataclass(frozen=True, slots=True)
class WholeSchool(Button):
    """ "Toàn trường"."""


@button("urg", "grade")
@dataclass(frozen=True, slots=True)
class WholeGrade(Button):
    """ "Khối 3"."""

    grade: int


@button("urg", "cls")
@dataclass(frozen=True, slots=True)
class ChooseClasses(Button):
    """ "Chọn lớp": the classes, toggled one by one."""


@button("urg", "tog")
@dataclass(frozen=True, slots=True)
class ToggleClass(Button):
    """A class ticked or unticked in the leaders' list."""

    class_id: int


@button("urg", "done")
@dataclass(frozen=True, slots=True)
class ClassesChosen(Button):
    """ "Xong": the ticked classes are the audience."""


# Under the preview, and under the confirmation. `token` names the draft a preview shows (the
# id of the message it was written in): a press under an older preview acts on nothing.


@button("urg", "send")
@dataclass(frozen=True, slots=True)
class SendNow(Button):
    """ "Gửi ngay" (under the preview of the draft `token`; 0 on buttons sent before it)."""

    token: int = 0


@button("urg", "later")
@dataclass(frozen=True, slots=True)
class Schedule(Button):
    """ "Hẹn giờ gửi": the times offered."""

    token: int = 0


@button("urg", "at")
@dataclass(frozen=True, slots=True)
class SendAt(Button):
    """One of the times offered (its index in rules.SLOTS)."""

    slot: int
    token: int = 0


@button("urg", "cancel")
@dataclass(frozen=True, slots=True)
class CancelDraft(Button):
    """ "Hủy": the draft is dropped."""

    token: int = 0


@button("urg", "again")
@dataclass(frozen=True, slots=True)
class RemindAgain(Button):
    """ "Nhắc lại" under the confirmation: again to the families that have not read it."""

    notice_id: int
