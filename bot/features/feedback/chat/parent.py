"""Parents' feedback (/gopy, and "Phản hồi" under a notice): the child, the recipient, the
topic, anonymity for the leaders, the text and an optional photo; then the thread.

The draft lives in the person's pending input, so a restart loses nothing. The school's side
is in bot/features/feedback/chat/staff.py; the parent's follow-ups in feedback_thread.py.
"""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, limits, pending
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.presses import alert
from bot.delivery.outbox import notice_of
from bot.features.feedback import queries as feedback
from bot.features.feedback.chat import staff as feedback_staff
from bot.features.feedback.chat.thread import WAIT_MORE, ask_more, sent_note, take_more
from bot.features.feedback.jobs import NEW, about
from bot.features.feedback.queries import TOPICS, Draft
from storage.models import Delivery, Feedback, FeedbackTopic
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE
WAIT_DRAFT = "feedback_draft"
WAIT_TEXT = "feedback_text"
WAIT_PHOTO = "feedback_photo"
DRAFT_KINDS = (WAIT_DRAFT, WAIT_TEXT, WAIT_PHOTO)
ALL_KINDS = (*DRAFT_KINDS, WAIT_MORE, feedback_staff.WAIT_REPLY)
STEPS = {"kid": "child", "to": "to", "topic": "topic", "anon": "anon", "send": "photo"}


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _refusal(visit: Visit, problem: str) -> str:
    return limits.fill(problem, visit._(problem))


async def feedback_command(update: Update, context: BotContext) -> None:
    """Start a feedback to the school."""
    chat = update.effective_chat
    assert chat is not None
    async with context.visit(update) as visit:
        await open_feedback(context, visit, chat.id)


async def open_feedback(
    context: BotContext, visit: Visit, chat_id: int, student_id: int | None = None
) -> None:
    """Ask the first question of a new feedback (the menu's button calls this too)."""
    _ = visit._
    if not feedback.may_write(visit.actor):
        await context.bot.send_message(chat_id, _(feedback.NOT_PARENT))
        return
    if await limits.over_rate(
        visit.session, Feedback.account_id, Feedback.created_at, visit.account.id, visit.now
    ):
        await context.bot.send_message(chat_id, _refusal(visit, limits.TOO_MANY))
        return
    if student_id is None and len(visit.actor.children) == 1:
        (student_id,) = visit.actor.children
    text, markup = await _ask(visit, Draft(student_id=student_id))
    await context.bot.send_message(chat_id, text, reply_markup=markup, parse_mode=ParseMode.HTML)


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
    buttons: list[tuple[str, str]] = []
    if step == "child":
        pupils = await students_with_ids(session, visit.actor.children)
        buttons = [(f"{name} ({klass})", pack("fb", "kid", i)) for i, name, klass in pupils]
        question = _("Which child is your feedback about?")
    elif step == "to":
        buttons = [
            (_("Homeroom teacher"), pack("fb", "to", 0)),
            (_("School leaders"), pack("fb", "to", 1)),
        ]
        question = _("Who should receive it?")
    elif step == "topic":
        buttons = [(_(label), pack("fb", "topic", topic.value)) for topic, label in TOPICS.items()]
        question = _("What is it about?")
    elif step == "anon":
        buttons = [
            (_("Send anonymously"), pack("fb", "anon", 1)),
            (_("Send with my child's name"), pack("fb", "anon", 0)),
        ]
        question = _(
            "Send it anonymously? The school leaders then see only the class, not your child's "
            "name or yours."
        )
    elif step == "text":
        question = _("Write your feedback in one message (at most {limit} characters).").format(
            limit=limits.TEXT_LIMIT
        )
    else:
        buttons = [(_("Send without a photo"), pack("fb", "send"))]
        question = _(
            "You may add one photo (or a PDF, Word or Excel file) now, or send your feedback "
            "without it."
        )
    text = "\n".join([*(_esc(line) for line in summary), "", "<b>" + _esc(question) + "</b>"])
    markup = keyboards.choices(buttons, per_row=1, extra=[(_("Cancel"), pack("fb", "cancel"))])
    return text.strip(), markup


