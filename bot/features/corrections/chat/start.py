"""A correction request opened from a deep link (`/start sd-...`, deep_link.py): the web's
assessment grid links each locked cell here. The link is only a shortcut through /suadiem's
first steps: the teacher, the pupil and the item are checked again exactly as the buttons are,
and the form goes on at the new value (presses.begin_item)."""

from __future__ import annotations

from telegram import Update

from bot.core.context import BotContext
from bot.core.i18n import N_
from bot.features.corrections import deep_link, reads
from bot.features.corrections.chat.draft import year_of
from bot.features.corrections.chat.presses import NOT_TEACHER, begin_item
from bot.features.corrections.rules import NOT_YOURS, Refused, classes_in_scope

NOT_A_REQUEST = N_(
    "This link does not open a correction request: it may be incomplete. Send /suadiem to "
    "start one."
)
OLD_YEAR = N_(
    "This link is from the school year {year}; requests are filed for this school year only. "
    "Send /suadiem to start one."
)


async def start_link(update: Update, context: BotContext) -> None:
    """/start sd-...: the correction request of one pupil's item, at its new value."""
    asked = deep_link.read(context.args[0] if context.args else "")
    async with context.visit(update) as visit:
        _ = visit._
        if asked is None:
            visit.reply(_(NOT_A_REQUEST), as_html=False)
            return
        if not classes_in_scope(visit.actor):
            visit.reply(_(NOT_TEACHER), as_html=False)
            return
        if asked.school_year != year_of(context, visit):
            visit.reply(_(OLD_YEAR).format(year=asked.school_year), as_html=False)
            return
        found = await reads.pupil_in_scope(visit.session, visit.actor, asked.student_id)
        if found is None:
            visit.reply(_(NOT_YOURS), as_html=False)
            return
        try:
            text, markup = await begin_item(
                visit, context, found[0], asked.period, asked.item, flow=""
            )
        except Refused as refused:
            visit.reply(refused.message(_), as_html=False)
            return
        visit.reply(text, markup)
