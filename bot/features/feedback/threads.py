"""A parent's own feedback threads, as the web's "Phản hồi" page shows them (families who
cannot reach Telegram read the school's answers there)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from storage.models import Feedback, FeedbackMessage


async def threads_of(
    session: AsyncSession, actor: Actor, student_id: int, limit: int = 10
) -> list[tuple[Feedback, list[FeedbackMessage]]]:
    """The parent's own latest items about one child, newest first, each with its thread (the
    web's "Phản hồi" page shows the school's answers to families who do not use Telegram)."""
    items = list(
        await session.scalars(
            select(Feedback)
            .where(
                Feedback.school_id == actor.school_id,
                Feedback.account_id == actor.account.id,
                Feedback.student_id == student_id,
            )
            .order_by(Feedback.id.desc())
            .limit(limit)
        )
    )
    threads: dict[int, list[FeedbackMessage]] = {item.id: [] for item in items}
    if items:
        messages = await session.scalars(
            select(FeedbackMessage)
            .where(
                FeedbackMessage.school_id == actor.school_id,
                FeedbackMessage.feedback_id.in_(threads),
            )
            .order_by(FeedbackMessage.id)
        )
        for message in messages:
            threads[message.feedback_id].append(message)
    return [(item, threads[item.id]) for item in items]
