"""The weekly comments screens' buttons (`v1:wk:<action>:...`), one kind of press each.

The action names are the ones these screens have always carried, so a list open on a teacher's
phone keeps working. `subject` is a subject code, or "-" for the homeroom comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from bot.core.callbacks import Button, Max, button

HOMEROOM = "-"  # the subject of homeroom comments
Subject = Annotated[str, Max(10)]
# The week of a "Gửi ngay" button sent before buttons carried their week: the week being
# written when it is pressed.
WRITING_WEEK = date(2000, 1, 3)


@button("wk", "l")
@dataclass(frozen=True, slots=True)
class ShowList(Button):
    """The class list of one kind of comment ("Back to the list").

    Under a question, `ask` is the question's number: going back ends that question only if it
    is still the one waiting, so an old "Về danh sách" never drops a newer question.
    """

    class_id: int
    subject: Subject = HOMEROOM
    ask: int = 0


@button("wk", "p")
@dataclass(frozen=True, slots=True)
class ChoosePupil(Button):
    """A pupil on the list: ask for their comment."""

    student_id: int
    subject: Subject = HOMEROOM


@button("wk", "q")
@dataclass(frozen=True, slots=True)
class UsePhrase(Button):
    """A quick phrase saved as the pupil's comment."""

    student_id: int
    subject: Subject
    index: int


@button("wk", "n")
@dataclass(frozen=True, slots=True)
class NextPupil(Button):
    """The next pupil still without a comment."""

    class_id: int
    subject: Subject = HOMEROOM


@button("wk", "note")
@dataclass(frozen=True, slots=True)
class WriteNote(Button):
    """Ask for the note to all families of the class."""

    class_id: int


@button("wk", "hold")
@dataclass(frozen=True, slots=True)
class HoldMissing(Button):
    """Choose what pupils without a comment get: held back, or the class note only."""

    class_id: int
    hold: bool


@button("wk", "xls")
@dataclass(frozen=True, slots=True)
class GetSheet(Button):
    """The class's comments spreadsheet to fill on a computer."""

    class_id: int


@button("wk", "pv")
@dataclass(frozen=True, slots=True)
class ShowPreview(Button):
    """One family's notice and the counts, before sending."""

    class_id: int


@button("wk", "send")
@dataclass(frozen=True, slots=True)
class SendNow(Button):
    """ "Gửi ngay": what will go for the class's week, and the question to confirm."""

    class_id: int
    week: date = WRITING_WEEK  # the Monday of the week the preview showed


@button("wk", "sendok")
@dataclass(frozen=True, slots=True)
class ConfirmSend(Button):
    """The confirmation: the class's notices of that week go out now."""

    class_id: int
    week: date  # its Monday
