"""The families' buttons: a child's check-up results and the nurse's weekly note, shown only to
those who may see the child's health (the child's guardians, the nurse, the school's leaders)."""

from __future__ import annotations

from bot.core.context import BotContext, Visit
from bot.features.health import queries as health
from bot.features.health.buttons import CheckDetails, NoteDetails
from bot.features.health.notices import details, note_details
from bot.features.health.rules import NOT_FOR_YOU


async def check_details(press: CheckDetails, visit: Visit, context: BotContext) -> None:
    """ "Xem chi tiết": the results in a message of their own."""
    found = await health.check_for(visit.session, visit.actor, press.check_id)
    if found is None:
        visit.alert(visit._(NOT_FOR_YOU))
        return
    visit.reply(details(*found, visit._))


async def note_details_shown(press: NoteDetails, visit: Visit, context: BotContext) -> None:
    """The nurse's weekly note about the child, in a message of its own."""
    found = await health.note_for(visit.session, visit.actor, press.note_id)
    if found is None:
        visit.alert(visit._(NOT_FOR_YOU))
        return
    visit.reply(note_details(*found, visit._))
