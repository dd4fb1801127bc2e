"""The questions of a feedback draft: the child, the recipient, the topic, anonymity for the
leaders, the text, then an optional photo or file. The draft lives in the person's pending
input (one of the kinds below), so a restart loses nothing."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.core import keyboards, limits, pending
from bot.core.context import Visit
from bot.features.feedback.buttons import (
    CancelFeedback,
    PickAnonymous,
    PickChild,
    PickRecipient,
    PickTopic,
    SendWithoutPhoto,
)
from bot.features.feedback.rules import TOPICS, Draft
from storage.queries import students_with_ids

WAIT_DRAFT = "feedback_draft"  # a question answered with buttons
WAIT_TEXT = "feedback_text"  # the text (or, for a long one, what to do with it)
WAIT_PHOTO = "feedback_photo"  # a photo or file, or "send without"
DRAFT_KINDS = (WAIT_DRAFT, WAIT_TEXT, WAIT_PHOTO)


def esc(text: str) -> str:
    """Escaped for Telegram HTML."""
    return html.escape(text, quote=False)


def cancel_button(visit: Visit, started: int) -> tuple[str, str]:
    """ "Huỷ" for the question opened by update `started`."""
    return visit._("Cancel"), CancelFeedback(started).data()


async def ask(visit: Visit, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the draft and ask its next question."""
    _ = visit._
    step = draft.next_step()
    kind = {"text": WAIT_TEXT, "long": WAIT_TEXT, "photo": WAIT_PHOTO}.get(step, WAIT_DRAFT)
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
    question, buttons = await _question(visit, step, draft.started)
    text = "\n".join([*(esc(line) for line in summary), "", "<b>" + esc(question) + "</b>"])
    cancel = cancel_button(visit, draft.started)
    return text.strip(), keyboards.choices(buttons, per_row=1, extra=[cancel])


async def _question(visit: Visit, step: str, started: int) -> tuple[str, list[tuple[str, str]]]:
    """The question of a step and its buttons."""
    _ = visit._
    if step == "child":
        pupils = await students_with_ids(visit.session, visit.actor.children)
        buttons = [(f"{name} ({klass})", PickChild(i, started).data()) for i, name, klass in pupils]
        return _("Which child is your feedback about?"), buttons
    if step == "to":
        return _("Who should receive it?"), [
            (_("Homeroom teacher"), PickRecipient(False, started).data()),
            (_("School leaders"), PickRecipient(True, started).data()),
        ]
    if step == "topic":
        topics = [
            (_(label), PickTopic(topic.value, started).data()) for topic, label in TOPICS.items()
        ]
        return _("What is it about?"), topics
    if step == "anon":
        question = _(
            "Send it anonymously? The school leaders then see only the class, not your child's "
            "name or yours."
        )
        return question, [
            (_("Send anonymously"), PickAnonymous(True, started).data()),
            (_("Send with my child's name"), PickAnonymous(False, started).data()),
        ]
    if step in ("text", "long"):
        question = _("Write your feedback in one message (at most {limit} characters).")
        return question.format(limit=limits.TEXT_LIMIT), []
    question = _(
        "You may add one photo (or a PDF, Word or Excel file) now, or send your feedback "
        "without it."
    )
    return question, [(_("Send without a photo"), SendWithoutPhoto(started).data())]