async def pressed(update: Update, context: BotContext) -> None:
    """Every feedback button: the draft's steps, the thread's "Trả lời", "Đã xử lý"."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        number = press.int_arg(0) if press.action in ("new", "more", "reply", "done") else 0
    except BadCallback:
        return
    async with context.visit(update) as visit:
        if press.action in ("reply", "done"):
            await feedback_staff.staff_pressed(query, visit, context, press, number)
        elif press.action == "new":
            await _from_notice(query, visit, context, number)
        elif press.action == "more":
            await ask_more(query, visit, context, number)
        elif press.action == "cancel":
            waiting = await pending.peek(visit.session, visit.account.id, visit.now)
            if waiting is not None and waiting.kind in ALL_KINDS:
                await pending.clear(visit.session, visit.account.id)
            await query.edit_message_text(visit._("Cancelled. Nothing was sent."))
        elif press.action in STEPS:
            await _step(query, visit, context, press)


async def _from_notice(
    query: CallbackQuery, visit: Visit, context: BotContext, delivery_id: int
) -> None:
    """Start a feedback about a notice's pupil ("Phản hồi"), if the notice is the presser's."""
    delivery = await visit.session.get(Delivery, delivery_id)
    if delivery is None or delivery.account_id != visit.account.id:
        await alert(query, visit._(feedback.NOT_YOURS))
        return
    pupil = feedback.pupil_of_ref((await notice_of(visit.session, delivery)).ref)
    student_id = pupil if pupil in visit.actor.children else None
    await open_feedback(context, visit, visit.account.chat_id, student_id)


async def _step(query: CallbackQuery, visit: Visit, context: BotContext, press: Callback) -> None:
    """Take one answer of the draft, if it is the question being asked."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in DRAFT_KINDS:
        await alert(query, _("This form is closed; send /gopy to start again."))
        return
    draft = Draft.from_data(waiting.data)
    if draft.next_step() != STEPS[press.action]:
        await alert(query, _("This question is already answered; please use the latest message."))
        return
    value = press.args[0] if press.args else ""
    if press.action == "kid":
        if not value.isdigit() or int(value) not in visit.actor.children:
            await alert(query, _(feedback.NOT_YOURS))
            return
        draft.student_id = int(value)
    elif press.action == "to":
        draft.to_leaders = value == "1"
        draft.anonymous = None if draft.to_leaders else False
    elif press.action == "topic":
        if value not in {topic.value for topic in FeedbackTopic}:
            return
        draft.topic = FeedbackTopic(value)
    elif press.action == "anon":
        draft.anonymous = value == "1"
    else:
        text = await _store(visit, context, draft)
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        return
    text, markup = await _ask(visit, draft)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def _store(
    visit: Visit, context: BotContext, draft: Draft, media: tuple[str, str] | None = None
) -> str:
    """Store and deliver a finished draft; return what the parent is told."""
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
    info = await about(visit.session, item)
    await feedback_staff.deliver(context, visit, item, message, info, NEW)
    return sent_note(visit, context, item, info)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer this feature asked for; False if it asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in ALL_KINDS:
        return False
    _ = visit._
    text = message.text or ""
    if waiting.kind == feedback_staff.WAIT_REPLY:
        return await feedback_staff.take_reply(message, visit, context, waiting.data)
    if waiting.kind == WAIT_MORE:
        await take_more(message, visit, context, int(waiting.data["feedback_id"]), text)
    elif waiting.kind == WAIT_TEXT:
        problem = limits.text_problem(text)
        if problem is not None:
            await message.reply_text(_refusal(visit, problem))
            return True
        draft = Draft.from_data(waiting.data)
        draft.text = text
        reply, markup = await _ask(visit, draft)
        await message.reply_text(reply, reply_markup=markup, parse_mode=ParseMode.HTML)
    elif waiting.kind == WAIT_PHOTO:
        await message.reply_text(_("Send a photo, or press “Send without a photo”."))
    else:
        await message.reply_text(_("Please answer with the buttons above."))
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document this feature asked for; False if it asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_TEXT, WAIT_PHOTO):
        return False
    _ = visit._
    draft = Draft.from_data(waiting.data)
    if waiting.kind == WAIT_TEXT:
        if not message.caption:
            await message.reply_text(_("Please write your feedback first; add the photo after."))
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
        await message.reply_text(_refusal(visit, problem))
        return True
    await message.reply_text(await _store(visit, context, draft, media), parse_mode=ParseMode.HTML)
    return True
