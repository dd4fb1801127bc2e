"""A notice's state for its sender and the command line: counts, retries, read receipts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryState, Notice


@dataclass(frozen=True, slots=True)
class NoticeStatus:
    """How far one notice has got: rows per state, and how many were read."""

    notice_id: int
    kind: str
    urgent: bool
    created_at: datetime
    counts: dict[str, int]
    read: int


async def outbox_status(
    session: AsyncSession, school_id: int, limit: int = 20
) -> list[NoticeStatus]:
    """Return the school's newest notices with their delivery counts, newest first."""
    notices = list(
        await session.scalars(
            select(Notice)
            .where(Notice.school_id == school_id)
            .order_by(Notice.id.desc())
            .limit(limit)
        )
    )
    if not notices:
        return []
    counts: dict[int, dict[str, int]] = {n.id: {s.value: 0 for s in DeliveryState} for n in notices}
    read: dict[int, int] = dict.fromkeys(counts, 0)
    rows = await session.execute(
        select(Delivery.notice_id, Delivery.state, func.count(), func.count(Delivery.read_at))
        .where(Delivery.notice_id.in_(counts))
        .group_by(Delivery.notice_id, Delivery.state)
    )
    for notice_id, state, number, number_read in rows:
        counts[notice_id][state.value] = number
        read[notice_id] += number_read
    return [
        NoticeStatus(n.id, n.kind, n.urgent, n.created_at, counts[n.id], read[n.id])
        for n in notices
    ]


async def retry_failed(
    session: AsyncSession, school_id: int, notice_id: int, now: datetime | None = None
) -> int | None:
    """Queue a notice's failed rows again from now; None if the school has no such notice."""
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.school_id != school_id:
        return None
    result = await session.execute(
        update(Delivery)
        .where(Delivery.notice_id == notice_id, Delivery.state == DeliveryState.FAILED)
        .values(state=DeliveryState.QUEUED, attempts=0, due_at=now or datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_read(
    session: AsyncSession, account_id: int, delivery_id: int, now: datetime
) -> tuple[Delivery | None, bool]:
    """Record that the recipient read a delivery; (None, False) if it is not theirs.

    Returns the delivery and whether this press was the first (the report then changes).
    """
    delivery = await session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.account_id != account_id:
        return None, False
    if delivery.read_at is not None:
        return delivery, False
    delivery.read_at = now
    return delivery, True


async def notice_of(session: AsyncSession, delivery: Delivery) -> Notice:
    """The notice a delivery belongs to."""
    notice = await session.get(Notice, delivery.notice_id)
    assert notice is not None  # deliveries cascade with their notice
    return notice
