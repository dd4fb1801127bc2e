"""Attendance in chat (/diemdanh): the homeroom teacher presses the names of absent pupils.

One message carries the whole day: the session is chosen, each press cycles a pupil (present,
"P" excused, "K" not excused) and edits the keyboard in place, "Done" leaves a summary.
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import filters

from bot.core import keyboards
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.datefmt import everyday
from bot.core.i18n import N_, Translator
from bot.core.presses import alert
from bot.features.attendance import queries as attendance
from bot.features.attendance.queries import AttendanceRow, AttendanceState, DayRefused
from bot.features.weekly.queries import homeroom_class, pupil_class
from storage.models import DayPart
from storage.queries import class_name

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "att"
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
    DayRefused.TOO_OLD: N_("Only days of this week and last week can be marked here."),
}


def _day_arg(day: date) -> str:
    return day.strftime("%Y%m%d")


def _read_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise BadCallback("not a day") from None


def _press(data: str | None) -> tuple[Callback, int, date, DayPart]:
    """Read `v1:att:<action>:<id>:<yyyymmdd>:<m|a>`."""
    press = parse(data)
    if len(press.args) != 3 or press.args[2] not in PARTS:
        raise BadCallback("not an attendance press")
    return press, press.int_arg(0), _read_day(press.args[1]), PARTS[press.args[2]]


def sheet_keyboard(
    rows: list[AttendanceRow], class_id: int, day: date, part: DayPart, _: Translator
) -> InlineKeyboardMarkup:
    """The class list, two names a row with their marks, then the other session and Done."""
    day_arg, code = _day_arg(day), CODES[part]
    other = DayPart.AFTERNOON if part is DayPart.MORNING else DayPart.MORNING
    names = [
        (
            f"{MARKS[row.state(part)]} · {row.name}" if MARKS[row.state(part)] else row.name,
            pack(FEATURE, "mark", row.student_id, day_arg, code),
        )
        for row in rows
    ]
    last = [
        (_(SESSION[other]), pack(FEATURE, "part", class_id, day_arg, CODES[other])),
        (_("Done"), pack(FEATURE, "done", class_id, day_arg, code)),
    ]
    return keyboards.choices(names, per_row=2, extra=last)


def _sheet_text(name: str, day: date, part: DayPart, _: Translator) -> str:
    return "\n".join(
        [
            _("Attendance of class {name}: {session}, {day}").format(
                name=name, session=_(SESSION[part]), day=everyday(day, _)
            ),
            _(
                "Press the name of a pupil who is absent: once for excused (P), twice for not "
                "excused (K), a third time for present again."
            ),
        ]
    )


def summary_line(rows: list[AttendanceRow], day: date, part: DayPart, _: Translator) -> str:
    """ "Sáng 24/11: vắng 2 (1 có phép, 1 không phép)"."""
    states = [row.state(part) for row in rows]
    excused = states.count(AttendanceState.EXCUSED)
    unexcused = states.count(AttendanceState.UNEXCUSED)
    when = {"part": _(SHORT_PART[part]), "day": day.strftime("%d/%m")}
    if excused + unexcused == 0:
        return _("{part} {day}: everyone present").format(**when)
    return _("{part} {day}: {count} absent ({excused} excused, {unexcused} not excused)").format(
        count=excused + unexcused, excused=excused, unexcused=unexcused, **when
    )


async def take_attendance(update: Update, context: BotContext) -> None:
    """Start the day's attendance of the teacher's class: ask for the session."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        klass = await homeroom_class(visit.session, visit.actor)
        if klass is None or not attendance.may_take_attendance(visit.actor, klass.id):
            await message.reply_text(
                _("Attendance is taken by homeroom teachers, for their own class.")
            )
            return
        today = context.today(visit.now)
        args = context.args or []
        day: date | DayRefused
        if len(args) > 1:
            day = DayRefused.BAD_FORM
        elif args:
            day = attendance.recent_day(args[0], today)
        else:
            day = attendance.check_day(today, today) or today
        if isinstance(day, DayRefused):
            await message.reply_text(_(REFUSALS[day]))
            return
        day_arg = _day_arg(day)
        await message.reply_text(
            _("Attendance of class {name}, {day}. Which session?").format(
                name=klass.name, day=everyday(day, _)
            ),
            reply_markup=keyboards.inline(
                [
                    [
                        (_(SHORT_PART[part]), pack(FEATURE, "part", klass.id, day_arg, code))
                        for code, part in PARTS.items()
                    ]
                ]
            ),
        )


async def attendance_pressed(update: Update, context: BotContext) -> None:
    """A session chosen, a pupil pressed or Done; each press re-checks the presser's rights."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press, record_id, day, part = _press(query.data)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if press.action == "mark":
            await _mark(query, visit, context, record_id, day, part)
        elif press.action in ("part", "done"):
            if not attendance.may_take_attendance(visit.actor, record_id):
                await alert(query, _("Only the class's homeroom teacher takes its attendance."))
                return
            refused = attendance.check_day(day, context.today(visit.now))
            if refused is not None:
                await alert(query, _(REFUSALS[refused]))
                return
            rows = await attendance.day_sheet(visit.session, record_id, day)
            name = await class_name(visit.session, record_id) or ""
            if press.action == "part":
                await _edit(
                    query,
                    _sheet_text(name, day, part, _),
                    sheet_keyboard(rows, record_id, day, part, _),
                )
            else:
                await _edit(query, _finished(rows, name, day, _))


async def _mark(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    student_id: int,
    day: date,
    part: DayPart,
) -> None:
    _ = visit._
    changed = await attendance.cycle(
        visit.session, visit.actor, student_id, day, part, visit.who, today=context.today(visit.now)
    )
    if changed is None:
        await alert(query, _("Only the class's homeroom teacher takes its attendance."))
        return
    if isinstance(changed, DayRefused):
        await alert(query, _(REFUSALS[changed]))
        return
    class_id = await pupil_class(visit.session, visit.actor.school_id, student_id)
    assert class_id is not None
    rows = await attendance.day_sheet(visit.session, class_id, day)
    await visit.save()
    await _edit(query, None, sheet_keyboard(rows, class_id, day, part, _))


def _finished(rows: list[AttendanceRow], name: str, day: date, _: Translator) -> str:
    return "\n".join(
        [
            _("Attendance of class {name}, {day}, is saved.").format(
                name=name, day=everyday(day, _)
            ),
            *(summary_line(rows, day, part, _) for part in PARTS.values()),
        ]
    )


async def _edit(
    query: CallbackQuery, text: str | None, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message (only its keyboard without text); an unchanged one is fine."""
    try:
        if text is None:
            await query.edit_message_reply_markup(markup)
        else:
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error):
            raise
