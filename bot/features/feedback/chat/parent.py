"""Parents' feedback (/gopy, and "Phản hồi" under a notice): the child, the recipient, the
topic, anonymity for the leaders, the text and an optional photo or file; then it is queued
for the school (bot/features/feedback/news.py).

The draft lives in the person's pending input, so a restart loses nothing. The school's side
is in staff.py; the parent's follow-ups in thread.py.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Message, Update

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.features.feedback import news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.buttons import (
    CancelFeedback,
    FromNotice,
    PickAnonymous,
    PickChild,
    PickRecipient,
    PickTopic,
    SendWithoutPhoto,
)
from bot.features.feedback.chat.staff import WAIT_REPLY, wake_sender
from bot.features.feedback.chat.thread import WAIT_MORE, sent_note
from bot.features.feedback.rules import TOPICS, Draft
from storage.models import FeedbackTopic
from storage.queries import students_with_ids

WAIT_DRAFT = "feedback_draft"
WAIT_TEXT = "feedback_text"
WAIT_PHOTO = "feedback_photo"
DRAFT_KINDS = (WAIT_DRAFT, WAIT_TEXT, WAIT_PHOTO)
ALL_KINDS = (*DRAFT_KINDS, WAIT_MORE, WAIT_REPLY)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _refusal(visit: Visit, problem: str) -> str:
    return limits.fill(problem, visit._(problem))


async def feedback_command(update: Update, context: BotContext) -> None:
    """Start a feedback to the school."""
    async with context.visit(update) as visit:
        await open_feedback(visit)


async def open_feedback(visit: Visit, student_id: int | None = None) -> None:
    """Ask the first question of a new feedback."""
    if not rules.may_write(visit.actor):
        visit.reply(visit._(rules.NOT_PARENT), as_html=False)
        return
    if await feedback.over_rate(visit.session, visit.account.id, visit.now):
        visit.reply(_refusal(visit, limits.TOO_MANY), as_html=False)
        return
    if student_id is None and len(visit.actor.children) == 1:
        (student_id,) = visit.actor.children
    visit.reply(*await _ask(visit, Draft(student_id=student_id)))


async def _ask(visit: Visit, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the draft and ask its next question."""
    _ = visit._
    step = draft.next_step()
    kind = {"text": WAIT_TEXT, "photo": WAIT_PHOTO}.get(step, WAIT_DRAFT)
    session, account = visit.session, visit.account
    await pending.expect(session, account.id, account.school_id, kind, draft.data(), visit.now)
    summary: list[str] = []
    if draft.student_id is not None:
        ((_id, name, klass),) = await students_with_ids(session, [draft.student_id])
        summary.append(
            _("About: {child} (class {class_name})").format(child=name, class_name=klass)
        )
    if draft.to_leaders is not None:
        to = _("School leaders") if draft.to_leaders else _("Homeroom teacher")
        summary.append(_("To: {recipient}").format(recipient=to))
    if draft.topic is not None:
        summary.append(_("Topic: {topic}").format(topic=_(TOPICS[draft.topic])))
    if draft.anonymous:
        summary.append(_("Anonymous: the school leaders see only the class."))
    question, buttons = await _question(visit, step)
    text = "\n".join([*(_esc(line) for line in summary), "", "<b>" + _esc(question) + "</b>"])
    cancel = (_("Cancel"), CancelFeedback().data())
    return text.strip(), keyboards.choices(buttons, per_row=1, extra=[cancel])


async def _question(visit: Visit, step: str) -> tuple[str, list[tuple[str, str]]]:
    """The question of a step and its buttons."""
    _ = visit._
    if step == "child":
        pupils = await students_with_ids(visit.session, visit.actor.children)
        buttons = [(f"{name} ({klass})", PickChild(i).data()) for i, name, klass in pupils]
        return _("Which child is your feedback about?"), buttons
    if step == "to":
        return _("Who should receive it?"), [
            (_("Homeroom teacher"), PickRecipient(False).data()),
            (_("School leaders"), PickRecipient(True).data()),
        ]
    if step == "topic":
        topics = [(_(label), PickTopic(topic.value).data()) for topic, label in TOPICS.items()]
        return _("What is it about?"), topics
    if step == "anon":
        question = _(
            "Send it anonymously? The school leaders then see only the class, not your child's "
            "name or yours."
        )
        return question, [
            (_("Send anonymously"), PickAnonymous(True).data()),
            (_("Send with my child's name"), PickAnonymous(False).data()),
        ]
    if step == "text":
        question = _("Write your feedback in one message (at most {limit} characters).")
        return question.format(limit=limits.TEXT_LIMIT), []
    question = _(
        "You may add one photo (or a PDF, Word or Excel file) now, or send your feedback "
        "without it."
    )
    return question, [(_("Send without a photo"), SendWithoutPhoto().data())]


async def from_notice_pressed(press: FromNotice, visit: Visit, context: BotContext) -> None:
    """ "Phản hồi" under a notice: a feedback about the notice's pupil, if it is the presser's."""
    mine, pupil = await feedback.notice_pupil(visit.session, visit.actor, press.delivery_id)
    if not mine:
        visit.alert(visit._(rules.NOT_YOURS))
        return
    await open_feedback(visit, pupil)


