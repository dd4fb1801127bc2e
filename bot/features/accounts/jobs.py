"""Link requests' scheduled work: each working morning `remind_due` reminds the class's
homeroom teacher, once, of each request waiting two working days for her decision (counted
from when its card was queued); a request she could not receive (nobody holding the role has
joined the bot) goes to the leaders instead, and so does one still open two working days after
her reminder. What they are told is in bot/features/accounts/reminders.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.features.accounts import link_requests, news, reminders
from bot.features.calendar.queries import load_calendar
from bot.features.feedback.rules import ANSWER_WITHIN, add_working_days
from bot.features.leave.queries import notice_with
from storage.models import School

KIND = "link_request_reminder"  # the schedule kind (every school day, in the morning)


async def remind_due(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> list[int]:
    """Remind, once, of each request open for ANSWER_WITHIN working days, and tell the leaders
    of one still open as long after the reminder; the ids of the requests told about."""
    told = []
    async with sessions() as session, session.begin():
        school = await session.get(School, school_id)
        assert school is not None
        zone = ZoneInfo(school.timezone)
        calendar = await load_calendar(session, school, now.astimezone(zone).date())
        for request in await link_requests.waiting(session, school_id):
            card = await notice_with(session, school_id, news.ref(request))
            opened = card.created_at if card is not None else request.created_at
            if add_working_days(opened, ANSWER_WITHIN, zone, calendar) > now:
                continue
            if await notice_with(session, school_id, reminders.escalation_ref(request)):
                continue  # the leaders know
            reminded = await notice_with(session, school_id, reminders.reminder_ref(request))
            if reminded is None:
                await reminders.remind(session, request, now)
            elif add_working_days(reminded.created_at, ANSWER_WITHIN, zone, calendar) <= now:
                await reminders.escalate(session, request, now, reminded=True)
            else:
                continue
            told.append(request.id)
    return told


def register() -> None:
    """Tell the scheduler what the link request reminder kind does."""
    schedules.register(KIND, schedules.job(remind_due))
