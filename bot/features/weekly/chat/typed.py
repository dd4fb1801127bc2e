"""Weekly comments typed in chat: the comment the prompt asked for, and the class-wide note."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import Message

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import queries as weekly
from bot.features.weekly import views
from bot.features.weekly.chat.buttons import HOMEROOM, ShowList, WriteNote
from bot.features.weekly.chat.class_list import (
    class_list,
    comment_kind,
    current_week,
    pressed_week,
    refusal,
)
from bot.features.weekly.chat.comments import WAIT_COMMENT, next_prompt
from bot.features.weekly.rules import Saved
from storage.models import CommentKind
from storage.queries import students_with_ids

WAIT_NOTE = "weekly_note"


async def write_note(press: WriteNote, visit: Visit, context: BotContext) -> None:
    """Ask for the note to all families of the class; the next text is the note."""
    _ = visit._
    week = await pressed_week(visit, context)
    if week is None:
        return
    page = await views.class_page(
        visit.session, visit.actor, press.class_id, week.start, CommentKind.HOMEROOM
    )
    if page is None:
        visit.alert(refusal(Saved.NOT_ALLOWED, _))
        return
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        WAIT_NOTE,
        {"class_id": press.class_id, "week_start": week.start.isoformat()},
        visit.now,
    )
    current = html.escape(page.note or _("(none yet)"))
    asked = _("Note to all families of the class for {week}:").format(week=week_label(week, _))
    how = _("Type the note and send it; send a single - to remove it.")
    back = keyboards.inline([[(_("Back to the list"), ShowList(press.class_id).data())]])
    visit.edit(f"{html.escape(asked)}\n<i>{current}</i>\n\n{html.escape(how)}", back)


async def pending_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed comment or class note the person was asked for; False if none was."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_COMMENT, WAIT_NOTE):
        return False
    kind = waiting.kind
    data = await pending.take(visit.session, visit.account.id, kind, visit.now)
    assert data is not None and message.text is not None
    week = await current_week(visit, context)
    if week is None or week.start != date.fromisoformat(str(data["week_start"])):
        visit.reply(visit._("That week is over; please open /nhanxet again."), as_html=False)
    elif kind == WAIT_NOTE:
        await take_note(visit, week, int(data["class_id"]), message.text)
    else:
        await take_comment(visit, week, data, message.text)
    return True


async def take_note(visit: Visit, week: TeachingWeek, class_id: int, text: str) -> None:
    """Save the class-wide note ("-" removes it) and show the list again."""
    _ = visit._
    note = None if text.strip() == "-" else text
    saved = await weekly.save_note(visit.session, visit.actor, class_id, week.start, note)
    screen = await class_list(visit, week, class_id, HOMEROOM)
    if saved is not Saved.OK or screen is None:
        visit.reply(refusal(saved, _), as_html=False)
        return
    visit.reply(html.escape(_("The class note is saved.")) + "\n\n" + screen[0], screen[1])


async def take_comment(
    visit: Visit,
    week: TeachingWeek,
    data: dict[str, Any],
    text: str,
) -> None:
    """Save a pupil's comment, then ask for the next pupil's (or show the list when done)."""
    _ = visit._
    student_id, subject = int(data["student_id"]), str(data["subject"])
    kind, code = comment_kind(subject)
    saved = await weekly.save_comment(
        visit.session, visit.actor, student_id, week.start, text, kind=kind, subject=code
    )
    if saved is not Saved.OK:
        visit.reply(refusal(saved, _), as_html=False)
        if saved in (Saved.TOO_LONG, Saved.EMPTY):  # let them try again for the same pupil
            await pending.expect(
                visit.session,
                visit.account.id,
                visit.actor.school_id,
                WAIT_COMMENT,
                data,
                visit.now,
            )
        return
    class_id = await weekly.pupil_class(visit.session, visit.actor.school_id, student_id)
    assert class_id is not None
    (name,) = [n for i, n, _k in await students_with_ids(visit.session, [student_id])]
    screen = await next_prompt(visit, week, class_id, subject, after=student_id)
    assert screen is not None  # the comment was just saved: the class is the person's
    saved_line = html.escape(_("Saved the comment for {name}.").format(name=name))
    visit.reply(saved_line + "\n\n" + screen[0], screen[1])
