"""Open feedback follows its class: when a staff import gives a class a new homeroom teacher
(the one before left), the items still waiting for an answer reach her, as leave requests do
(leave.news.follow_class)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.kept import audience_of
from bot.delivery.outbox import Audience
from bot.features.feedback import news, queries
from bot.features.feedback.recipients import recipient_staff
from storage.models import Feedback, FeedbackMessage, FeedbackState, Notice, School


async def follow_class(session: AsyncSession, school_id: int, class_id: int, now: datetime) -> int:
    """Queue the parent's messages of the class's open items (those to the homeroom teacher)
    for its homeroom teachers on the lists who never had them: at once if she has joined,
    else kept for her until she does. Nothing twice. Returns how many items were queued."""
    teachers = {
        staff_id for staff_id, _name in await recipient_staff(session, school_id, class_id, False)
    }
    if not teachers:
        return 0
    school = await session.get(School, school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone)
    items = await session.scalars(
        select(Feedback)
        .where(
            Feedback.school_id == school_id,
            Feedback.class_id == class_id,
            Feedback.to_leaders.is_(False),
            Feedback.state == FeedbackState.OPEN,
        )
        .order_by(Feedback.id)
    )
    queued = 0
    for item in items.all():
        sent = await session.scalars(
            select(Notice).where(
                Notice.school_id == school_id, Notice.ref == f"{news.KIND}:{item.id}"
            )
        )
        had = {staff_id for notice in sent.all() for staff_id in audience_of(notice).ids}
        newcomers = sorted(teachers - had)
        if not newcomers:
            continue
        messages = (
            await session.scalars(
                select(FeedbackMessage)
                .where(FeedbackMessage.feedback_id == item.id, FeedbackMessage.from_parent)
                .order_by(FeedbackMessage.id)
            )
        ).all()
        about = await queries.about(session, item)
        audience = Audience.staff_members(*newcomers)
        await news.to_staff(session, item, messages, about, news.NEW, now, zone, audience)
        queued += 1
    return queued
