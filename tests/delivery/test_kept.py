"""Notices kept for people who join later: nothing addressed to a teacher waits unseen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.audience import Audience
from bot.delivery.kept import deliver_kept, reached
from bot.delivery.outbox import enqueue_news
from storage.models import Delivery, School, Staff
from tests.features.leave.test_leave import (  # noqa: F401  (lists is a fixture)
    PHONES,
    actor_for,
    lists,
)

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # Saturday 09:00 in Vietnam


async def teacher_of(session: AsyncSession, school: School, class_name: str) -> int:
    found = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.phone == PHONES[class_name])
    )
    assert found is not None
    return found


async def deliveries(session: AsyncSession, notice_id: int) -> list[int]:
    return list(
        await session.scalars(select(Delivery.account_id).where(Delivery.notice_id == notice_id))
    )


async def test_a_notice_for_a_teacher_not_yet_linked_reaches_her_when_she_links(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    teacher = await teacher_of(session, lists, "1A")
    kept = await enqueue_news(
        session,
        lists.id,
        Audience.staff_members(teacher),
        "feedback",
        {"vi": "Góp ý của phụ huynh"},
        now=NOW,
        kept_until=NOW + timedelta(days=30),
    )
    other = await enqueue_news(
        session, lists.id, Audience.staff_members(teacher), "feedback", {"vi": "x"}, now=NOW
    )
    await session.flush()
    assert await reached(session, kept) == 0  # nobody yet: the sender is told it waits

    actor = await actor_for(session, lists, "1A")  # she links
    assert await deliver_kept(session, actor.account, NOW + timedelta(days=2)) == 1
    assert await deliveries(session, kept.id) == [actor.account.id]
    assert await deliveries(session, other.id) == []  # not kept: not delivered late
    assert await reached(session, kept) == 1

    # Linking again (a second device, a repeated /start) queues nothing twice.
    assert await deliver_kept(session, actor.account, NOW + timedelta(days=3)) == 0


async def test_a_kept_notice_expires_and_never_reaches_someone_outside_its_audience(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    teacher = await teacher_of(session, lists, "1A")
    notice = await enqueue_news(
        session,
        lists.id,
        Audience.staff_members(teacher),
        "leave",
        {"vi": "Xin nghỉ"},
        now=NOW,
        kept_until=NOW + timedelta(days=7),
    )
    await session.flush()
    stranger = await actor_for(session, lists, "3B")  # another class's teacher
    assert await deliver_kept(session, stranger.account, NOW + timedelta(days=1)) == 0
    late = await actor_for(session, lists, "1A")
    assert await deliver_kept(session, late.account, NOW + timedelta(days=8)) == 0  # expired
    assert await deliveries(session, notice.id) == []
