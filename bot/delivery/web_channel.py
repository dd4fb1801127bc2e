"""The web as a channel: a family without Telegram has a web account (`channel` "web", its ids
never a Telegram chat); its deliveries are delivered by being there to read on the web page.

The dispatcher hands every claimed batch here first: a web account's rows are marked sent at
once, with no message, so the family page, "Đã xem" (`Delivery.read_at`), the sender's report
and the read counts work as for a chat; Telegram is never called for them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryState, TelegramAccount
from storage.models.accounts import AccountChannel


async def on_the_web(
    session: AsyncSession, ids: list[int], now: datetime
) -> tuple[list[int], set[int]]:
    """Deliver the web accounts' rows among the claimed `ids` (marked sent now, no message);
    return the other ids, to be sent through Telegram, and the notices delivered here (their
    reports to refresh)."""
    web = list(
        await session.execute(
            select(Delivery.id, Delivery.notice_id)
            .join(TelegramAccount, TelegramAccount.id == Delivery.account_id)
            .where(Delivery.id.in_(ids), TelegramAccount.channel == AccountChannel.WEB)
        )
    )
    if not web:
        return ids, set()
    done = {delivery for delivery, _notice in web}
    await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(done))
        .values(
            state=DeliveryState.SENT,
            sent_at=now,
            lease_until=None,
            error=None,
            message_ids=[],
            attempts=Delivery.attempts + 1,
        )
    )
    return [delivery for delivery in ids if delivery not in done], {n for _d, n in web}
