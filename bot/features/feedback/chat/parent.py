"""Parents' feedback (/gopy, and "Phản hồi" under a notice): the child, the recipient, the
topic and anonymity for the leaders, chosen with buttons (ask.py asks); the text and an
optional photo or file are typed (typed.py); then it is queued for the school (sending.py).

Each button carries the update that opened its draft: a button of a draft already sent, or
replaced by a newer one, says so and changes nothing (late.py).
"""

from __future__ import annotations

from telegram import Update

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.features.feedback import queries as feedback
from bot.features.feedback import rules
from bot.features.feedback.buttons import (
    FromNotice,
    PickAnonymous,
    PickChild,
    PickRecipient,
    PickTopic,
    SendWithoutPhoto,
)
from bot.features.feedback.chat import late
from bot.features.feedback.chat.ask import DRAFT_KINDS, ask
from bot.features.feedback.chat.sending import refusal, store
from bot.features.feedback.rules import Draft
from storage.models import FeedbackTopic


async def feedback_command(update: Update, context: BotContext) -> None:
    """Start a feedback to the school."""
    async with context.visit(update) as visit:
        await open_feedback(visit)


async def open_feedback(visit: Visit, student_id: int | None = None) -> None:
    """Ask the first question of a new feedback (it replaces any draft still open)."""
    if not rules.may_write(visit.actor):
        visit.reply(visit._(rules.NOT_PARENT), as_html=False)
        return
    if await feedback.over_rate(visit.session, visit.account.id, visit.now):
        visit.reply(refusal(visit, limits.TOO_MANY), as_html=False)
        return
    if student_id is None and len(visit.actor.children) == 1:
        (student_id,) = visit.actor.children
    visit.reply(*await ask(visit, Draft(student_id=student_id, started=visit.update.update_id)))


async def from_notice_pressed(press: FromNotice, visit: Visit, context: BotContext) -> None:
    """ "Phản hồi" under a notice: a feedback about the notice's pupil, if it is the presser's."""
    mine, pupil = await feedback.notice_pupil(visit.session, visit.actor, press.delivery_id)
    if not mine:
        visit.alert(visit._(rules.NOT_YOURS))
        return
    await open_feedback(visit, pupil)


async def _draft_at(visit: Visit, context: BotContext, step: str, started: int) -> Draft | None:
    """The draft, if this press answers the question being asked (else the press is told:
    the draft was sent, replaced or closed, or the question already answered)."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in DRAFT_KINDS:
        visit.alert(await late.closed_draft(visit, context, started))
        return None
    draft = Draft.from_data(waiting.data)
    if started and draft.started != started:
        visit.alert(await late.was_sent(visit, context, started) or _(late.REPLACED))
        return None
    if draft.next_step() != step:
        visit.alert(_("This question is already answered; please use the latest message."))
        return None
    return draft


async def child_pressed(press: PickChild, visit: Visit, context: BotContext) -> None:
    """The child the feedback is about (only one of the presser's own)."""
    draft = await _draft_at(visit, context, "child", press.started)
    if draft is None:
        return
    if press.student_id not in visit.actor.children:
        visit.alert(visit._(rules.NOT_YOURS))
        return
    draft.student_id = press.student_id
    visit.edit(*await ask(visit, draft))


async def recipient_pressed(press: PickRecipient, visit: Visit, context: BotContext) -> None:
    """The homeroom teacher or the school leaders (anonymity is only for the leaders)."""
    draft = await _draft_at(visit, context, "to", press.started)
    if draft is None:
        return
    draft.to_leaders = press.leaders
    draft.anonymous = None if press.leaders else False
    visit.edit(*await ask(visit, draft))


async def topic_pressed(press: PickTopic, visit: Visit, context: BotContext) -> None:
    """The topic."""
    draft = await _draft_at(visit, context, "topic", press.started)
    if draft is None or press.topic not in {topic.value for topic in FeedbackTopic}:
        return
    draft.topic = FeedbackTopic(press.topic)
    visit.edit(*await ask(visit, draft))


async def anonymous_pressed(press: PickAnonymous, visit: Visit, context: BotContext) -> None:
    """Whether the leaders see only the class."""
    draft = await _draft_at(visit, context, "anon", press.started)
    if draft is None:
        return
    draft.anonymous = press.anonymous
    visit.edit(*await ask(visit, draft))


async def send_pressed(press: SendWithoutPhoto, visit: Visit, context: BotContext) -> None:
    """ "Gửi không kèm ảnh": the draft is stored and queued for the school."""
    draft = await _draft_at(visit, context, "photo", press.started)
    if draft is not None:
        visit.edit(await store(visit, context, draft))
