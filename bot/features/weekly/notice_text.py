"""What one pupil's weekly notice says, and how it reads in each language (Telegram HTML).

Each notice carries only its own pupil's data: it is addressed to that pupil's guardians. It
never ranks or compares pupils (domain-vn.md 1.2). The nurse's note stays behind a button, as
notices show in previews (design.md 5).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from bot.core.callbacks import Button, button
from bot.core.datefmt import weekday
from bot.core.i18n import N_, Translator
from bot.delivery.outbox import REPLY
from bot.features.calendar.rules import TeachingWeek
from storage.models import DayPart
from storage.subjects import SUBJECTS

HEALTH_NOTE = N_("Health note")
NURSE = N_("School nurse")
FROM = N_("From: {sender}")


# The button under a notice (or a health addendum) that opens the nurse's note. It is declared
# here, where the notice is built, and the health feature answers it (health imports weekly,
# never the reverse); its data stays "v1:hlth:wn:<id>", as notices already sent carry it.
@button("hlth", "wn")
@dataclass(frozen=True, slots=True)
class HealthNoteShown(Button):
    """The button under a weekly notice that opens the nurse's note about the child."""

    note_id: int


# What the teacher's screens say once the class's notice of the week went out.
SENT_LINE = N_(
    "This week's contact book has been sent; what is added or changed now reaches the "
    "families as an addendum."
)
PARTS = {DayPart.MORNING: N_("morning"), DayPart.AFTERNOON: N_("afternoon")}


@dataclass(slots=True)
class PupilWeek:
    """What one pupil's notice says."""

    student_id: int
    name: str
    homeroom: str | None = None
    label: str = ""  # the name as staff read it (namesakes told apart); parents read `name`
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
    school_name: str = ""
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


ADDENDUM_TITLE = N_("Addendum to the contact book, week {number} ({start}–{end})")
# The parts of a pupil's week an addendum can carry: the homeroom comment, one subject's, the
# attendance; and the class-wide note, for the whole class.
HOMEROOM_PART = "hr"
ATTENDANCE_PART = "att"
NOTE_PART = "note"
HEALTH_PART = "health"  # the nurse's note: its text stays behind HEALTH_NOTE's button


def subject_part(code: str) -> str:
    """The part of a subject's comment."""
    return f"s.{code}"


def compose(pupil: PupilWeek, batch: ClassBatch, week: TeachingWeek, _: Translator) -> str:
    """One pupil's weekly notice as Telegram HTML; user text is escaped."""
    lines = heading(_("Contact book, week {number} ({start}–{end})"), pupil, batch, week, _)
    if pupil.homeroom:
        lines += ["", section(pupil, batch, HOMEROOM_PART, _)]
    if pupil.subjects:
        lines += ["", _bold(_("Subject teachers’ comments"))]
        lines += [_subject_line(code, text) for code, text in pupil.subjects]
    lines += ["", section(pupil, batch, ATTENDANCE_PART, _)]
    if pupil.health:
        # The note itself stays behind the button: notices show in previews (design.md 5).
        lines += [section(pupil, batch, HEALTH_PART, _)]
    if batch.note:
        lines += ["", section(pupil, batch, NOTE_PART, _)]
    return "\n".join(lines + signature(batch, _))


def addendum(
    pupil: PupilWeek | None, batch: ClassBatch, week: TeachingWeek, part: str, _: Translator
) -> str:
    """What a family (or, for the note, every family of the class) is told when a part of a week
    already sent changes: the part as it now reads, under who sends it."""
    lines = heading(_(ADDENDUM_TITLE), pupil, batch, week, _)
    signed = _nurse_signature(_) if part == HEALTH_PART else signature(batch, _)
    return "\n".join([*lines, "", section(pupil, batch, part, _), *signed])


def heading(
    title: str, pupil: PupilWeek | None, batch: ClassBatch, week: TeachingWeek, _: Translator
) -> list[str]:
    """The title, the school and the pupil (or, without a pupil, the class)."""
    dates = {"start": week.start.strftime("%d/%m"), "end": week.end.strftime("%d/%m/%Y")}
    lines = [f"<b>{html.escape(title.format(number=week.number, **dates))}</b>"]
    if batch.school_name:
        lines.append(html.escape(batch.school_name))
    if pupil is not None:
        lines.append(
            _("Pupil: {name}, class {class_name}").format(
                name=f"<b>{html.escape(pupil.name)}</b>", class_name=html.escape(batch.class_name)
            )
        )
    return lines


def signature(batch: ClassBatch, _: Translator) -> list[str]:
    """Who sends it: the homeroom teacher of the class, by name."""
    if not batch.teacher:
        return []
    signed = _("{teacher}, homeroom teacher of class {class_name}").format(
        teacher=batch.teacher, class_name=batch.class_name
    )
    return ["", f"<i>{html.escape(signed)}</i>"]


def _nurse_signature(_: Translator) -> list[str]:
    """Who sends the nurse's note: the school nurse (the school heads the message)."""
    return ["", f"<i>{html.escape(_(FROM).format(sender=_(NURSE)))}</i>"]


def section(pupil: PupilWeek | None, batch: ClassBatch, part: str, _: Translator) -> str:
    """One part of a pupil's week as the notice and its addenda show it (HTML)."""
    if part == NOTE_PART:
        return _bold(_("Note to all families of the class")) + "\n" + html.escape(batch.note or "")
    assert pupil is not None
    if part == HOMEROOM_PART:
        return _bold(_("Homeroom teacher’s comment")) + "\n" + html.escape(pupil.homeroom or "")
    if part == ATTENDANCE_PART:
        return _bold(_("Attendance")) + ": " + html.escape(attendance(pupil, _))
    if part == HEALTH_PART:
        there = _("The school nurse wrote a note this week; press “{button}” to read it.")
        return _bold(_("Health")) + ": " + html.escape(there.format(button=_(HEALTH_NOTE)))
    code = part.removeprefix("s.")
    text = dict(pupil.subjects).get(code, "")
    return _bold(_("Subject teachers’ comments")) + "\n" + _subject_line(code, text)


def as_told(pupil: PupilWeek | None, batch: ClassBatch, part: str, _: Translator) -> str:
    """The lines a notice or addendum holds when it told this part as it now reads: a
    subject's comment is one line of its list, every other part its whole section."""
    if part.startswith("s.") and pupil is not None:
        code = part.removeprefix("s.")
        return _subject_line(code, dict(pupil.subjects).get(code, ""))
    return section(pupil, batch, part, _)


def _subject_line(code: str, text: str) -> str:
    return f"• {html.escape(SUBJECTS.get(code, (code,))[0])}: {html.escape(text)}"


def _bold(text: str) -> str:
    return f"<b>{html.escape(text)}</b>"


def buttons(pupil: PupilWeek) -> list[tuple[str, str]]:
    """The notice's buttons: the nurse's note, if any, and "Phản hồi"."""
    if pupil.health and pupil.health_id is not None:
        return [(HEALTH_NOTE, HealthNoteShown(pupil.health_id).data()), REPLY]
    return [REPLY]