async def _draft_at(visit: Visit, step: str) -> Draft | None:
    """The draft, if this press answers the question being asked (else the press is told)."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in DRAFT_KINDS:
        visit.alert(_("This form is closed; send /gopy to start again."))
        return None
    draft = Draft.from_data(waiting.data)
    if draft.next_step() != step:
        visit.alert(_("This question is already answered; please use the latest message."))
        return None
    return draft


async def child_pressed(press: PickChild, visit: Visit, context: BotContext) -> None:
    """The child the feedback is about (only one of the presser's own)."""
    draft = await _draft_at(visit, "child")
    if draft is None:
        return
    if press.student_id not in visit.actor.children:
        visit.alert(visit._(rules.NOT_YOURS))
        return
    draft.student_id = press.student_id
    visit.edit(*await _ask(visit, draft))


async def recipient_pressed(press: PickRecipient, visit: Visit, context: BotContext) -> None:
    """The homeroom teacher or the school leaders (anonymity is only for the leaders)."""
    draft = await _draft_at(visit, "to")
    if draft is None:
        return
    draft.to_leaders = press.leaders
    draft.anonymous = None if press.leaders else False
    visit.edit(*await _ask(visit, draft))


async def topic_pressed(press: PickTopic, visit: Visit, context: BotContext) -> None:
    """The topic."""
    draft = await _draft_at(visit, "topic")
    if draft is None or press.topic not in {topic.value for topic in FeedbackTopic}:
        return
    draft.topic = FeedbackTopic(press.topic)
    visit.edit(*await _ask(visit, draft))


async def anonymous_pressed(press: PickAnonymous, visit: Visit, context: BotContext) -> None:
    """Whether the leaders see only the class."""
    draft = await _draft_at(visit, "anon")
    if draft is None:
        return
    draft.anonymous = press.anonymous
    visit.edit(*await _ask(visit, draft))


async def send_pressed(press: SendWithoutPhoto, visit: Visit, context: BotContext) -> None:
    """ "Gửi không kèm ảnh": the draft is stored and queued for the school."""
    draft = await _draft_at(visit, "photo")
    if draft is not None:
        visit.edit(await _store(visit, context, draft))


async def cancel_pressed(press: CancelFeedback, visit: Visit, context: BotContext) -> None:
    """ "Huỷ": the draft, the answer or the follow-up being written is dropped."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is not None and waiting.kind in ALL_KINDS:
        await pending.clear(visit.session, visit.account.id)
    visit.edit(_esc(visit._("Cancelled. Nothing was sent.")))


async def _store(
    visit: Visit, context: BotContext, draft: Draft, media: tuple[str, str] | None = None
) -> str:
    """Store a finished draft and queue it for the school; return what the parent is told."""
    zone = context.settings.zone
    result = await feedback.create(
        visit.session, visit.actor, draft, visit.now, visit.who, zone, media
    )
    if isinstance(result, str):
        if result not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):
            await pending.clear(visit.session, visit.account.id)
        return _esc(_refusal(visit, result))
    item, message = result
    await pending.clear(visit.session, visit.account.id)
    info = await feedback.about(visit.session, item)
    await news.to_staff(visit.session, item, message, info, news.NEW, visit.now)
    wake_sender(visit, context)
    return sent_note(visit, context, item, info)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer of the draft; False if the draft asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in DRAFT_KINDS:
        return False
    _ = visit._
    if waiting.kind == WAIT_TEXT:
        problem = limits.text_problem(message.text)
        if problem is not None:
            visit.reply(_refusal(visit, problem), as_html=False)
            return True
        draft = Draft.from_data(waiting.data)
        draft.text = message.text
        visit.reply(*await _ask(visit, draft))
    elif waiting.kind == WAIT_PHOTO:
        visit.reply(_("Send a photo, or press “Send without a photo”."), as_html=False)
    else:
        visit.reply(_("Please answer with the buttons above."), as_html=False)
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take the photo or file of the draft, by its file id (nothing is downloaded): a photo
    is forwarded as a photo, any other file as a document."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_TEXT, WAIT_PHOTO):
        return False
    draft = Draft.from_data(waiting.data)
    if waiting.kind == WAIT_TEXT:
        if not message.caption:
            visit.reply(
                visit._("Please write your feedback first; add the photo after."), as_html=False
            )
            return True
        draft.text = message.caption
    if message.photo:
        photo = message.photo[-1]
        media = ("photo", photo.file_id)
        problem = limits.file_problem(None, photo.file_size)
    elif message.document is not None:
        media = ("document", message.document.file_id)
        problem = limits.file_problem(message.document.file_name or "", message.document.file_size)
    else:
        return False
    problem = problem or limits.text_problem(draft.text)
    if problem is not None:
        visit.reply(_refusal(visit, problem), as_html=False)
        return True
    visit.reply(await _store(visit, context, draft, media))
    return True
