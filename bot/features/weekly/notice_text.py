"""What one pupil's weekly notice says, and how it reads in each language (Telegram HTML).

Each notice carries only its own pupil's data: it is addressed to that pupil's guardians. It
never ranks or compares pupils (domain-vn.md 1.2). The nurse's note stays behind a button, as
notices show in previews (design.md 5).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from bot.core.callbacks import pack
from bot.core.datefmt import weekday
from bot.core.i18n import N_, Translator
from bot.delivery.outbox import REPLY
from bot.features.calendar.rules import TeachingWeek
from storage.models import DayPart
from storage.subjects import SUBJECTS

HEALTH_NOTE = N_("Health note")
PARTS = {DayPart.MORNING: N_("morning"), DayPart.AFTERNOON: N_("afternoon")}


@dataclass(slots=True)
class PupilWeek:
    """What one pupil's notice says."""

    student_id: int
    name: str
    homeroom: str | None = None
    subjects: list[tuple[str, str]] = field(default_factory=list)
    health: str | None = None
    health_id: int | None = None  # the nurse's note, shown behind HEALTH_NOTE's button
    absences: list[tuple[date, DayPart, bool]] = field(default_factory=list)


@dataclass(slots=True)
class ClassBatch:
    """One class's week: its pupils, note, choice for pupils without a comment, and state."""

    class_id: int
    class_name: str
    teacher: str | None
    teacher_staff_id: int | None
    note: str | None = None
    hold_missing: bool = False
    sent: bool = False
    exists: bool = False
    pupils: list[PupilWeek] = field(default_factory=list)


def attendance(pupil: PupilWeek, _: Translator) -> str:
    """ "Đi học đầy đủ." or the sessions missed, each with its day and whether excused."""
    if not pupil.absences:
        return _("Present every day this week.")
    items = [
        _("{weekday} {date} ({part}, {excused})").format(
            weekday=weekday(day, _),
            date=day.strftime("%d/%m"),
            part=_(PARTS[part]),
            excused=_("excused") if excused else _("not excused"),
        )
        for day, part, excused in pupil.absences
    ]
    count = len(pupil.absences)
    return (
        _.ngettext("Absent {count} session: {list}.", "Absent {count} sessions: {list}.", count)
    ).format(count=count, list="; ".join(items))


def compose(pupil: PupilWeek, batch: ClassBatch, week: TeachingWeek, _: Translator) -> str:
    """One pupil's weekly notice as Telegram HTML; user text is escaped."""
    lines = [
        "<b>"
        + _("Contact book, week {number} ({start}–{end})").format(
            number=week.number,
            start=week.start.strftime("%d/%m"),
            end=week.end.strftime("%d/%m/%Y"),
        )
        + "</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=f"<b>{html.escape(pupil.name)}</b>", class_name=html.escape(batch.class_name)
        ),
    ]
    if pupil.homeroom:
        lines += ["", _bold(_("Homeroom teacher’s comment")), html.escape(pupil.homeroom)]
    if pupil.subjects:
        lines += ["", _bold(_("Subject teachers’ comments"))]
        lines += [
            f"• {html.escape(SUBJECTS.get(code, (code,))[0])}: {html.escape(text)}"
            for code, text in pupil.subjects
        ]
    lines += ["", _bold(_("Attendance")) + ": " + html.escape(attendance(pupil, _))]
    if pupil.health:
        # The note itself stays behind the button: notices show in previews (design.md 5).
        there = _("The school nurse wrote a note this week; press “{button}” to read it.")
        lines += [_bold(_("Health")) + ": " + html.escape(there.format(button=_(HEALTH_NOTE)))]
    if batch.note:
        lines += ["", _bold(_("Note to all families of the class")), html.escape(batch.note)]
    if batch.teacher:
        lines += [
            "",
            "<i>"
            + html.escape(
                _("{teacher}, homeroom teacher of class {class_name}").format(
                    teacher=batch.teacher, class_name=batch.class_name
                )
            )
            + "</i>",
        ]
    return "\n".join(lines)


def _bold(text: str) -> str:
    return f"<b>{html.escape(text)}</b>"


def buttons(pupil: PupilWeek) -> list[tuple[str, str]]:
    """The notice's buttons: the nurse's note, if any, and "Phản hồi"."""
    if pupil.health and pupil.health_id is not None:
        # The note opens in the health feature; the data stays as notices already carry it.
        return [(HEALTH_NOTE, pack("hlth", "wn", pupil.health_id)), REPLY]
    return [REPLY]
