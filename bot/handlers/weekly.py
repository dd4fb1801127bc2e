"""Weekly comments in chat (/nhanxet): the class list, one pupil at a time, the class-wide note,
the spreadsheet, a preview and "Gửi ngay"."""

from __future__ import annotations

import asyncio
import html
from datetime import date
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import keyboards
from bot.callbacks import BadCallback, Callback, pack, parse
from bot.context import BotContext, Visit
from bot.handlers.presses import alert, on_press
from bot.i18n import N_, Translator
from bot.notifications.weekly import compose, drafts_for, gather, send_week
from bot.notifications.weekly_jobs import tell_teachers
from bot.services import pending, weekly
from bot.services.calendar import TeachingWeek, load_calendar, week_label
from bot.services.comment_sheet import (
    COMMENT_HEADERS,
    COMMENT_REQUIRED,
    SheetPupil,
    SheetWeek,
    build_comment_sheet,
    parse_comment_sheet,
    summary_missing,
)
from bot.services.imports import describe
from storage.models import CommentKind, School
from storage.queries import class_name, students_with_ids, unlinked_families
from storage.roster.problems import FileRefused
from storage.roster.table import locate, read_rows
from storage.subjects import SUBJECTS

PRIVATE = filters.ChatType.PRIVATE
HOMEROOM = "-"  # the "subject" argument of homeroom comments in callback data
WAIT_COMMENT = "weekly_comment"
WAIT_NOTE = "weekly_note"
PHRASES = (
    N_("Well behaved and keen to speak up in class."),
    N_("Completes the class exercises carefully and well."),
    N_("Reads aloud clearly; needs to practise neater handwriting."),
    N_("Needs to concentrate more and finish the exercises in class."),
    N_("Gets on well with classmates and likes to help them."),
)


def _kind(subject: str) -> tuple[CommentKind, str]:
    return (CommentKind.HOMEROOM, "") if subject == HOMEROOM else (CommentKind.SUBJECT, subject)


async def _week(visit: Visit, context: BotContext) -> TeachingWeek | None:
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    today = context.today(visit.now)
    return (await load_calendar(visit.session, school, today)).working_week(today)


async def comments_command(update: Update, context: BotContext) -> None:
    """Open the class list for this week's comments (or the choice of class and subject)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        week = await _week(visit, context)
        if week is None:
            await message.reply_text(_("There is no teaching week ahead in the school calendar."))
            return
        modes = [(c, HOMEROOM) for c in sorted(visit.actor.homeroom_classes)]
        modes += sorted(visit.actor.teaching)
        if not modes:
            await message.reply_text(_("Weekly comments are written by the class's teachers."))
            return
        if len(modes) == 1:
            text, markup = await _class_list(visit, week, *modes[0])
            await message.reply_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)
            return
        buttons = [
            (await _mode_label(visit, class_id, subject), pack("wk", "l", class_id, subject))
            for class_id, subject in modes
        ]
        await message.reply_text(
            _("Which class and subject?"), reply_markup=keyboards.choices(buttons, per_row=2)
        )


async def _mode_label(visit: Visit, class_id: int, subject: str) -> str:
    name = await class_name(visit.session, class_id) or "?"
    if subject == HOMEROOM:
        return visit._("{class_name} (homeroom)").format(class_name=name)
    return f"{name} · {SUBJECTS.get(subject, (subject,))[0]}"


async def _class_list(
    visit: Visit, week: TeachingWeek, class_id: int, subject: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The class list with a mark on pupils already done, and the class's tools."""
    _ = visit._
    kind, code = _kind(subject)
    entries = await weekly.progress(visit.session, class_id, week.start, kind, code)
    done = sum(1 for e in entries if e.comment)
    title = await _mode_label(visit, class_id, subject)
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


