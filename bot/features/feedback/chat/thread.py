"""Feedback, the parent's side once it is sent: "Trả lời" under the school's answer, and the
parent's next message in the thread (to the same recipients, through the outbox).

The draft is in ask.py and parent.py; where a sent message went is told by sending.py.
"""

from __future__ import annotations

from telegram import Message

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.feedback import news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.buttons import WriteMore
from bot.features.feedback.chat import long
from bot.features.feedback.chat.ask import esc
from bot.features.feedback.chat.sending import sent_note
from bot.features.feedback.chat.staff import cancel_markup

WAIT_MORE = "feedback_more"
MORE_PROMPT = N_("Write your message about the {title} (at most {limit} characters).")


async def more_pressed(press: WriteMore, visit: Visit, context: BotContext) -> None:
    """The parent's "Trả lời" under the school's answer: the next text continues the thread."""
    _ = visit._
    item = await feedback.open_thread(visit.session, visit.actor, press.feedback_id)
    if isinstance(item, str):
        visit.alert(_(item))
        return
    started = visit.update.update_id
    data = {"feedback_id": item.id, "started": started}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_MORE, data, visit.now
    )
    named = rules.title(item, context.settings.zone, _)
    prompt = _(MORE_PROMPT).format(title=named, limit=limits.TEXT_LIMIT)
    visit.reply(esc(prompt), cancel_markup(visit, started))


async def take_more(message: Message, visit: Visit, context: BotContext) -> bool:
    """The parent's next message in a thread goes to the same recipients; a text over the
    limit is kept and the parent offered to shorten or split it."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != WAIT_MORE:
        return False
    if await long.take(message, visit, waiting, long.PARENT):
        return True
    await finish_more(visit, context, [message.text or ""], dict(waiting.data))
    return True


async def finish_more(
    visit: Visit, context: BotContext, texts: list[str], data: dict[str, object]
) -> None:
    """Add the parent's message (in one or more parts) to the thread and queue it."""
    item = await feedback.item(visit.session, int(str(data["feedback_id"])))
    zone = context.settings.zone
    started = int(str(data.get("started") or 0))
    result = (
        await feedback.follow_up(visit.session, visit.actor, item, texts, visit.now, zone, started)
        if item is not None
        else rules.NOT_YOURS
    )
    if isinstance(result, str) or item is None:
        problem = str(result)
        if problem not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):
            await pending.clear(visit.session, visit.account.id)
        visit.reply(limits.fill(problem, visit._(problem)), as_html=False)
        return
    await pending.clear(visit.session, visit.account.id)
    info = await feedback.about(visit.session, item)
    reached = await news.to_staff(visit.session, item, result, info, news.MORE, visit.now, zone)
    visit.wake_sender()
    visit.reply(sent_note(visit, context, item, info, reached))
