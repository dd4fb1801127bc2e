"""Attendance in chat (/diemdanh): the homeroom teacher presses the names of absent pupils.

One message carries the whole day: the session is chosen (or another school day of the week),
each press cycles a pupil (present, "P" excused, "K" not excused) and changes the keyboard in
place, "Done" leaves a summary naming the pupils absent. On a day without lessons /diemdanh
opens the last school day of the week being written (Friday, on Saturday). Namesakes are told
apart on their buttons; once the week's notice went out, the list says that changes reach the
families as an addendum.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from telegram import InlineKeyboardMarkup, Update

from bot.core import keyboards
from bot.core.callbacks import Button, Max, button
from bot.core.context import BotContext, Visit
from bot.core.datefmt import everyday
from bot.core.i18n import N_, Translator
from bot.features.attendance import queries as attendance
from bot.features.attendance.queries import AttendanceRow, AttendanceSheet
from bot.features.attendance.rules import AttendanceState, DayRefused
from bot.features.weekly.notice_text import SENT_LINE
from storage.models import DayPart

PARTS = {"m": DayPart.MORNING, "a": DayPart.AFTERNOON}
CODES = {part: code for code, part in PARTS.items()}
SHORT_PART = {DayPart.MORNING: N_("Morning"), DayPart.AFTERNOON: N_("Afternoon")}
SESSION = {DayPart.MORNING: N_("Morning session"), DayPart.AFTERNOON: N_("Afternoon session")}
MARKS = {
    AttendanceState.PRESENT: "",
    AttendanceState.EXCUSED: "P",  # có phép
    AttendanceState.UNEXCUSED: "K",  # không phép
}
REFUSALS = {
    DayRefused.BAD_FORM: N_("Write the day as dd/mm, like /diemdanh 24/11, or nothing for today."),
    DayRefused.FUTURE: N_("Attendance cannot be taken for a day that has not come yet."),
    DayRefused.WEEKEND: N_("There are no lessons on Saturday and Sunday."),
    DayRefused.HOLIDAY: N_("That day is a school holiday in the calendar: there are no lessons."),
    DayRefused.TOO_OLD: N_("Only days of this week and last week can be marked here."),
}
NOT_THE_TEACHER = N_("Only the class's homeroom teacher takes its attendance.")


@button("att", "mark")
@dataclass(frozen=True, slots=True)
class MarkPupil(Button):
    """A pupil's name on the day's list: one press moves the session along."""

    student_id: int
    day: date
    part: Annotated[str, Max(1)]  # "m" or "a"


@button("att", "part")
@dataclass(frozen=True, slots=True)
class ChooseSession(Button):
    """The morning or the afternoon of a class's day."""

    class_id: int
    day: date
    part: Annotated[str, Max(1)]


@button("att", "day")
@dataclass(frozen=True, slots=True)
class ChooseDay(Button):
    """Another school day of the week: ask for its session."""

    class_id: int
    day: date


@button("att", "done")
@dataclass(frozen=True, slots=True)
class Finish(Button):
    """ "Done": the day's summary in place of the list."""

    class_id: int
    day: date
    part: Annotated[str, Max(1)]


def sheet_keyboard(
    rows: list[AttendanceRow], class_id: int, day: date, part: DayPart, _: Translator
) -> InlineKeyboardMarkup:
    """The class list, two names a row with their marks, then the other session and Done."""
    code = CODES[part]
    other = DayPart.AFTERNOON if part is DayPart.MORNING else DayPart.MORNING
    names = [
        (
            f"{MARKS[row.state(part)]} · {row.label or row.name}"
            if MARKS[row.state(part)]
            else row.label or row.name,
            MarkPupil(row.student_id, day, code).data(),
        )
        for row in rows
    ]
    last = [
        (_(SESSION[other]), ChooseSession(class_id, day, CODES[other]).data()),
        (_("Done"), Finish(class_id, day, code).data()),
    ]
    return keyboards.choices(names, per_row=2, extra=last)


def sheet_text(sheet: AttendanceSheet, day: date, part: DayPart, _: Translator) -> str:
    """The heading of a session's list and how to press (HTML)."""
    heading = _("Attendance of class {name}: {session}, {day}").format(
        name=sheet.class_name, session=_(SESSION[part]), day=everyday(day, _)
    )
    how = _(
        "Press the name of a pupil who is absent: once for excused (P), twice for not "
        "excused (K), a third time for present again."
    )
    text = html.escape(heading) + "\n" + html.escape(how)
    if sheet.sent:
        text += "\n<i>" + html.escape(_(SENT_LINE)) + "</i>"
    return text


