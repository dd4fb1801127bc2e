"""Feedback's scheduled work: each working morning `remind_due` reminds the recipients of
items unanswered for two working days (once per item); an item none of its recipients could
receive (they have not joined) goes to the leaders instead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.features.feedback import news
from bot.features.feedback.waiting import school_overdue, school_zone

# One schedule per working day: the schedules table holds one weekday per kind.


async def remind_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> list[int]:
    """Remind the recipients (or, when none has joined, the leaders), once, of each item
    unanswered for two working days."""
    reminded = []
    async with sessions() as session, session.begin():
        zone = await school_zone(session, school_id)
        for waiting in await school_overdue(session, school_id, now):
            item = waiting.item
            if item.reminded_at is not None:
                continue
            await news.remind(session, item, waiting.last, waiting.about, now, zone)
            item.reminded_at = now
            reminded.append(item.id)
    return reminded


def register() -> None:
    """Tell the scheduler what the feedback reminder kinds do."""
    schedules.register("feedback_reminder", schedules.job(remind_due))