async def pressed(update: Update, context: BotContext) -> None:
    """Every button of the weekly comments screens."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        first = press.int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        week = await _week(visit, context)
        if week is None:
            await alert(query, visit._("There is no teaching week ahead in the school calendar."))
            return
        action = _ACTIONS.get(press.action)
        if action is None:
            return
        if press.action in _CLASS_ACTIONS:  # the first argument is a class: its teachers only
            subject = press.args[1] if press.action in ("l", "n") and len(press.args) > 1 else ""
            if not weekly.may_write(visit.actor, first, *_kind(subject or HOMEROOM)):
                await alert(query, visit._("This is not one of your classes."))
                return
        await action(query, visit, context, week, press, first)


async def _show_list(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    subject = press.args[1] if len(press.args) > 1 else HOMEROOM
    await pending.clear(visit.session, visit.account.id)
    text, markup = await _class_list(visit, week, class_id, subject)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def _pupil(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    student_id: int,
) -> None:
    subject = press.args[1] if len(press.args) > 1 else HOMEROOM
    message = await ask_comment(visit, week, student_id, subject)
    if message is None:
        await alert(query, visit._("This is not one of your classes."))
        return
    text, markup = message
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def ask_comment(
    visit: Visit, week: TeachingWeek, student_id: int, subject: str
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The prompt for one pupil's comment, with quick phrases; the next text is the comment."""
    _ = visit._
    kind, code = _kind(subject)
    class_id = await weekly.pupil_class(visit.session, visit.actor.school_id, student_id)
    if class_id is None or not weekly.may_write(visit.actor, class_id, kind, code):
        return None
    entry = next(
        e
        for e in await weekly.progress(visit.session, class_id, week.start, kind, code)
        if e.student_id == student_id
    )
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        WAIT_COMMENT,
        {"student_id": student_id, "week_start": week.start.isoformat(), "subject": subject},
        visit.now,
    )
    current = html.escape(entry.comment) if entry.comment else _("(none yet)")
    text = "\n".join(
        [
            _("Comment for {name}, {week}:").format(
                name=f"<b>{html.escape(entry.name)}</b>", week=week_label(week, _)
            ),
            f"<i>{current}</i>",
            "",
            _(
                "Type the comment and send it, or start from a phrase below and then type a "
                "better one if needed."
            ),
        ]
    )
    phrases = [
        [(_(phrase)[:60], pack("wk", "q", student_id, subject, index))]
        for index, phrase in enumerate(PHRASES)
    ]
    back = [
        (_("Back to the list"), pack("wk", "l", class_id, subject)),
        (_("Next pupil"), pack("wk", "n", class_id, subject)),
    ]
    return text, keyboards.inline([*phrases, back])


async def _phrase(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    student_id: int,
) -> None:
    subject = press.args[1] if len(press.args) > 1 else HOMEROOM
    try:
        index = press.int_arg(2)
        phrase = PHRASES[index]
    except (BadCallback, IndexError):
        return
    kind, code = _kind(subject)
    saved = await weekly.save_comment(
        visit.session, visit.actor, student_id, week.start, visit._(phrase), kind=kind, subject=code
    )
    if saved is not weekly.Saved.OK:
        await alert(query, _refusal(saved, visit._))
        return
    prompt = await ask_comment(visit, week, student_id, subject)
    if prompt is not None:
        await query.edit_message_text(prompt[0], reply_markup=prompt[1], parse_mode=ParseMode.HTML)


