"""Updates: different people at once, one person in order; sends paced; 429s waited out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Chat, Message, Update, User
from telegram.error import RetryAfter

from bot.core import pacing
from bot.core.pacing import BotApiGate, Pacer
from bot.core.updates import PerPersonUpdates, person_key


def update_from(user_id: int, update_id: int) -> Update:
    user = User(user_id, "P", is_bot=False)
    chat = Chat(user_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="hi"))  # type: ignore[arg-type]


async def run_updates(updates: list[Update]) -> list[tuple[str, int, int]]:
    processor = PerPersonUpdates(8)
    log: list[tuple[str, int, int]] = []

    async def handle(update: Update) -> None:
        log.append(("start", person_key(update), update.update_id))
        await asyncio.sleep(0.01)
        log.append(("end", person_key(update), update.update_id))

    await asyncio.gather(*(processor.process_update(u, handle(u)) for u in updates))
    return log


async def test_one_persons_updates_never_overlap_and_keep_their_order() -> None:
    log = await run_updates([update_from(1, n) for n in range(1, 5)])
    assert log == [(kind, 1, n) for n in range(1, 5) for kind in ("start", "end")]


async def test_different_people_are_handled_at_the_same_time() -> None:
    log = await run_updates([update_from(1, 1), update_from(2, 2), update_from(3, 3)])
    assert [kind for kind, _, _ in log[:3]] == ["start"] * 3


async def test_the_processor_forgets_people_it_is_done_with() -> None:
    processor = PerPersonUpdates(4)

    async def nothing() -> None:
        return None

    await processor.process_update(update_from(7, 1), nothing())
    assert processor._locks == {} and processor._holders == {}


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


async def test_the_pacer_spaces_a_burst_evenly(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(pacing.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(pacing.asyncio, "sleep", clock.sleep)
    pacer = Pacer(rate=4)
    for _ in range(4):
        await pacer.wait()
    assert clock.slept == [0.25, 0.5, 0.75]
    clock.now += 5  # after a quiet spell nobody waits
    await pacer.wait()
    assert clock.slept == [0.25, 0.5, 0.75]


async def call_through(gate: BotApiGate, outcomes: list[Any], endpoint: str) -> Any:
    calls = iter(outcomes)

    async def callback() -> Any:
        outcome = next(calls)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return await gate.process_request(callback, (), {}, endpoint, {}, None)


async def test_a_short_429_is_waited_out_and_a_long_one_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(pacing.asyncio, "sleep", clock.sleep)
    gate = BotApiGate(per_second=1000, max_wait=10, max_retries=2)
    result = await call_through(gate, [RetryAfter(1), {"ok": True}], "getMe")
    assert result == {"ok": True} and 1 <= clock.slept[0] <= 1.5
    with pytest.raises(RetryAfter):
        await call_through(gate, [RetryAfter(60)], "getMe")
    with pytest.raises(RetryAfter):
        await call_through(gate, [RetryAfter(1)] * 3, "getMe")


class AdvancingClock(FakeClock):
    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


async def test_a_pause_holds_callers_that_had_already_booked_a_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = AdvancingClock()
    monkeypatch.setattr(pacing.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(pacing.asyncio, "sleep", clock.sleep)
    pacer = Pacer(rate=10)
    await pacer.wait()  # starts now (100.0)
    starts: list[float] = []

    async def caller() -> None:
        await pacer.wait()
        starts.append(clock.now)

    booked = asyncio.ensure_future(caller())  # books 100.1
    await asyncio.sleep(0)
    pacer.pause(2.0)  # a 429 with retry_after 2 arrives meanwhile
    await booked
    assert starts and starts[0] >= 102.0


async def test_a_429_too_long_to_wait_still_pauses_every_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = AdvancingClock()
    monkeypatch.setattr(pacing.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(pacing.asyncio, "sleep", clock.sleep)
    gate = BotApiGate(per_second=1000, max_wait=10)
    with pytest.raises(RetryAfter):
        await call_through(gate, [RetryAfter(30)], "sendMessage")
    await gate.pacer.wait()
    assert clock.slept[-1] >= 30
