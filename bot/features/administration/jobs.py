"""The monthly anomaly report to the principal and vice principal, through the outbox.

The job runs every school-day morning. The first run in a month sends the previous month's
report; later runs find its notice (ref "anomalies:<yyyy-mm>") and send nothing, so a month
whose first days fall in a break, or while the bot was stopped, is reported on the next one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.core.i18n import LANGUAGES, translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.administration.anomalies import monthly_report, report_text
from bot.features.calendar.queries import load_calendar
from storage.models import Notice, Role, School

KIND = "anomalies"
SCHEDULE = "correction_anomalies"
READERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def previous_month(today: date) -> tuple[date, date]:
    """The first and last days of the month before `today`'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def ref(month: date) -> str:
    """The notice's ref for a month's report: "anomalies:2026-11"."""
    return f"{KIND}:{month:%Y-%m}"


async def send_monthly_report(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> bool:
    """Queue last month's report to the leaders unless it went already; True when queued."""
    async with sessions() as session, session.begin():
        school = await session.get(School, school_id)
        assert school is not None
        today = now.astimezone(ZoneInfo(school.timezone)).date()
        first_day, last_day = previous_month(today)
        calendar = await load_calendar(session, school, last_day)
        if today.weekday() >= 5 or calendar.break_on(today) is not None:
            return False
        sent = await session.scalar(
            select(Notice.id).where(Notice.school_id == school_id, Notice.ref == ref(first_day))
        )
        if sent is not None:
            return False
        report = await monthly_report(session, school_id, first_day, last_day, calendar)
        texts = {code: report_text(report, first_day, translator(code)) for code in LANGUAGES}
        notice = await enqueue_notice(
            session,
            school_id,
            Audience.staff(*READERS),
            KIND,
            texts["vi"],
            requires_ack=False,
            now=now,
        )
        notice.translations, notice.ref = texts, ref(first_day)
    return True


def register() -> None:
    """Tell the scheduler what the monthly anomaly report does."""
    schedules.register(SCHEDULE, schedules.job(send_monthly_report))
