"""Feedback, the school's side: "Trả lời" and "Đã xử lý" under a parent's message, and the
typed answer; the parent's news goes through the outbox (bot/features/feedback/news.py).

Nobody's identity crosses over: staff see "Phụ huynh em X (lớp 1A)" (or only the class when
anonymous), parents see "Giáo viên chủ nhiệm lớp 1A" or "Ban giám hiệu".
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Message

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.feedback import news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.buttons import Answer, CancelFeedback, Handled
from bot.features.feedback.chat import long
from storage.models import Feedback

WAIT_REPLY = "feedback_reply"
ANSWER_PROMPT = N_(
    "Write your answer to the {title}. The family gets it from “{sender}”, without your name "
    "or phone number."
)
MARKED = N_("The {title} is marked as handled.")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def cancel_markup(visit: Visit, started: int) -> InlineKeyboardMarkup:
    """The one "Huỷ" button under a question that waits for a typed text."""
    return keyboards.inline([[(visit._("Cancel"), CancelFeedback(started).data())]])


async def answer_pressed(press: Answer, visit: Visit, context: BotContext) -> None:
    """ "Trả lời": ask for the answer, which the next text gives."""
    _ = visit._
    item = await feedback.to_answer(visit.session, visit.actor, press.feedback_id)
    if isinstance(item, str):
        visit.alert(_(item))
        return
    started = visit.update.update_id
    data = {"feedback_id": item.id, "started": started}
    account = visit.account
    await pending.expect(visit.session, account.id, account.school_id, WAIT_REPLY, data, visit.now)
    info = await feedback.about(visit.session, item)
    prompt = _(ANSWER_PROMPT).format(
        title=rules.title(item, context.settings.zone, _),
        sender=rules.school_label(item, info, _),
    )
    visit.reply(_esc(prompt), cancel_markup(visit, started))


async def handled_pressed(press: Handled, visit: Visit, context: BotContext) -> None:
    """ "Đã xử lý": close the item and tell the parent; the message loses its buttons."""
    _ = visit._
    item = await feedback.item(visit.session, press.feedback_id)
    problem = rules.NOT_YOURS if item is None else None
    if item is not None:
        problem = feedback.close(visit.session, visit.actor, item, visit.now, visit.who)
    if problem is not None or item is None:
        visit.alert(_(problem or rules.NOT_YOURS))
        return
    await feedback.stop_keeping(visit.session, item)
    info = await feedback.about(visit.session, item)
    told = await news.to_parent(
        visit.session,
        item,
        news.handled_text(item, info),
        more=False,
        created_by=visit.account.id,
        now=visit.now,
    )
    visit.wake_sender()
    visit.edit_markup(None)
    done = _(MARKED).format(title=rules.title(item, context.settings.zone, _))
    if not told:
        done += " " + _("The family cannot be reached through the bot now.")
    visit.reply(_esc(rules.capital(done)))


async def take_reply(message: Message, visit: Visit, context: BotContext) -> bool:
    """Store a typed answer, queue it for the parent with "Trả lời", and confirm; a text over
    the limit is kept and the teacher offered to shorten or split it."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != WAIT_REPLY:
        return False
    if await long.take(message, visit, waiting, long.STAFF):
        return True
    await finish_reply(visit, context, [message.text or ""], dict(waiting.data))
    return True


async def finish_reply(
    visit: Visit, context: BotContext, texts: list[str], data: dict[str, object]
) -> None:
    """Store the answer (in one or more parts) and queue each part for the parent."""
    _ = visit._
    item = await feedback.item(visit.session, int(str(data["feedback_id"])))
    if item is None:
        await pending.clear(visit.session, visit.account.id)
        visit.reply(_(rules.NOT_YOURS), as_html=False)
        return
    started = int(str(data.get("started") or 0))
    for text in texts:
        result = await feedback.reply(
            visit.session, visit.actor, item, text, visit.now, visit.who, started
        )
        if isinstance(result, str):
            if result not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):  # else try again
                await pending.clear(visit.session, visit.account.id)
            visit.reply(limits.fill(result, _(result)), as_html=False)
            return
    await pending.clear(visit.session, visit.account.id)
    told = await _tell_parent(visit, item, texts)
    visit.reply(
        _("Your answer was sent to the family.")
        if told
        else _("Your answer is saved, but the family cannot be reached through the bot now."),
        as_html=False,
    )


async def _tell_parent(visit: Visit, item: Feedback, texts: list[str]) -> bool:
    """Queue each part of the answer for the parent ("Trả lời" under each)."""
    info = await feedback.about(visit.session, item)
    told = False
    for text in texts:
        told = await news.to_parent(
            visit.session,
            item,
            news.answer_text(item, info, text),
            more=True,
            created_by=visit.account.id,
            now=visit.now,
        )
    visit.wake_sender()
    return told
