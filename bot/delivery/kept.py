"""Notices kept for people who join later.

A parent's feedback for a homeroom teacher who has not linked yet, or a leave or link request,
must not wait unseen. The feature queues it as usual with `kept_until` (outbox.enqueue_news);
the audience is then resolved again whenever someone links (`deliver_kept`, called by linking
in the same transaction), and a newcomer the audience now reaches gets a delivery, once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.audience import Audience, resolve
from bot.delivery.outbox import delivery_row
from storage.models import AccountState, Delivery, Notice, Role, TelegramAccount


def audience_of(notice: Notice) -> Audience:
    """The audience a notice was queued for, read back from its stored description."""
    stored = notice.audience or {}
    roles = tuple(Role(role) for role in stored.get("roles", []))
    return Audience(str(stored.get("kind", "")), tuple(stored.get("ids", [])), roles)


async def deliver_kept(session: AsyncSession, account: TelegramAccount, now: datetime) -> int:
    """Queue, for a person who just linked, every kept notice their roles now reach; the count.

    A notice already delivered to them is not queued again.
    """
    if account.state != AccountState.LINKED:
        return 0
    notices = (
        await session.scalars(
            select(Notice)
            .where(Notice.school_id == account.school_id, Notice.kept_until > now)
            .order_by(Notice.id)
        )
    ).all()
    rows = []
    for notice in notices:
        recipients = await resolve(session, account.school_id, audience_of(notice))
        if account.id not in recipients.accounts:
            continue
        already = await session.scalar(
            select(Delivery.id).where(
                Delivery.notice_id == notice.id, Delivery.account_id == account.id
            )
        )
        if already is None:
            chat, state = recipients.accounts[account.id]
            rows.append(
                delivery_row(
                    account.school_id,
                    notice.id,
                    account.id,
                    chat,
                    state,
                    urgent=notice.urgent,
                    due=now,
                )
            )
    if rows:
        await session.execute(insert(Delivery), rows)
    return len(rows)


async def reached(session: AsyncSession, notice: Notice) -> int:
    """How many people a queued notice reaches now (0: it waits for someone to join)."""
    found = await session.scalars(
        select(Delivery.id).where(Delivery.notice_id == notice.id, Delivery.error.is_(None))
    )
    return len(found.all())
