"""Feedback, the parent's side once it is sent: where it went, "Trả lời" under the school's
answer, and the parent's next message in the thread (to the same recipients, through the
outbox).

The draft is in bot/features/feedback/chat/parent.py.
"""

from __future__ import annotations

import html

from telegram import Message

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.core.datefmt import everyday
from bot.features.feedback import news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.buttons import WriteMore
from bot.features.feedback.chat.staff import cancel_markup, wake_sender
from storage.models import Feedback

WAIT_MORE = "feedback_more"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def sent_note(visit: Visit, context: BotContext, item: Feedback, info: rules.About) -> str:
    """Where the parent's message went, and when the teacher will see it if held (HTML)."""
    _ = visit._
    if item.deliver_at is not None and item.deliver_at > visit.now:
        local = item.deliver_at.astimezone(context.settings.zone)
        return _esc(
            _("Saved. The teacher will see your message at {time}, {day}.").format(
                time=local.strftime("%H:%M"), day=everyday(local.date(), _)
            )
        )
    return _esc(
        _("Sent to {recipient}. The answer will come here, in this chat.").format(
            recipient=rules.school_label(item, info, _)
        )
    )


async def more_pressed(press: WriteMore, visit: Visit, context: BotContext) -> None:
    """The parent's "Trả lời" under the school's answer: the next text continues the thread."""
    _ = visit._
    item = await feedback.open_thread(visit.session, visit.actor, press.feedback_id)
    if isinstance(item, str):
        visit.alert(_(item))
        return
    data = {"feedback_id": item.id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_MORE, data, visit.now
    )
    prompt = _("Write your message about feedback #{id} (at most {limit} characters).")
    visit.reply(_esc(prompt.format(id=item.id, limit=limits.TEXT_LIMIT)), cancel_markup(visit))


async def take_more(message: Message, visit: Visit, context: BotContext) -> bool:
    """The parent's next message in a thread goes to the same recipients."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != WAIT_MORE:
        return False
    item = await feedback.item(visit.session, int(waiting.data["feedback_id"]))
    zone = context.settings.zone
    text = message.text or ""
    result = (
        await feedback.follow_up(visit.session, visit.actor, item, text, visit.now, zone)
        if item is not None
        else rules.NOT_YOURS
    )
    if isinstance(result, str) or item is None:
        problem = str(result)
        if problem not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):
            await pending.clear(visit.session, visit.account.id)
        visit.reply(limits.fill(problem, visit._(problem)), as_html=False)
        return True
    await pending.clear(visit.session, visit.account.id)
    info = await feedback.about(visit.session, item)
    await news.to_staff(visit.session, item, result, info, news.MORE, visit.now)
    wake_sender(visit, context)
    visit.reply(sent_note(visit, context, item, info))
    return True
