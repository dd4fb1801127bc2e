"""The health buttons: the families' "See details" and the nurse's screens (no Telegram here,
so the queries can put a details button under a notice)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button, button
from bot.features.weekly.notice_text import HealthNoteShown

# Under notices already sent to families: their data must stay as it is.


@button("hlth", "show")
@dataclass(frozen=True, slots=True)
class CheckDetails(Button):
    """ "Xem chi tiết" under a child's health check notice."""

    check_id: int


# The button under a weekly notice that opens the nurse's note: declared with the notice it
# sits under (bot/features/weekly/notice_text.py), answered here.
NoteDetails = HealthNoteShown


# The nurse's screens.


@button("hlth", "cls")
@dataclass(frozen=True, slots=True)
class ClassChosen(Button):
    """A class chosen after /suckhoe."""

    class_id: int


@button("hlth", "tpl")
@dataclass(frozen=True, slots=True)
class TemplateWanted(Button):
    """ "Tải mẫu bảng tính" for a class."""

    class_id: int


@button("hlth", "one")
@dataclass(frozen=True, slots=True)
class EntryPupils(Button):
    """ "Nhập kết quả một học sinh": the class's pupils to choose from."""

    class_id: int


@button("hlth", "note")
@dataclass(frozen=True, slots=True)
class NotePupils(Button):
    """ "Ghi chú sức khỏe tuần": the class's pupils to choose from."""

    class_id: int


@button("hlth", "pe")
@dataclass(frozen=True, slots=True)
class EntryPupil(Button):
    """The pupil whose results the nurse will type."""

    student_id: int


@button("hlth", "pn")
@dataclass(frozen=True, slots=True)
class NotePupil(Button):
    """The pupil the nurse will write this week's note about."""

    student_id: int


@button("hlth", "eok")
@dataclass(frozen=True, slots=True)
class SaveEntry(Button):
    """ "Xác nhận" under one pupil's typed results."""

    student_id: int


@button("hlth", "eno")
@dataclass(frozen=True, slots=True)
class DropEntry(Button):
    """ "Hủy" under one pupil's typed results."""

    student_id: int


@button("hlth", "aok")
@dataclass(frozen=True, slots=True)
class SendAlert(Button):
    """ "Gửi" under the preview of a school-wide health notice (`token`: the message the
    notice was typed in; 0 on buttons sent before it)."""

    token: int = 0


@button("hlth", "ano")
@dataclass(frozen=True, slots=True)
class DropAlert(Button):
    """ "Hủy" under the preview of a school-wide health notice."""

    token: int = 0


# A class's results spreadsheet, staged until the nurse confirms.


@button("hlf", "cls")
@dataclass(frozen=True, slots=True)
class SheetClass(Button):
    """The class a spreadsheet without one in its title is for."""

    staged_id: int
    class_id: int


@button("hlf", "ok")
@dataclass(frozen=True, slots=True)
class SaveSheet(Button):
    """ "Xác nhận" under a checked spreadsheet's summary."""

    staged_id: int


@button("hlf", "no")
@dataclass(frozen=True, slots=True)
class DropSheet(Button):
    """ "Hủy" under a checked spreadsheet's summary."""

    staged_id: int
