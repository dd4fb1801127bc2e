"""What the bot waits for next from one person (a comment, a value), kept in the database.

A half-finished conversation survives a restart and works on any process (design.md section 4):
one row per account, replaced by the next question, gone once answered or expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingInput


async def expect(
    session: AsyncSession,
    account_id: int,
    school_id: int,
    kind: str,
    data: dict[str, Any],
    now: datetime,
    ttl: timedelta = timedelta(hours=6),
) -> None:
    """Wait for this person's next text as an answer of `kind` (replacing any other wait)."""
    row = await session.get(PendingInput, account_id)
    if row is None:
        session.add(
            PendingInput(
                account_id=account_id,
                school_id=school_id,
                kind=kind,
                data=data,
                expires_at=now + ttl,
            )
        )
    else:
        row.school_id, row.kind, row.data, row.expires_at = school_id, kind, data, now + ttl
    await session.flush()


async def peek(session: AsyncSession, account_id: int, now: datetime) -> PendingInput | None:
    """The person's current wait, if any and not expired."""
    row = await session.get(PendingInput, account_id)
    if row is None or row.expires_at <= now:
        return None
    return row


async def take(
    session: AsyncSession, account_id: int, kind: str, now: datetime
) -> dict[str, Any] | None:
    """Return and end the person's wait when it is of `kind` and not expired."""
    row = await peek(session, account_id, now)
    if row is None or row.kind != kind:
        return None
    data = dict(row.data)
    await clear(session, account_id)
    return data


async def clear(session: AsyncSession, account_id: int) -> None:
    """Stop waiting for anything from this person."""
    await session.execute(delete(PendingInput).where(PendingInput.account_id == account_id))
