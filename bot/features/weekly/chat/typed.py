"""Weekly comments typed in chat: the comment the prompt asked for, and the class-wide note."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import Message

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import views, writing
from bot.features.weekly.chat.buttons import HOMEROOM, ShowList, WriteNote
from bot.features.weekly.chat.class_list import (
    class_list,
    comment_kind,
    pressed_week,
    week_starting,
)
from bot.features.weekly.chat.comments import WAIT_COMMENT, new_ask, next_prompt
from bot.features.weekly.rules import Saved
from bot.features.weekly.wording import refusal, told_line
from storage.models import CommentKind

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
    ask = new_ask()
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        WAIT_NOTE,
        {"class_id": press.class_id, "week_start": week.start.isoformat(), "ask": ask},
        visit.now,
    )
    current = html.escape(page.note or _("(none yet)"))
    asked = _("Note to all families of the class for {week}:").format(week=week_label(week, _))
    how = _("Type the note and send it; send a single - to remove it.")
    back_to_list = ShowList(press.class_id, HOMEROOM, ask).data()
    back = keyboards.inline([[(_("Back to the list"), back_to_list)]])
    visit.edit(f"{html.escape(asked)}\n<i>{current}</i>\n\n{html.escape(how)}", back)


async def pending_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed comment or class note the person was asked for; False if none was."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_COMMENT, WAIT_NOTE):
        return False
    kind = waiting.kind
    data = await pending.take(visit.session, visit.account.id, kind, visit.now)
    assert data is not None and message.text is not None
    # The answer belongs to the question's own week, even if another week began since it was
    # asked: after that week's notice, the family gets it as an addendum.
    week = await week_starting(visit, context, date.fromisoformat(str(data["week_start"])))
    if kind == WAIT_NOTE:
        await take_note(visit, week, int(data["class_id"]), message.text)
    else:
        await take_comment(visit, week, data, message.text)
    return True


async def take_note(visit: Visit, week: TeachingWeek, class_id: int, text: str) -> None:
    """Save the class-wide note ("-" removes it) and show the list again."""
    _ = visit._
    note = None if text.strip() == "-" else text
    saved, told = await writing.write_note(
        visit.session, visit.actor, class_id, week, note, visit.now
    )
    screen = await class_list(visit, week, class_id, HOMEROOM)
    if saved is not Saved.OK or screen is None:
        visit.reply(refusal(saved, _), as_html=False)
        return
    lines = [_("The class note is saved."), told_line(told, "", _)]
    said = html.escape("\n".join(line for line in lines if line))
    visit.reply(said + "\n\n" + screen[0], screen[1])


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
    saved, told = await writing.write_comment(
        visit.session, visit.actor, student_id, week, text, kind=kind, subject=code, now=visit.now
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
    found = await views.pupil_entry(visit.session, visit.actor, student_id, week.start, kind, code)
    assert found is not None  # the comment was just saved: the pupil is the person's
    class_id, entry = found
    name = entry.label or entry.name
    screen = await next_prompt(visit, week, class_id, subject, after=student_id)
    assert screen is not None
    lines = [_("Saved the comment for {name}.").format(name=name), told_line(told, name, _)]
    said = html.escape("\n".join(line for line in lines if line))
    visit.reply(said + "\n\n" + screen[0], screen[1])
