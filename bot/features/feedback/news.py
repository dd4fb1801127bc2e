"""What feedback tells other people, through the outbox in the step's own transaction.

A parent's message goes to the item's recipients at once, or, outside the homeroom teacher's
hours, held until the start of the next ones; a recipient who has not joined the bot yet gets
it when they join (the notice is kept), and the administrators are told who has not joined
(absent.py). A reminder goes each working morning; an item nobody could receive goes to the
leaders instead. The school's answer and the "handled" note go to the parent. Texts are HTML
in every language; nobody's identity crosses over (staff read "Phụ huynh em X (lớp 1A)", or
only the class when anonymous; parents read "Giáo viên chủ nhiệm lớp 1A" or "Ban giám hiệu").
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.kept import reached
from bot.delivery.outbox import Audience, enqueue_news, enqueue_notice
from bot.features.feedback import absent
from bot.features.feedback.buttons import Answer, Handled, WriteMore
from bot.features.feedback.recipients import parent_reachable, recipient_staff, recipients
from bot.features.feedback.rules import (
    ANSWER_WITHIN,
    KEPT_FOR,
    LEADERS,
    TOPICS,
    About,
    capital,
    parent_label,
    school_label,
    title,
)
from storage.models import Feedback, FeedbackMessage, Notice

KIND = "feedback"  # the outbox kind of a parent's message to staff (and its reminder)
ANSWER_KIND = "feedback_answer"  # the outbox kind of the school's news to the parent
REPLY = N_("Reply")
HANDLED = N_("Mark as handled")
NEW = None  # the heading of a new item: its title
MORE = N_("More on the {title}")
REMINDER = N_("Reminder: the {title} has waited {days} working days for an answer.")
PART = N_("part {number} of {count}")
NOBODY_JOINED = N_("{recipient} has not joined the contact book yet.")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def staff_buttons(feedback_id: int) -> list[tuple[str, str]]:
    """(label msgid, callback data) of "Trả lời" and "Đã xử lý"."""
    return [(REPLY, Answer(feedback_id).data()), (HANDLED, Handled(feedback_id).data())]


def staff_text(
    item: Feedback,
    message: FeedbackMessage,
    about: About,
    _: Translator,
    heading: str | None,
    zone: ZoneInfo,
    part: tuple[int, int] = (1, 1),
) -> str:
    """What the recipients read: a heading (the item's title when None), the sender as the
    school may see them, the text."""
    named = title(item, zone, _)
    top = capital(_(heading).format(title=named, days=ANSWER_WITHIN) if heading else named)
    if part[1] > 1:
        top += " (" + _(PART).format(number=part[0], count=part[1]) + ")"
    return "\n".join(
        [
            "<b>" + _esc(top) + "</b>",
            _esc(_("From: {sender}").format(sender=parent_label(item, about, _))),
            "",
            _esc(message.text),
        ]
    )


async def staff_audience(session: AsyncSession, item: Feedback) -> Audience:
    """The item's recipients as an audience resolved again when someone joins: the class's
    homeroom teacher on the lists, or whoever holds a leader's role."""
    if item.to_leaders:
        return Audience.staff(*LEADERS)
    staff = await recipient_staff(session, item.school_id, item.class_id, False)
    return Audience.staff_members(*(staff_id for staff_id, _name in staff))


async def to_staff(
    session: AsyncSession,
    item: Feedback,
    messages: Sequence[FeedbackMessage],
    about: About,
    heading: str | None,
    now: datetime,
    zone: ZoneInfo,
    audience: Audience | None = None,
) -> int:
    """Queue a parent's message (one notice per part, "Trả lời" and "Đã xử lý" under the last)
    for the item's recipients (or `audience`): at once, or held until the teacher's hours
    begin; kept for recipients who have not joined yet, and then the administrators are told.
    An attached photo goes as a photo, any other file as a document. Returns how many people
    it reaches now (0: it waits for them to join)."""
    audience = audience or await staff_audience(session, item)
    count, reach = len(messages), 0
    for number, message in enumerate(messages, start=1):
        texts = {
            code: staff_text(item, message, about, translator(code), heading, zone, (number, count))
            for code in LANGUAGES
        }
        kind, file_id = message.media_kind, message.media_file
        media = (kind, file_id) if kind and file_id else None
        last = number == count
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
            _finish(notice, item, texts, last)
        else:
            notice = await enqueue_news(
                session,
                item.school_id,
                audience,
                KIND,
                texts,
                buttons=staff_buttons(item.id) if last else (),
                media=media,
                created_by=message.author_id,
                now=now,
                kept_until=now + KEPT_FOR,
            )
            notice.ref = f"{KIND}:{item.id}"
        reach = await reached(session, notice)
    if not reach:
        await absent.tell_admins(session, item.school_id, item.class_id, item.to_leaders, now)
    return reach


async def remind(
    session: AsyncSession,
    item: Feedback,
    last: FeedbackMessage,
    about: About,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Queue the reminder of an item unanswered for ANSWER_WITHIN working days (quiet hours
    hold it like any notice); when none of its recipients has joined, the leaders get it
    instead (and, for an item to the leaders, the administrators), without buttons."""
    accounts = await recipients(session, item)
    kind, file_id = last.media_kind, last.media_file
    media = (kind, file_id) if kind and file_id else None
    if not accounts:
        await escalate(session, item, last, about, now, zone)
        return
    texts = {
        code: staff_text(item, last, about, translator(code), REMINDER, zone) for code in LANGUAGES
    }
    notice = await enqueue_notice(
        session,
        item.school_id,
        Audience.accounts(*accounts),
        KIND,
        texts["vi"],
        requires_ack=False,
        media=media,
        now=now,
    )
    _finish(notice, item, texts, True)


async def escalate(
    session: AsyncSession,
    item: Feedback,
    last: FeedbackMessage,
    about: About,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Tell the leaders (the administrators, for an item to the leaders) of an item nobody
    could receive: the reminder, and who has not joined."""
    audience = Audience.staff(*absent.ADMINS) if item.to_leaders else Audience.staff(*LEADERS)

    def text(_: Translator) -> str:
        missing = _(NOBODY_JOINED).format(recipient=school_label(item, about, _))
        reminder = staff_text(item, last, about, _, REMINDER, zone)
        return reminder + "\n\n<i>" + _esc(missing) + "</i>"

    texts = {code: text(translator(code)) for code in LANGUAGES}
    notice = await enqueue_notice(
        session,
        item.school_id,
        audience,
        KIND,
        texts["vi"],
        requires_ack=False,
        now=now,
    )
    notice.translations, notice.ref = texts, f"{KIND}:{item.id}"
    notice.kept_until = now + KEPT_FOR


def _finish(notice: Notice, item: Feedback, texts: dict[str, str], last: bool) -> None:
    notice.translations, notice.ref = texts, f"{KIND}:{item.id}"
    notice.buttons = [list(button) for button in staff_buttons(item.id)] if last else []


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
