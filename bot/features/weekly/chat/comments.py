"""Weekly comments in chat (/nhanxet): one pupil at a time, quick phrases, the class-wide note.

Every "wk" button is routed here; the class list is in bot/features/weekly/chat/class_list.py, the
spreadsheet in weekly_sheet.py, the preview and "Gửi ngay" in weekly_send.py.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, pending
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.presses import alert
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import queries as weekly
from bot.features.weekly.chat.class_list import (
    HOMEROOM,
    class_list,
    comment_kind,
    current_week,
    mode_label,
    refusal,
    show_list,
    toggle_hold,
)
from bot.features.weekly.chat.sending import preview, send_now
from bot.features.weekly.chat.sheet import send_sheet
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE
WAIT_COMMENT = "weekly_comment"
WAIT_NOTE = "weekly_note"
PHRASES = (
    N_("Well behaved and keen to speak up in class."),
    N_("Completes the class exercises carefully and well."),
    N_("Reads aloud clearly; needs to practise neater handwriting."),
    N_("Needs to concentrate more and finish the exercises in class."),
    N_("Gets on well with classmates and likes to help them."),
)


async def comments_command(update: Update, context: BotContext) -> None:
    """Open the class list for this week's comments (or the choice of class and subject)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        week = await current_week(visit, context)
        if week is None:
            await message.reply_text(_("There is no teaching week ahead in the school calendar."))
            return
        modes = [(c, HOMEROOM) for c in sorted(visit.actor.homeroom_classes)]
        modes += sorted(visit.actor.teaching)
        if not modes:
            await message.reply_text(_("Weekly comments are written by the class's teachers."))
            return
        if len(modes) == 1:
            text, markup = await class_list(visit, week, *modes[0])
            await message.reply_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)
            return
        buttons = [
            (await mode_label(visit, class_id, subject), pack("wk", "l", class_id, subject))
            for class_id, subject in modes
        ]
        await message.reply_text(
            _("Which class and subject?"), reply_markup=keyboards.choices(buttons, per_row=2)
        )


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
        week = await current_week(visit, context)
        if week is None:
            await alert(query, visit._("There is no teaching week ahead in the school calendar."))
            return
        action = _ACTIONS.get(press.action)
        if action is None:
            return
        if press.action in _CLASS_ACTIONS:  # the first argument is a class: its teachers only
            subject = press.args[1] if press.action in ("l", "n") and len(press.args) > 1 else ""
            if not weekly.may_write(visit.actor, first, *comment_kind(subject or HOMEROOM)):
                await alert(query, visit._("This is not one of your classes."))
                return
        await action(query, visit, context, week, press, first)


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
    kind, code = comment_kind(subject)
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
    kind, code = comment_kind(subject)
    saved = await weekly.save_comment(
        visit.session, visit.actor, student_id, week.start, visit._(phrase), kind=kind, subject=code
    )
    if saved is not weekly.Saved.OK:
        await alert(query, refusal(saved, visit._))
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
    kind, code = comment_kind(subject)
    entries = await weekly.progress(visit.session, class_id, week.start, kind, code)
    order = [e.student_id for e in entries]
    start = order.index(after) + 1 if after in order else 0
    waiting = [e for e in entries[start:] + entries[:start] if not e.comment]
    if waiting:
        prompt = await ask_comment(visit, week, waiting[0].student_id, subject)
        if prompt is not None:
            return prompt
    await pending.clear(visit.session, visit.account.id)
    return await class_list(visit, week, class_id, subject)


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


_CLASS_ACTIONS = frozenset({"l", "n", "note", "hold", "xls", "pv", "send"})
_ACTIONS = {
    "l": show_list,
    "p": _pupil,
    "q": _phrase,
    "n": _next,
    "note": _note,
    "hold": toggle_hold,
    "xls": send_sheet,
    "pv": preview,
    "send": send_now,
}


async def pending_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed comment or class note the person was asked for; False if none was."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_COMMENT, WAIT_NOTE):
        return False
    data = await pending.take(visit.session, visit.account.id, waiting.kind, visit.now)
    assert data is not None and message.text is not None
    _ = visit._
    week = await current_week(visit, context)
    start = date.fromisoformat(str(data["week_start"]))
    if week is None or week.start != start:
        await message.reply_text(_("That week is over; please open /nhanxet again."))
        return True
    if waiting.kind == WAIT_NOTE:
        class_id = int(data["class_id"])
        text = None if message.text.strip() == "-" else message.text
        saved = await weekly.save_note(visit.session, visit.actor, class_id, start, text)
        if saved is not weekly.Saved.OK:
            await message.reply_text(refusal(saved, _))
            return True
        reply, markup = await class_list(visit, week, class_id, HOMEROOM)
        await message.reply_text(
            _("The class note is saved.") + "\n\n" + reply,
            reply_markup=markup,
            parse_mode=ParseMode.HTML,
        )
        return True
    student_id, subject = int(data["student_id"]), str(data["subject"])
    kind, code = comment_kind(subject)
    saved = await weekly.save_comment(
        visit.session, visit.actor, student_id, start, message.text, kind=kind, subject=code
    )
    if saved is not weekly.Saved.OK:
        await message.reply_text(refusal(saved, _))
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
