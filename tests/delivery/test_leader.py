"""Leadership: one connection holds the advisory lock; callers asking at once take turns."""

from __future__ import annotations

import asyncio

from bot.delivery.leader import Leadership
from storage.db import create_engine


async def test_the_sender_and_a_job_asking_at_the_same_moment_both_hear_yes(
    database_url: str,
) -> None:
    # At 07:15 on a school day the outbox sender's loop and a scheduled job both ask; on
    # PostgreSQL the second used to fail on the shared connection and the job was lost.
    engine = create_engine(database_url)
    leadership = Leadership(engine, "sender:test-turns")
    try:
        assert await leadership.check()
        answers = await asyncio.gather(*(leadership.check() for _ in range(5)))
        assert answers == [True] * 5
        if leadership.shared:
            assert leadership._connection is not None  # the lock is still held
    finally:
        await leadership.release()
        await engine.dispose()