async def _next(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    subject = press.args[1] if len(press.args) > 1 else HOMEROOM
    text, markup = await next_prompt(visit, week, class_id, subject)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def next_prompt(
    visit: Visit, week: TeachingWeek, class_id: int, subject: str, after: int | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The next pupil without a comment (after `after` in list order), or the list when done."""
    kind, code = _kind(subject)
    entries = await weekly.progress(visit.session, class_id, week.start, kind, code)
    order = [e.student_id for e in entries]
    start = order.index(after) + 1 if after in order else 0
    waiting = [e for e in entries[start:] + entries[:start] if not e.comment]
    if waiting:
        prompt = await ask_comment(visit, week, waiting[0].student_id, subject)
        if prompt is not None:
            return prompt
    await pending.clear(visit.session, visit.account.id)
    return await _class_list(visit, week, class_id, subject)


def _refusal(saved: weekly.Saved, _: Translator) -> str:
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


async def _note(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    _ = visit._
    state = await weekly.class_week(visit.session, visit.actor.school_id, class_id, week.start)
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        WAIT_NOTE,
        {"class_id": class_id, "week_start": week.start.isoformat()},
        visit.now,
    )
    current = html.escape(state.note) if state.note else _("(none yet)")
    await query.edit_message_text(
        _("Note to all families of the class for {week}:").format(week=week_label(week, _))
        + f"\n<i>{current}</i>\n\n"
        + _("Type the note and send it; send a single - to remove it."),
        reply_markup=keyboards.inline([[(_("Back to the list"), pack("wk", "l", class_id))]]),
        parse_mode=ParseMode.HTML,
    )


async def _hold(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    try:
        hold = bool(press.int_arg(1))
    except BadCallback:
        return
    saved = await weekly.set_hold(visit.session, visit.actor, class_id, week.start, hold)
    if saved is not weekly.Saved.OK:
        await alert(query, _refusal(saved, visit._))
        return
    text, markup = await _class_list(visit, week, class_id, HOMEROOM)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def _sheet(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    _ = visit._
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None and query.message is not None
    name = await class_name(visit.session, class_id) or ""
    entries = await weekly.progress(visit.session, class_id, week.start)
    pupils = [SheetPupil(e.code, e.name, e.comment or "") for e in entries]
    data = await asyncio.to_thread(
        build_comment_sheet,
        school.name,
        name,
        SheetWeek(week.number, week.start, week.end),
        pupils,
        _,
    )
    await context.bot.send_document(
        query.message.chat.id,
        data,
        filename=f"nhan-xet-{name}-tuan-{week.number}.xlsx",
        caption=_(
            "Fill in the Comment column on a computer, then send this file back here. "
            "Comments already written in chat are filled in."
        ),
    )


async def _preview(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    _ = visit._
    (batch,) = await gather(visit.session, visit.actor.school_id, week, [class_id])
    if batch.sent:
        await alert(query, _refusal(weekly.Saved.ALREADY_SENT, _))
        return
    drafts, held = drafts_for(batch, week)
    sample = next((p for p in batch.pupils if p.homeroom), None) or (
        batch.pupils[0] if batch.pupils else None
    )
    _total, unlinked = await unlinked_families(visit.session, class_id)
    lines = [
        _("Preview of the notice to one family (each family sees only its own child):"),
        "",
        compose(sample, batch, week, _) if sample else "",
        "",
        "<b>"
        + _(
            "Notices ready for {count} pupils; held back: {held}; families not linked: {unlinked}."
        ).format(count=len(drafts), held=len(held), unlinked=len(unlinked))
        + "</b>",
    ]
    assert query.message is not None
    await context.bot.send_message(
        query.message.chat.id,
        "\n".join(lines),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.inline(
            [
                [
                    (_("Send now"), pack("wk", "send", class_id)),
                    (_("Edit"), pack("wk", "l", class_id, HOMEROOM)),
                ]
            ]
        ),
    )


async def _send_now(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    _ = visit._
    (result,) = await send_week(
        visit.session,
        visit.actor.school_id,
        week,
        class_ids=[class_id],
        by=visit.account.id,
        now=visit.now,
    )
    if result.already_sent:
        await query.edit_message_reply_markup(None)
        await alert(query, _refusal(weekly.Saved.ALREADY_SENT, _))
        return
    await tell_teachers(visit.session, visit.actor.school_id, week, [result])
    await visit.save()
    context.wake_sender()
    await query.edit_message_reply_markup(None)


_CLASS_ACTIONS = frozenset({"l", "n", "note", "hold", "xls", "pv", "send"})
_ACTIONS = {
    "l": _show_list,
    "p": _pupil,
    "q": _phrase,
    "n": _next,
    "note": _note,
    "hold": _hold,
    "xls": _sheet,
    "pv": _preview,
    "send": _send_now,
}


async def pending_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed comment or class note the person was asked for; False if none was."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_COMMENT, WAIT_NOTE):
        return False
    data = await pending.take(visit.session, visit.account.id, waiting.kind, visit.now)
    assert data is not None and message.text is not None
    _ = visit._
    week = await _week(visit, context)
    start = date.fromisoformat(str(data["week_start"]))
    if week is None or week.start != start:
        await message.reply_text(_("That week is over; please open /nhanxet again."))
        return True
    if waiting.kind == WAIT_NOTE:
        class_id = int(data["class_id"])
        text = None if message.text.strip() == "-" else message.text
        saved = await weekly.save_note(visit.session, visit.actor, class_id, start, text)
        if saved is not weekly.Saved.OK:
            await message.reply_text(_refusal(saved, _))
            return True
        reply, markup = await _class_list(visit, week, class_id, HOMEROOM)
        await message.reply_text(
            _("The class note is saved.") + "\n\n" + reply,
            reply_markup=markup,
            parse_mode=ParseMode.HTML,
        )
        return True
    student_id, subject = int(data["student_id"]), str(data["subject"])
    kind, code = _kind(subject)
    saved = await weekly.save_comment(
        visit.session, visit.actor, student_id, start, message.text, kind=kind, subject=code
    )
    if saved is not weekly.Saved.OK:
        await message.reply_text(_refusal(saved, _))
        if saved in (weekly.Saved.TOO_LONG, weekly.Saved.EMPTY):
            await pending.expect(  # let them try again for the same pupil
                visit.session,
                visit.account.id,
                visit.actor.school_id,
                WAIT_COMMENT,
                data,
                visit.now,
            )
        return True
    pupil_class = await weekly.pupil_class(visit.session, visit.actor.school_id, student_id)
    assert pupil_class is not None
    (name,) = [n for i, n, _k in await students_with_ids(visit.session, [student_id])]
    reply, markup = await next_prompt(visit, week, pupil_class, subject, after=student_id)
    saved_line = _("Saved the comment for {name}.").format(name=html.escape(name))
    await message.reply_text(
        saved_line + "\n\n" + reply, reply_markup=markup, parse_mode=ParseMode.HTML
    )
    return True


def is_comment_sheet(path: Path) -> bool:
    """Tell whether a file has the comments sheet's header (blocking)."""
    try:
        locate(read_rows(path), COMMENT_HEADERS, COMMENT_REQUIRED)
    except FileRefused:
        return False
    return True


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: Path, file_name: str
) -> bool:
    """Take a filled comments spreadsheet from a homeroom teacher; False if it is not one."""
    if not visit.actor.homeroom_classes or not await asyncio.to_thread(is_comment_sheet, path):
        return False
    _ = visit._
    week = await _week(visit, context)
    class_id = min(visit.actor.homeroom_classes)
    name = await class_name(visit.session, class_id) or ""
    if week is None:
        await message.reply_text(_("There is no teaching week ahead in the school calendar."))
        return True
    entries = await weekly.progress(visit.session, class_id, week.start)
    pupils = {e.code: e.name for e in entries}
    try:
        sheet = await asyncio.to_thread(parse_comment_sheet, path, name, week.start, pupils)
    except FileRefused as refused:
        await message.reply_text(str(describe(refused.problem, _)["reason"]))
        return True
    if sheet.problems:
        lines = [_("Nothing was saved: please fix these rows and send the file again.")]
        lines += [
            _("Row {row}, column {column}: {reason}").format(**describe(p, _))
            if p.row
            else str(describe(p, _)["reason"])
            for p in sheet.problems[:20]
        ]
        await message.reply_text("\n".join(lines))
        return True
    ids = {e.code: e.student_id for e in entries}
    texts = {
        ids[code]: comment + (f"\n{note}" if note else "")
        for code, (comment, note) in sheet.comments.items()
    }
    saved = await weekly.save_many(visit.session, visit.actor, class_id, week.start, texts)
    if saved is not weekly.Saved.OK:
        await message.reply_text(_refusal(saved, _))
        return True
    weekly.audit_import(visit.session, visit.actor, visit.who, class_id, week.start, len(texts))
    done = [e for e in await weekly.progress(visit.session, class_id, week.start) if e.comment]
    missing = summary_missing(pupils, [e.code for e in done])
    reply = _("Received {done}/{total} comments for {week}.").format(
        done=len(done), total=len(entries), week=week_label(week, _)
    )
    if missing:
        reply += " " + _("Still missing: {names}.").format(names=", ".join(missing))
    await message.reply_text(reply)
    return True


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers (typed texts and files come through the routers)."""
    return [
        CommandHandler("nhanxet", comments_command, filters=PRIVATE),
        on_press("wk", pressed),
    ]
