"""Leave requests' scheduled work: each working morning `remind_due` reminds the homeroom
teacher, once, of each request waiting two working days for her answer; a request she could
not receive (she has not joined the bot) goes to the leaders instead."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.features.calendar.queries import load_calendar
from bot.features.feedback.rules import add_working_days
from bot.features.leave import news
from bot.features.leave import queries as leave
from bot.features.leave.rules import ANSWER_WITHIN
from storage.models import School

KIND = "leave_reminder"  # the schedule kind (every school day, in the morning)


async def remind_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> list[int]:
    """Remind, once, of each request pending for ANSWER_WITHIN working days; the ids."""
    reminded = []
    async with sessions() as session, session.begin():
        school = await session.get(School, school_id)
        assert school is not None
        zone = ZoneInfo(school.timezone)
        calendar = await load_calendar(session, school, now.astimezone(zone).date())
        for request in await leave.pending(session, school_id):
            if add_working_days(request.created_at, ANSWER_WITHIN, zone, calendar) > now:
                continue
            if await leave.notice_with(session, school_id, f"leave_reminder:{request.id}"):
                continue
            await news.remind(session, request, now)
            reminded.append(request.id)
    return reminded


def register() -> None:
    """Tell the scheduler what the leave reminder kind does."""
    schedules.register(KIND, schedules.job(remind_due))
