"""The nurse's weekly health note about one pupil: it goes into that week's notice to the family
behind a button (bot/features/weekly builds the notice)."""

from __future__ import annotations

import html
from datetime import date

from telegram import Message

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.features.calendar.queries import week_label
from bot.features.health import queries as health
from bot.features.health.buttons import NotePupil
from bot.features.health.chat.entry import typed
from bot.features.health.rules import NOT_FOR_YOU
from bot.features.weekly.queries import Saved, save_comment
from storage.models import CommentKind

NOTE = "health_note"  # pending kind: the note's text


async def note_pupil(press: NotePupil, visit: Visit, context: BotContext) -> None:
    """Ask for the chosen pupil's note for the week comments are written for."""
    _ = visit._
    pupil = await health.nurse_pupil(visit.session, visit.actor, press.student_id)
    if pupil is None:
        visit.alert(_(NOT_FOR_YOU))
        return
    today = context.today(visit.now)
    week = await health.teaching_week(visit.session, visit.actor.school_id, today)
    if week is None:
        visit.edit(html.escape(_("The school calendar has no teaching week ahead.")))
        return
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        NOTE,
        {"student_id": pupil.id, "week_start": week.start.isoformat()},
        visit.now,
    )
    prompt = _(
        "Write the health note for {name} ({week}) in one message. It will be in that "
        "week's notice to the family."
    ).format(name=pupil.full_name, week=week_label(week, _))
    visit.edit(html.escape(prompt))


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Store the typed note for its pupil and week; False if no note was asked for."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != NOTE or not typed(message):
        return False
    _ = visit._
    student_id = int(str(waiting.data.get("student_id")))
    week_start = date.fromisoformat(str(waiting.data.get("week_start")))
    saved = await save_comment(
        visit.session,
        visit.actor,
        student_id,
        week_start,
        message.text or "",
        kind=CommentKind.HEALTH,
    )
    if saved in (Saved.EMPTY, Saved.TOO_LONG):
        visit.reply(
            _("The note is empty or too long (at most 1,000 characters). Please send it again."),
            as_html=False,
        )
        return True
    await pending.clear(visit.session, visit.account.id)
    name = await health.pupil_name(visit.session, student_id)
    replies = {
        Saved.OK: _("Saved the health note for {name}."),
        Saved.ALREADY_SENT: _(
            "This week's notice for the class has already been sent; the note was not saved."
        ),
        Saved.NOT_ALLOWED: _("You cannot write a health note for this pupil."),
    }
    visit.reply(replies[saved].format(name=name), as_html=False)
    return True
