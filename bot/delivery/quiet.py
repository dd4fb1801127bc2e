"""Quiet hours: routine notices wait for the morning; urgent ones go at once.

Per school, in `School.settings["quiet_hours"]` as {"start": "21:00", "end": "06:30"} in the
school's time zone; those are the defaults. An interval may cross midnight.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import School

log = logging.getLogger(__name__)

DEFAULT_START = time(21, 0)
DEFAULT_END = time(6, 30)


def parse_hours(settings: dict[str, object]) -> tuple[time, time]:
    """Return (start, end) from a school's settings, with the defaults for what is missing."""
    hours = settings.get("quiet_hours")
    if not isinstance(hours, dict):
        return DEFAULT_START, DEFAULT_END
    try:
        start = time.fromisoformat(str(hours.get("start", DEFAULT_START.isoformat("minutes"))))
        end = time.fromisoformat(str(hours.get("end", DEFAULT_END.isoformat("minutes"))))
    except ValueError:
        # A mistyped setting must not stop every school's sending: keep the defaults.
        log.warning("quiet_hours %r is not HH:MM-HH:MM; using the defaults", hours)
        return DEFAULT_START, DEFAULT_END
    return start, end


def is_quiet(moment: time, start: time, end: time) -> bool:
    """Tell whether a local time of day falls in [start, end), which may cross midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


async def quiet_schools(session: AsyncSession, now: datetime) -> list[int]:
    """Return the ids of the schools that are in their quiet hours at `now` (aware)."""
    quiet = []
    for school_id, zone, settings in await session.execute(
        select(School.id, School.timezone, School.settings)
    ):
        start, end = parse_hours(settings or {})
        local = now.astimezone(ZoneInfo(zone)).time()
        if is_quiet(local, start, end):
            quiet.append(school_id)
    return quiet
