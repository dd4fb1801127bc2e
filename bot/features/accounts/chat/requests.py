"""Link requests in chat: the parent describes the child; the homeroom teacher (or an
administrator) chooses the child or refuses under the request the outbox brought them
(bot/features/accounts/news.py), and the parent's news goes through the outbox too."""

from __future__ import annotations

import html

from bot.core.context import BotContext, Visit
from bot.features.accounts import link_requests
from bot.features.accounts.buttons import LinkChild, RefuseLink
from bot.features.accounts.rules import Decision
from storage.models import LinkRequest


async def describe_child(visit: Visit, request: LinkRequest, text: str) -> None:
    """Take the child's name and class, then ask the class's homeroom teacher to decide."""
    _ = visit._
    if not await link_requests.describe(visit.session, request, text, visit.now):
        hint = _("Please write the child's full name and class, for example: Nguyễn Văn An 3A.")
        visit.reply(hint, as_html=False)
        return
    visit.wake_sender()
    thanks = _(
        "Thank you. Your request was sent to the homeroom teacher; you will get a message "
        "here as soon as it is confirmed."
    )
    visit.reply(thanks, as_html=False)


async def child_chosen(press: LinkChild, visit: Visit, context: BotContext) -> None:
    """Link the parent to the chosen pupil of the class, and tell them."""
    await _decide(visit, press.request_id, press.student_id)


async def refused(press: RefuseLink, visit: Visit, context: BotContext) -> None:
    """Refuse the request, and tell the parent to contact the homeroom teacher."""
    await _decide(visit, press.request_id, None)


async def _decide(visit: Visit, request_id: int, student_id: int | None) -> None:
    """Re-check the presser and the request, decide, and show what was done."""
    _ = visit._
    result = await link_requests.decide(
        visit.session, visit.actor, request_id, student_id, visit.now
    )
    if result.decision is Decision.NOT_ALLOWED:
        visit.alert(_("You cannot decide on this request."))
        return
    if result.decision is Decision.STALE:
        visit.edit(html.escape(_("This request was already handled.")))
        return
    visit.wake_sender()
    if student_id is None:
        visit.edit(html.escape(_("You refused this request.")))
    else:
        done = _("Linked to {name}.").format(name=result.student_name or "")
        visit.edit(html.escape(done))