def summary_line(rows: list[AttendanceRow], day: date, part: DayPart, _: Translator) -> str:
    """ "Sáng 24/11: vắng 2 (1 có phép, 1 không phép)"."""
    states = [row.state(part) for row in rows]
    excused = states.count(AttendanceState.EXCUSED)
    unexcused = states.count(AttendanceState.UNEXCUSED)
    when = {"part": _(SHORT_PART[part]), "day": day.strftime("%d/%m")}
    if excused + unexcused == 0:
        return _("{part} {day}: everyone present").format(**when)
    counts = _("{part} {day}: {count} absent ({excused} excused, {unexcused} not excused)").format(
        count=excused + unexcused, excused=excused, unexcused=unexcused, **when
    )
    names = [
        f"{row.label or row.name} ({MARKS[row.state(part)]})"
        for row in rows
        if row.state(part) is not AttendanceState.PRESENT
    ]
    return f"{counts}: {', '.join(names)}"


def finished_text(sheet: AttendanceSheet, day: date, _: Translator) -> str:
    """The day's summary, one line per session (HTML)."""
    lines = [
        _("Attendance of class {name}, {day}, is saved.").format(
            name=sheet.class_name, day=everyday(day, _)
        ),
        *(summary_line(sheet.rows, day, part, _) for part in PARTS.values()),
    ]
    return html.escape("\n".join(lines))


async def take_attendance(update: Update, context: BotContext) -> None:
    """Start the day's attendance of the teacher's class: ask for the session."""
    async with context.visit(update) as visit:
        _ = visit._
        today = context.today(visit.now)
        started = await attendance.start_day(visit.session, visit.actor, context.args or [], today)
        if started is None:
            text = _("Attendance is taken by homeroom teachers, for their own class.")
            visit.reply(text, as_html=False)
            return
        if isinstance(started, DayRefused):
            visit.reply(_(REFUSALS[started]), as_html=False)
            return
        class_id, name, day = started
        visit.reply(*await day_question(visit, context, class_id, name, day))


async def day_question(
    visit: Visit, context: BotContext, class_id: int, name: str, day: date
) -> tuple[str, InlineKeyboardMarkup]:
    """Which session of the day, and the week's other school days so far (HTML)."""
    _ = visit._
    question = _("Attendance of class {name}, {day}. Which session?").format(
        name=name, day=everyday(day, _)
    )
    rows = [
        [
            (_(SHORT_PART[part]), ChooseSession(class_id, day, code).data())
            for code, part in PARTS.items()
        ]
    ]
    today = context.today(visit.now)
    days = await attendance.week_days(visit.session, visit.actor.school_id, day, today)
    others = [(f"{d:%d/%m}", ChooseDay(class_id, d).data()) for d in days if d != day]
    if others:
        rows.append(others)
    return html.escape(question), keyboards.inline(rows)


async def day_chosen(press: ChooseDay, visit: Visit, context: BotContext) -> None:
    """Ask for the session of another school day of the week."""
    today = context.today(visit.now)
    sheet = await attendance.open_sheet(
        visit.session, visit.actor, press.class_id, press.day, today
    )
    if sheet is None:
        visit.alert(visit._(NOT_THE_TEACHER))
    elif isinstance(sheet, DayRefused):
        visit.alert(visit._(REFUSALS[sheet]))
    else:
        visit.edit(*await day_question(visit, context, press.class_id, sheet.class_name, press.day))


async def session_chosen(press: ChooseSession | Finish, visit: Visit, context: BotContext) -> None:
    """Show a session's list, or the day's summary after "Done"."""
    _ = visit._
    part = PARTS.get(press.part)
    if part is None:
        return
    today = context.today(visit.now)
    actor, class_id = visit.actor, press.class_id
    sheet = await attendance.open_sheet(visit.session, actor, class_id, press.day, today)
    if sheet is None:
        visit.alert(_(NOT_THE_TEACHER))
    elif isinstance(sheet, DayRefused):
        visit.alert(_(REFUSALS[sheet]))
    elif isinstance(press, ChooseSession):
        markup = sheet_keyboard(sheet.rows, sheet.class_id, press.day, part, _)
        visit.edit(sheet_text(sheet, press.day, part, _), markup)
    else:
        visit.edit(finished_text(sheet, press.day, _))


async def pupil_pressed(press: MarkPupil, visit: Visit, context: BotContext) -> None:
    """Move the pressed pupil's session along and show the new marks."""
    _ = visit._
    part = PARTS.get(press.part)
    if part is None:
        return
    changed = await attendance.cycle(
        visit.session,
        visit.actor,
        press.student_id,
        press.day,
        part,
        visit.who,
        today=context.today(visit.now),
        now=visit.now,
    )
    if changed is None:
        visit.alert(_(NOT_THE_TEACHER))
        return
    if isinstance(changed, DayRefused):
        visit.alert(_(REFUSALS[changed]))
        return
    sheet = await attendance.pupil_sheet(visit.session, visit.actor, press.student_id, press.day)
    visit.edit_markup(sheet_keyboard(sheet.rows, sheet.class_id, press.day, part, _))
