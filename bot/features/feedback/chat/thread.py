"""Feedback, the parent's side once it is sent: where it went, "Trả lời" under the school's
answer, and the parent's next message in the thread (to the same recipients).

The draft is in bot/features/feedback/chat/parent.py, which routes every "fb" button and
typed answer.
"""

from __future__ import annotations

import html

from telegram import CallbackQuery, Message
from telegram.constants import ParseMode

from bot.core import keyboards, limits, pending
from bot.core.callbacks import pack
from bot.core.context import BotContext, Visit
from bot.core.datefmt import everyday
from bot.core.presses import alert
from bot.features.feedback import queries as feedback
from bot.features.feedback.chat import staff as feedback_staff
from bot.features.feedback.jobs import MORE, about
from storage.models import Feedback, FeedbackState

WAIT_MORE = "feedback_more"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _refusal(visit: Visit, problem: str) -> str:
    return limits.fill(problem, visit._(problem))


def sent_note(visit: Visit, context: BotContext, item: Feedback, info: feedback.About) -> str:
    """Where the parent's message went, and when the teacher will see it if held."""
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
            recipient=feedback.school_label(item, info, _)
        )
    )


async def ask_more(query: CallbackQuery, visit: Visit, context: BotContext, item_id: int) -> None:
    """The parent's "Trả lời" under the school's answer: the next text continues the thread."""
    _ = visit._
    item = await visit.session.get(Feedback, item_id)
    if item is None or not feedback.is_author(visit.actor, item):
        await alert(query, _(feedback.NOT_YOURS))
        return
    if item.state is FeedbackState.CLOSED:
        await alert(query, _("This feedback is closed; send /gopy to write a new one."))
        return
    data = {"feedback_id": item.id}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, WAIT_MORE, data, visit.now
    )
    prompt = _("Write your message about feedback #{id} (at most {limit} characters).")
    cancel = keyboards.inline([[(_("Cancel"), pack("fb", "cancel"))]])
    text = prompt.format(id=item.id, limit=limits.TEXT_LIMIT)
    await context.bot.send_message(
        visit.account.chat_id, _esc(text), reply_markup=cancel, parse_mode=ParseMode.HTML
    )


async def take_more(
    message: Message, visit: Visit, context: BotContext, item_id: int, text: str
) -> None:
    """The parent's next message in a thread goes to the same recipients."""
    item = await visit.session.get(Feedback, item_id)
    zone = context.settings.zone
    result = (
        await feedback.follow_up(visit.session, visit.actor, item, text, visit.now, zone)
        if item is not None
        else feedback.NOT_YOURS
    )
    if isinstance(result, str) or item is None:
        problem = str(result)
        if problem not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):
            await pending.clear(visit.session, visit.account.id)
        await message.reply_text(_refusal(visit, problem))
        return
    await pending.clear(visit.session, visit.account.id)
    info = await about(visit.session, item)
    await feedback_staff.deliver(context, visit, item, result, info, MORE)
    await message.reply_text(sent_note(visit, context, item, info), parse_mode=ParseMode.HTML)
