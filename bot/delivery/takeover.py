"""Taking over a dead sender's deliveries without waiting out their lease.

A sender claims a batch (state `sending`, `lease_until` = now + the lease, 120 s by default)
before sending it. When that process dies, another takes the bot's lock
(bot/delivery/leader.py) within seconds, but the claimed rows would wait for their lease: a
killed worker would hold up to a batch of a district's alert for two minutes. Since only the
lock's holder sends, the rows claimed before the new holder took the lock belong to a process
that no longer holds it; after a grace (a holder cut off from the database finishes at most the
batch in its hands, about two seconds at Telegram's pace) their leases are ended, and the next
claim takes them. What was in flight at the kill may be sent twice, as after a lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.leader import Leadership
from storage.models import Delivery, DeliveryState

log = logging.getLogger(__name__)

GRACE_SECONDS = 10.0


async def leads(
    leadership: Leadership,
    sessions: async_sessionmaker[AsyncSession],
    school_id: int | None,
    clock: Callable[[], datetime],
) -> bool:
    """Whether this process sends now; once it has led for the grace after taking the lock,
    the deliveries claimed by the previous holder are let go."""
    try:
        leading = await leadership.check()
    except Exception:
        log.exception("could not check the sender's leadership")
        return False
    if leading and leadership.shared and leadership.took_over(GRACE_SECONDS):
        ended = await end_leases(sessions, school_id, clock())
        if ended:
            log.info("took over %d deliveries claimed by the previous sender", ended)
    return leading


async def end_leases(
    sessions: async_sessionmaker[AsyncSession], school_id: int | None, now: datetime
) -> int:
    """End the lease of every delivery still `sending` (the school's); how many."""
    query = (
        update(Delivery)
        .where(Delivery.state == DeliveryState.SENDING, Delivery.lease_until >= now)
        .values(lease_until=now - timedelta(seconds=1))
    )
    if school_id is not None:
        query = query.where(Delivery.school_id == school_id)
    async with sessions() as session, session.begin():
        result = await session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
