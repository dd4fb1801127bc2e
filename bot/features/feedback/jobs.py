"""Feedback's messages to staff and its scheduled work.

A parent's message reaches the recipients at once (the handler sends it), or, outside the
homeroom teacher's hours, through the outbox at the start of the teacher's next hours. Each
working morning `remind_due` reminds the recipients of items unanswered for two working days.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.core.callbacks import pack
from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.calendar.queries import Calendar, load_calendar
from bot.features.feedback.queries import (
    ANSWER_WITHIN,
    LEADERS,
    TOPICS,
    About,
    add_working_days,
    parent_label,
)
from storage.models import (
    AccountState,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    TelegramAccount,
)

KIND = "feedback"
REPLY = N_("Reply")
HANDLED = N_("Mark as handled")
NEW = N_("Feedback #{id}: {topic}")
MORE = N_("More on feedback #{id}: {topic}")
REMINDER = N_("Reminder: feedback #{id} ({topic}) has waited {days} working days for an answer.")
# One schedule per working day: the schedules table holds one weekday per kind.


@dataclass(frozen=True, slots=True)
class Waiting:
    """An open item, since when it waits for the school, and the parent's last message."""

    item: Feedback
    since: datetime
    last: FeedbackMessage
    about: About


async def about(session: AsyncSession, item: Feedback) -> About:
    """The pupil's name and the item's class."""
    student = await session.scalar(select(Student.full_name).where(Student.id == item.student_id))
    klass = await session.scalar(select(SchoolClass.name).where(SchoolClass.id == item.class_id))
    return About(student or "?", klass or "?")


async def recipient_accounts(session: AsyncSession, item: Feedback) -> list[TelegramAccount]:
    """The linked accounts of the item's recipients."""
    staff = select(Staff.id).where(Staff.school_id == item.school_id)
    if item.to_leaders:
        staff = staff.join(StaffRole, StaffRole.staff_id == Staff.id).where(
            StaffRole.role.in_(LEADERS)
        )
    else:
        staff = staff.where(Staff.homeroom_class_id == item.class_id)
    return list(
        await session.scalars(
            select(TelegramAccount)
            .where(
                TelegramAccount.school_id == item.school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_(staff),
            )
            .order_by(TelegramAccount.id)
        )
    )


def staff_buttons(feedback_id: int) -> list[list[str]]:
    """(label msgid, callback data) of "Trả lời" and "Đã xử lý"."""
    return [[REPLY, pack("fb", "reply", feedback_id)], [HANDLED, pack("fb", "done", feedback_id)]]


def staff_text(
    item: Feedback, message: FeedbackMessage, about: About, _: Translator, heading: str
) -> str:
    """What the recipients read: a heading, the sender as the school may see them, the text."""
    return "\n".join(
        [
            "<b>"
            + html.escape(
                _(heading).format(id=item.id, topic=_(TOPICS[item.topic]), days=ANSWER_WITHIN)
            )
            + "</b>",
            html.escape(_("From: {sender}").format(sender=parent_label(item, about, _))),
            "",
            html.escape(message.text),
        ]
    )


async def queue_for_staff(
    session: AsyncSession,
    item: Feedback,
    message: FeedbackMessage,
    about: About,
    heading: str,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    """Queue a message to the item's recipients in the outbox (held until `not_before`)."""
    texts = {
        code: staff_text(item, message, about, translator(code), heading) for code in LANGUAGES
    }
    accounts = [account.id for account in await recipient_accounts(session, item)]
    kind, file_id = message.media_kind, message.media_file
    notice = await enqueue_notice(
        session,
        item.school_id,
        Audience.accounts(*accounts),
        KIND,
        texts["vi"],
        requires_ack=False,
        not_before=not_before,
        media=(kind, file_id) if kind and file_id else None,
        now=now,
    )
    notice.translations, notice.buttons = texts, staff_buttons(item.id)
    notice.ref = f"{KIND}:{item.id}"


async def unanswered(session: AsyncSession, school_id: int) -> list[Waiting]:
    """Every open item of the school, oldest first."""
    rows = await session.execute(
        select(Feedback, FeedbackMessage, Student.full_name, SchoolClass.name)
        .join(FeedbackMessage, FeedbackMessage.feedback_id == Feedback.id)
        .join(Student, Student.id == Feedback.student_id)
        .join(SchoolClass, SchoolClass.id == Feedback.class_id)
        .where(
            Feedback.school_id == school_id,
            Feedback.state == FeedbackState.OPEN,
            FeedbackMessage.from_parent,
        )
        .order_by(Feedback.id, FeedbackMessage.id)
    )
    last: dict[int, Waiting] = {}
    for item, message, student, klass in rows:
        since = max(message.created_at, item.deliver_at or message.created_at)
        last[item.id] = Waiting(item, since, message, About(student, klass))
    return list(last.values())


async def overdue(
    session: AsyncSession, school_id: int, now: datetime, zone: ZoneInfo, calendar: Calendar
) -> list[Waiting]:
    """Open items unanswered for ANSWER_WITHIN working days (or already reminded)."""
    return [
        waiting
        for waiting in await unanswered(session, school_id)
        if waiting.item.reminded_at is not None
        or add_working_days(waiting.since, ANSWER_WITHIN, zone, calendar) <= now
    ]


async def school_overdue(session: AsyncSession, school_id: int, now: datetime) -> list[Waiting]:
    """`overdue` in the school's own time zone and calendar."""
    school = await session.get(School, school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone)
    calendar = await load_calendar(session, school, now.astimezone(zone).date())
    return await overdue(session, school_id, now, zone, calendar)


async def counts(session: AsyncSession, school_id: int) -> dict[str, Counter[FeedbackTopic]]:
    """Items per class name and topic."""
    found: dict[str, Counter[FeedbackTopic]] = {}
    for klass, topic in await session.execute(
        select(SchoolClass.name, Feedback.topic)
        .join(SchoolClass, SchoolClass.id == Feedback.class_id)
        .where(Feedback.school_id == school_id)
    ):
        found.setdefault(klass, Counter())[topic] += 1
    return dict(sorted(found.items()))


async def remind_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> list[int]:
    """Remind the recipients, once, of each item unanswered for two working days."""
    reminded = []
    async with sessions() as session, session.begin():
        for waiting in await school_overdue(session, school_id, now):
            item = waiting.item
            if item.reminded_at is not None:
                continue
            await queue_for_staff(session, item, waiting.last, waiting.about, REMINDER, now)
            item.reminded_at = now
            reminded.append(item.id)
    return reminded


def register() -> None:
    """Tell the scheduler what the feedback reminder kinds do."""
    schedules.register("feedback_reminder", schedules.job(remind_due))
