"""Leadership: one connection holds the advisory lock; callers asking at once take turns."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.delivery.leader import Leadership, balance, holder_of, leave
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


async def test_one_connection_holds_every_bot_and_a_dead_worker_hands_them_over(
    database_url: str,
) -> None:
    # A district's worker leads many bots: one connection holds all their locks. When that
    # connection dies (the worker is killed), another worker takes every bot over at its next
    # check.
    first, second = create_engine(database_url), create_engine(database_url)
    names = [f"sender:test-district-{n}" for n in range(20)]
    mine = [Leadership(first, name) for name in names]
    theirs = [Leadership(second, name) for name in names]
    try:
        assert all([await leader.check() for leader in mine])
        if not mine[0].shared:
            return  # SQLite: one process, always the leader
        connections = {id(leader._connection) for leader in mine}
        assert len(connections) == 1 and None not in connections
        assert not any([await leader.check() for leader in theirs])
        assert all(leader._connection is None for leader in theirs)
        async with second.connect() as admin:
            pid = await mine[0]._connection.scalar(text("SELECT pg_backend_pid()"))  # type: ignore[union-attr]
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await admin.commit()
            gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            for _ in range(500):  # the backend ends (and its locks go) just after the signal
                if not await admin.scalar(gone, {"pid": pid}):
                    break
                await admin.commit()
                await asyncio.sleep(0.01)
        assert all([await leader.check() for leader in theirs])
        assert not any([await leader.check() for leader in mine])  # its connection is gone
        await theirs[0].release()
        assert await mine[0].check()  # a released bot is taken at once by the other worker
    finally:
        for leader in (*mine, *theirs):
            await leader.release()
        await first.dispose()
        await second.dispose()


async def test_workers_share_the_bots_and_one_left_leads_them_all(database_url: str) -> None:
    # Two district workers: the first up leads every bot, then gives the second its part; when
    # the first dies, the second leads them all at its next checks.
    first, second = create_engine(database_url), create_engine(database_url)
    names = [f"sender:test-share-{n}" for n in range(10)]
    mine = [Leadership(first, name) for name in names]
    theirs = [Leadership(second, name) for name in names]
    try:
        if not mine[0].shared:
            return  # SQLite: one process
        assert await balance(first, mine, len(names)) == 0
        assert all([await leader.check() for leader in mine])  # alone: all ten
        holder_of(second).bots = len(names)  # the second worker starts
        assert not any([await leader.check() for leader in theirs])  # all taken
        assert await balance(first, mine, len(names)) == 5  # its part is five now
        assert [await leader.check() for leader in theirs].count(True) == 5
        assert [await leader.check() for leader in mine].count(True) == 5  # not taken back
        await leave(first)  # the first worker goes (or dies): its presence and locks go
        assert all([await leader.check() for leader in theirs])
    finally:
        for leader in (*mine, *theirs):
            await leader.release()
        await leave(first)
        await leave(second)
        await first.dispose()
        await second.dispose()
