"""Weekly comments: the class list screen with its buttons ("l", "hold"), and what every weekly
screen shares (the teaching week, the subject argument of the buttons, the refusals)."""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.core import keyboards, pending
from bot.core.callbacks import BadCallback, Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator
from bot.core.presses import alert
from bot.features.calendar.queries import TeachingWeek, load_calendar, week_label
from bot.features.weekly import queries as weekly
from storage.models import CommentKind, School
from storage.queries import class_name
from storage.subjects import SUBJECTS

HOMEROOM = "-"  # the "subject" argument of homeroom comments in callback data


def comment_kind(subject: str) -> tuple[CommentKind, str]:
    """The kind of comment and the subject code a button's subject argument stands for."""
    return (CommentKind.HOMEROOM, "") if subject == HOMEROOM else (CommentKind.SUBJECT, subject)


async def current_week(visit: Visit, context: BotContext) -> TeachingWeek | None:
    """The teaching week whose comments are being written, if the calendar has one ahead."""
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    today = context.today(visit.now)
    return (await load_calendar(visit.session, school, today)).working_week(today)


def refusal(saved: weekly.Saved, _: Translator) -> str:
    """Why a comment, a note or a setting was not saved."""
    return {
        weekly.Saved.NOT_ALLOWED: _("This is not one of your classes."),
        weekly.Saved.EMPTY: _("The comment is empty."),
        weekly.Saved.TOO_LONG: _(
            "The comment is too long: at most {limit} characters, please shorten it."
        ).format(limit=weekly.COMMENT_LIMIT),
        weekly.Saved.ALREADY_SENT: _(
            "This week's contact book has already been sent to the families; it can no longer "
            "be changed."
        ),
        weekly.Saved.OK: "",
    }[saved]


async def mode_label(visit: Visit, class_id: int, subject: str) -> str:
    """The class and subject as a button or a title shows them."""
    name = await class_name(visit.session, class_id) or "?"
    if subject == HOMEROOM:
        return visit._("{class_name} (homeroom)").format(class_name=name)
    return f"{name} · {SUBJECTS.get(subject, (subject,))[0]}"


async def class_list(
    visit: Visit, week: TeachingWeek, class_id: int, subject: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The class list with a mark on pupils already done, and the class's tools."""
    _ = visit._
    kind, code = comment_kind(subject)
    entries = await weekly.progress(visit.session, class_id, week.start, kind, code)
    done = sum(1 for e in entries if e.comment)
    title = await mode_label(visit, class_id, subject)
    text = "\n".join(
        [
            "<b>" + html.escape(_("Comments, {week}").format(week=week_label(week, _))) + "</b>",
            html.escape(title),
            _("Written: {done}/{total}. Choose a pupil to write or change a comment.").format(
                done=done, total=len(entries)
            ),
        ]
    )
    pupils = [
        (("✓ " if e.comment else "") + e.name, pack("wk", "p", e.student_id, subject))
        for e in entries
    ]
    extra: list[list[tuple[str, str]]] = []
    if subject == HOMEROOM:
        state = await weekly.class_week(visit.session, visit.actor.school_id, class_id, week.start)
        hold = (
            _("Without a comment: hold back")
            if state.hold_missing
            else _("Without a comment: class note only")
        )
        extra = [
            [
                (_("Note to the whole class"), pack("wk", "note", class_id)),
                (_("Spreadsheet (Excel)"), pack("wk", "xls", class_id)),
            ],
            [(hold, pack("wk", "hold", class_id, 0 if state.hold_missing else 1))],
            [(_("Preview and send"), pack("wk", "pv", class_id))],
        ]
    rows = [pupils[i : i + 2] for i in range(0, len(pupils), 2)]
    return text, keyboards.inline([*rows, *extra])


async def show_list(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    """Show the class list again, dropping any comment or note the bot was waiting for."""
    subject = press.args[1] if len(press.args) > 1 else HOMEROOM
    await pending.clear(visit.session, visit.account.id)
    text, markup = await class_list(visit, week, class_id, subject)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def toggle_hold(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    """Switch whether pupils without a comment are held back or get the class note only."""
    try:
        hold = bool(press.int_arg(1))
    except BadCallback:
        return
    saved = await weekly.set_hold(visit.session, visit.actor, class_id, week.start, hold)
    if saved is not weekly.Saved.OK:
        await alert(query, refusal(saved, visit._))
        return
    text, markup = await class_list(visit, week, class_id, HOMEROOM)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)
