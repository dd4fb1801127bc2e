"""Kills at moments drawn from the seed (the first kill of a run stays in Friday's send, in
simulation/run.py): a school day or its evening, at a random minute while the bot is idle or
its outbox sends whatever is due, or in the middle of a person's update.

The update cut in the middle is a parent's feedback: /gopy, every step, the text, and "Gửi";
the bot dies while it has her press in hand (before or after its commit, by a few
milliseconds drawn from the seed), a new one starts, and when the form still offers "Gửi"
(nothing came) she presses it again, as a person does. Whatever the moment, the promise is
the same (**lost**): her feedback is stored exactly once, and what she was told last is true
(sent, or already sent). It then joins the others: it must reach the teacher
(simulation/invariants.py).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from simulation.invariants import Checks
from simulation.people import Person, SentFeedback, data_of
from simulation.town import Town
from simulation.world import Options, Stage, calendar, vn
from storage.models import FeedbackMessage

TOLD_SENT = ("Đã gửi", "Đã lưu", "đã được gửi", "Sent to", "Saved", "was already sent")


@dataclass(frozen=True)
class Kill:
    index: int  # the hour whose people act after it
    minute: int  # the minute of the hour before it at which the bot dies (when idle)
    during_update: bool


@dataclass
class Cut:
    """A feedback whose "Gửi" the kill cut: what she saw then, and after pressing again."""

    sent: SentFeedback
    first: str  # what came after the first press (nothing, or the answer)
    in_hand: bool  # whether the bot still had the press in hand when it died


def plan(options: Options, town: Town, storm: Callable[[int], bool]) -> list[Kill]:
    """The seeded kills after the first: school days of the run (not the last one), 08:00 to
    21:59, never in a storm's hour."""
    rng = random.Random(f"kills-{options.seed}")
    year = calendar()
    last = options.weeks * 7 * 24 - 24
    moments = [
        town.hour_of(day, hour)
        for day in range(options.weeks * 7)
        if year.is_school_day(vn(town.start + timedelta(days=day)).date())
        for hour in range(9, 23)
        if town.hour_of(day, hour) < last and not storm(town.hour_of(day, hour))
    ]
    chosen = sorted(rng.sample(moments, min(max(options.kills - 1, 0), len(moments))))
    forced = options.kill_during_update
    return [
        Kill(index, rng.randrange(60), rng.random() < 0.5 if forced is None else forced)
        for index in chosen
    ]


@dataclass
class Kills:
    town: Town
    kills: list[Kill]
    cuts: list[Cut] = field(default_factory=list)

    def acts(self) -> dict[str, int]:
        return {"kills_in_an_update": len(self.cuts)}

    async def at(self, kill: Kill, index: int) -> None:
        """Move the clock to the hour `index` with the kill on the way (or in an update)."""
        stage = self.town.stage
        if not kill.during_update:
            await stage.run_until(self.town.at(index - 1) + timedelta(minutes=kill.minute))
            await stage.kill()
            await stage.run_until(self.town.at(index))
            return
        await stage.run_until(self.town.at(index))
        rng = random.Random(f"cut-{stage.options.seed}-{index}")
        cut = await cut_feedback(self.town, stage, rng, len(self.town.feedbacks) + 1)
        if cut is None:  # nobody to write: the bot dies idle
            await stage.kill()
            return
        self.cuts.append(cut)
        self.town.feedbacks.append(cut.sent)

    async def check(self, checks: Checks) -> None:
        stage = self.town.stage
        for cut in self.cuts:
            sent = cut.sent
            async with stage.sessions() as session:
                stored = await session.scalar(
                    select(func.count()).where(
                        FeedbackMessage.school_id == stage.school_id,
                        FeedbackMessage.text.contains(sent.token),
                    )
                )
            told = any(word in sent.told for word in TOLD_SENT)
            if stored != 1 or not told:
                detail = (
                    f"“{sent.token}”, its “Gửi” cut by a kill (then: {cut.first[:60]!r}): stored "
                    f"{stored} times, told {sent.told[:100]!r}"
                )
                checks.fail("lost", sent.at, [sent.parent], detail)


async def cut_feedback(town: Town, stage: Stage, rng: random.Random, number: int) -> Cut | None:
    """A parent's feedback whose "Gửi" press the bot dies handling; she presses it again."""
    linked = [p for p in town.parents.values() if p.linked_at and not p.is_blocked]
    if not linked:
        return None
    parent = rng.choice(linked)
    token = f"góp ý số {number:03d}"
    offer, cancel, first_id = await _offer(parent, token)
    sends = data_of(offer, "v1:fb:send")
    if offer is None or not sends:
        return None
    await parent.client.skip_pending()
    await parent.client.press(data=sends[0], message_id=offer["message_id"])
    deadline = time.monotonic() + 3.0
    while not stage.handling() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.001)  # the bot takes the press
    await asyncio.sleep(rng.uniform(0.0, 0.012))  # before its commit, or after
    in_hand = stage.handling()
    await stage.kill()
    first = await parent.answer(2.0, new_only=False)  # the answer, if it came
    now = next(m for m in await parent.client.messages() if m["message_id"] == offer["message_id"])
    told = str(now.get("text") or "")
    if sends[0] in data_of(now, "v1:fb:send"):  # nothing came: she presses "Gửi" again
        await parent.client.skip_pending()
        alert = await parent.press(sends[0], offer["message_id"])
        edited = None if alert else await parent.answer(3.0, new_only=False)
        told = alert or str((edited or {}).get("text") or "")
    sent = SentFeedback(parent, token, stage.now(), cancel, first_id, told)
    return Cut(sent, str((first or {}).get("text") or ""), in_hand)


async def _offer(parent: Person, token: str) -> tuple[dict[str, Any] | None, str, int]:
    """/gopy to the homeroom teacher, every step, the text: the offer to send."""
    await parent.client.skip_pending()
    await parent.client.command("gopy")
    screen = await parent.answer()
    if screen is None:
        return None, "", 0
    cancel = (data_of(screen, "v1:fb:cancel") or [""])[0]
    first_id = int(screen["message_id"])
    for prefix in ("v1:fb:kid:", "v1:fb:to:0", "v1:fb:topic:"):
        steps = data_of(screen, prefix)
        if steps:
            await parent.press(steps[0], screen["message_id"])
            screen = await parent.answer(new_only=False)
            if screen is None:
                return None, cancel, first_id
            cancel = cancel or (data_of(screen, "v1:fb:cancel") or [""])[0]
    await parent.client.send(f"Kính gửi cô, {token} nhờ cô để ý giúp con.")
    return await parent.answer(), cancel, first_id
