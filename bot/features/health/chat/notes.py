"""The nurse's weekly health note about one pupil: it goes into that week's notice to the family
behind a button (bot/features/weekly builds the notice)."""

from __future__ import annotations

import html
from datetime import date

from telegram import Message

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.calendar.queries import week_label
from bot.features.health import notes
from bot.features.health import queries as health
from bot.features.health.buttons import NotePupil
from bot.features.health.chat.entry import shown_name, typed
from bot.features.health.rules import NOT_FOR_YOU
from bot.features.weekly.rules import Saved, Told

NOTE = "health_note"  # pending kind: the note's text
SAVED = N_("Saved the health note for {name}.")
TOLD = {
    Told.ADDENDUM: N_(
        "Saved the health note for {name}. This week's contact book was already sent: the "
        "family will receive the note as an addendum in a few minutes."
    ),
    Told.NOBODY: N_(
        "Saved the health note for {name}. No parent of {name} has linked an account yet, so "
        "nobody was notified."
    ),
}


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
    ).format(name=await shown_name(visit, pupil.id), week=week_label(week, _))
    visit.edit(html.escape(prompt))


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Store the typed note for its pupil and week (after the week went out too: the family
    gets an addendum); False if no note was asked for."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != NOTE or not typed(message):
        return False
    _ = visit._
    student_id = int(str(waiting.data.get("student_id")))
    week_start = date.fromisoformat(str(waiting.data.get("week_start")))
    school_id = visit.actor.school_id
    week = await notes.week_starting(visit.session, school_id, week_start)
    if week is None:
        await pending.clear(visit.session, visit.account.id)
        visit.reply(_("The school calendar has no teaching week ahead."), as_html=False)
        return True
    saved, told = await notes.write_note(
        visit.session, visit.actor, student_id, week, message.text or "", visit.now
    )
    if saved in (Saved.EMPTY, Saved.TOO_LONG):
        # The pending note stays: the nurse sends it again, nothing typed is lost by a refusal.
        visit.reply(
            _("The note is empty or too long (at most 1,000 characters). Please send it again."),
            as_html=False,
        )
        return True
    await pending.clear(visit.session, visit.account.id)
    name = await shown_name(visit, student_id)
    if saved is Saved.NOT_ALLOWED:
        reply = _("You cannot write a health note for this pupil.")
    else:
        reply = _(TOLD.get(told, SAVED))
    if told is Told.ADDENDUM:
        visit.wake_sender()
    visit.reply(reply.format(name=name), as_html=False)
    return True
