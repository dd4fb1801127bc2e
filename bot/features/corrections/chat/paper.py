"""Before the first minutes: the administrator is asked, in a short typed flow, for what the
minutes need of the school and the school has not given (the governing body, the place in the
date line, the abbreviation in the number: settings.py); then the change is applied as if
"Đã cập nhật trên hệ thống" had just been pressed.
"""

from __future__ import annotations

import html

from telegram import Message

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads, rules
from bot.features.corrections import settings as paper
from bot.features.corrections.chat import applying
from bot.features.corrections.chat.card import expect, open_draft
from storage.models import CorrectionState, School

WAIT_PAPER = "corr_paper"
FIRST = N_(
    "Before the first minutes, the school's documents need a few details (Decree 30/2020); "
    "they are asked once."
)


async def fill_from_settings(visit: Visit, context: BotContext, school: School) -> None:
    """Take what the bot's configuration gives (SCHOOLBOT_SCHOOL_PLACE, _AUTHORITY) into the
    school's settings, where the school has nothing yet."""
    given = paper.school_paper(school)
    if given.place is None and context.settings.school_place:
        paper.keep(school, "place", context.settings.school_place)
    if given.governing_body is None and context.settings.school_authority:
        paper.keep(school, "governing_body", context.settings.school_authority.upper())


async def ask_first(visit: Visit, context: BotContext, request_id: int) -> bool:
    """Ask the administrator for the first missing detail before the change is applied; False
    when nothing is missing (or the press is not one the administrator may act on: the step
    answers it)."""
    school = await reads.school(visit.session, visit.actor.school_id)
    await fill_from_settings(visit, context, school)
    missing = paper.missing(school)
    if not missing or not rules.may_apply(visit.actor):
        return False
    request = await corrections.load(visit.session, visit.actor.school_id, request_id)
    if request.state is not CorrectionState.APPROVED:
        return False
    query = visit.query
    message_id = query.message.message_id if query and query.message else None
    await expect(visit, WAIT_PAPER, {"request": request_id, "message_id": message_id})
    _ = visit._
    visit.reply(html.escape(_(FIRST) + "\n" + _(paper.ASK[missing[0]])))
    return True


async def take_detail(message: Message, visit: Visit, context: BotContext) -> bool:
    """One typed detail: kept, then the next one asked, or the change applied."""
    data = await open_draft(visit, WAIT_PAPER)
    if data is None:
        return False
    _ = visit._
    school = await reads.school(visit.session, visit.actor.school_id)
    missing = paper.missing(school)
    if missing:
        value, problem = paper.checked(missing[0], message.text or "")
        if problem is not None:
            told = _(problem).format(limit=paper.LONGEST) + "\n" + _(paper.ASK[missing[0]])
            visit.reply(html.escape(told))
            return True
        assert value is not None
        paper.keep(school, missing[0], value)
        missing = missing[1:]
    if missing:
        visit.reply(html.escape(_(paper.ASK[missing[0]])))
        return True
    await pending.clear(visit.session, visit.account.id)
    message_id = data.get("message_id")
    await applying.apply_change(
        visit, context, int(data["request"]), int(message_id) if message_id else None
    )
    return True
