"""What feedback tells other people, through the outbox in the step's own transaction.

A parent's message goes to the item's recipients at once, or, outside the homeroom teacher's
hours, held until the start of the next ones; a reminder goes each working morning. The
school's answer and the "handled" note go to the parent. Texts are HTML in every language;
nobody's identity crosses over (staff read "Phụ huynh em X (lớp 1A)", or only the class when
anonymous; parents read "Giáo viên chủ nhiệm lớp 1A" or "Ban giám hiệu").
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_news, enqueue_notice
from bot.features.feedback.buttons import Answer, Handled, WriteMore
from bot.features.feedback.queries import parent_reachable, recipients
from bot.features.feedback.rules import ANSWER_WITHIN, TOPICS, About, parent_label, school_label
from storage.models import Feedback, FeedbackMessage, Notice

KIND = "feedback"  # the outbox kind of a parent's message to staff (and its reminder)
ANSWER_KIND = "feedback_answer"  # the outbox kind of the school's news to the parent
REPLY = N_("Reply")
HANDLED = N_("Mark as handled")
NEW = N_("Feedback #{id}: {topic}")
MORE = N_("More on feedback #{id}: {topic}")
REMINDER = N_("Reminder: feedback #{id} ({topic}) has waited {days} working days for an answer.")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def staff_buttons(feedback_id: int) -> list[tuple[str, str]]:
    """(label msgid, callback data) of "Trả lời" and "Đã xử lý"."""
    return [(REPLY, Answer(feedback_id).data()), (HANDLED, Handled(feedback_id).data())]


def staff_text(
    item: Feedback, message: FeedbackMessage, about: About, _: Translator, heading: str
) -> str:
    """What the recipients read: a heading, the sender as the school may see them, the text."""
    title = _(heading).format(id=item.id, topic=_(TOPICS[item.topic]), days=ANSWER_WITHIN)
    return "\n".join(
        [
            "<b>" + _esc(title) + "</b>",
            _esc(_("From: {sender}").format(sender=parent_label(item, about, _))),
            "",
            _esc(message.text),
        ]
    )


async def to_staff(
    session: AsyncSession,
    item: Feedback,
    message: FeedbackMessage,
    about: About,
    heading: str,
    now: datetime,
) -> None:
    """Queue a parent's message for the item's recipients, with "Trả lời" and "Đã xử lý": at
    once, or held until the teacher's hours begin. An attached photo goes as a photo, any
    other file as a document (Telegram refuses a document's file id as a photo)."""
    accounts = await recipients(session, item)
    if not accounts:
        return
    texts = {
        code: staff_text(item, message, about, translator(code), heading) for code in LANGUAGES
    }
    kind, file_id = message.media_kind, message.media_file
    media = (kind, file_id) if kind and file_id else None
    audience = Audience.accounts(*accounts)
    if item.deliver_at is not None and item.deliver_at > now:
        notice = await enqueue_notice(
            session,
            item.school_id,
            audience,
            KIND,
            texts["vi"],
            requires_ack=False,
            not_before=item.deliver_at,
            media=media,
            now=now,
        )
        _finish(notice, item, texts)
        return
    notice = await enqueue_news(
        session,
        item.school_id,
        audience,
        KIND,
        texts,
        buttons=staff_buttons(item.id),
        media=media,
        created_by=message.author_id,
        now=now,
    )
    notice.ref = f"{KIND}:{item.id}"


async def remind(
    session: AsyncSession, item: Feedback, last: FeedbackMessage, about: About, now: datetime
) -> None:
    """Queue the reminder of an item unanswered for ANSWER_WITHIN working days (quiet hours
    hold it like any notice)."""
    accounts = await recipients(session, item)
    if not accounts:
        return
    texts = {code: staff_text(item, last, about, translator(code), REMINDER) for code in LANGUAGES}
    kind, file_id = last.media_kind, last.media_file
    notice = await enqueue_notice(
        session,
        item.school_id,
        Audience.accounts(*accounts),
        KIND,
        texts["vi"],
        requires_ack=False,
        media=(kind, file_id) if kind and file_id else None,
        now=now,
    )
    _finish(notice, item, texts)


def _finish(notice: Notice, item: Feedback, texts: dict[str, str]) -> None:
    notice.translations, notice.ref = texts, f"{KIND}:{item.id}"
    notice.buttons = [list(button) for button in staff_buttons(item.id)]


async def to_parent(
    session: AsyncSession,
    item: Feedback,
    lines: Callable[[Translator], str],
    *,
    more: bool,
    created_by: int,
    now: datetime,
) -> bool:
    """Queue news for the item's parent, built in each language; False if unreachable.

    With `more`, the news carries "Trả lời", for the parent's next message in the thread.
    """
    if item.account_id is None or not await parent_reachable(session, item):
        return False
    texts = {code: lines(translator(code)) for code in LANGUAGES}
    buttons = [(REPLY, WriteMore(item.id).data())] if more else []
    await enqueue_news(
        session,
        item.school_id,
        Audience.accounts(item.account_id),
        ANSWER_KIND,
        texts,
        buttons=buttons,
        created_by=created_by,
        now=now,
    )
    return True


def answer_text(item: Feedback, about: About, text: str) -> Callable[[Translator], str]:
    """The school's answer as the parent reads it, in a given language."""

    def lines(_: Translator) -> str:
        heading = _("The school replies to your feedback about {child} ({topic}):")
        sender = school_label(item, about, _)
        return "\n".join(
            [
                "<b>"
                + _esc(heading.format(child=about.student, topic=_(TOPICS[item.topic])))
                + "</b>",
                "<i>" + _esc(sender) + "</i>",
                _esc(text),
            ]
        )

    return lines


def handled_text(item: Feedback, about: About) -> Callable[[Translator], str]:
    """The parent's note that the item was marked handled, in a given language."""

    def lines(_: Translator) -> str:
        return _esc(
            _(
                "{sender} has marked your feedback about {child} ({topic}) as handled. Thank "
                "you for writing to the school."
            ).format(
                sender=school_label(item, about, _),
                child=about.student,
                topic=_(TOPICS[item.topic]),
            )
        )

    return lines
