"""One simulation from the seed to the report: the school, the stage, the town, hour by hour."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from bot.core.clock import run_until
from simulation.invariants import Checks
from simulation.kills import Kills
from simulation.kills import plan as plan_kills
from simulation.life import Life
from simulation.office import Office
from simulation.periods import Periods
from simulation.plants import planted
from simulation.promises import Promises
from simulation.records import Records
from simulation.report import Report, peak_memory_mb
from simulation.requests import Requests
from simulation.school import generate
from simulation.sheets import Sheets
from simulation.staffing import Staffing
from simulation.town import Town
from simulation.world import Options, Stage, stage

log = logging.getLogger(__name__)
# The first kill: the first Friday at 16:30, while the weekly notices are being sent through a
# Bad Gateway storm and Telegram's flood control (429); the new bot sends the rest through slow
# answers (timeouts). From the third week on, every fourth Friday's notices go out through a
# 429 storm, every other one of them with slow answers too. The other kills (if any) fall at
# seeded moments (simulation/kills.py).
KILL_DAY, KILL_HOUR = 4, 16
STORM_WEEKS = range(2, 1000, 4)
SLOW_WEEKS = range(2, 1000, 8)
# A slow answer comes after SLOW_SECONDS, past the bot's read timeout (PTB's 5 s): the bot
# sees a timeout, the sandbox delivers the message all the same (as Telegram usually does).
SLOW_RATE, SLOW_SECONDS = 0.2, 6.0


@dataclass(frozen=True)
class Storm:
    bad_gateway: bool
    slow: bool
    kill: bool


def storm_at(index: int, options: Options) -> Storm | None:
    """The storm of the hour ending at `index`, if it has one."""
    day, hour = divmod(index - 1, 24)
    week, weekday = divmod(day, 7)
    if weekday != KILL_DAY or hour != KILL_HOUR:
        return None
    if week == 0:  # slow answers for the new bot, after the kill
        kill = options.kills >= 1
        return Storm(options.faults, options.faults and kill, kill)
    if week in STORM_WEEKS:
        return Storm(False, options.faults and week in SLOW_WEEKS, False)
    return None


async def simulate(options: Options) -> Report:
    """Run the simulation described by `options` and check its invariants."""
    began = time.monotonic()
    school = generate(options.seed, options.classes, options.per_class)
    with planted(options.plants):
        async with stage(options, school) as here:
            town = Town(here, school, here.rng, here.now())
            requests = Requests(town)
            town.plan(options.weeks)
            requests.plan()
            life = Life(town)
            life.plan(options.weeks)
            office = Office(town)
            office.plan(options.weeks)
            records = Records(town)
            records.plan(options.weeks)
            sheets = Sheets(town)
            sheets.plan(options.weeks)
            staffing = Staffing(town, life)
            staffing.plan(options.weeks)
            periods = Periods(town)
            periods.plan(options.weeks)
            stormy = {i for i in range(1, options.weeks * 168 + 1) if storm_at(i, options)}
            kills = Kills(town, plan_kills(options, town, stormy.__contains__))
            at_kill = {kill.index: kill for kill in kills.kills}
            checks = Checks(town)
            hours = options.weeks * 7 * 24
            storms = 0
            for index in range(1, hours + 1):
                storm = storm_at(index, options)
                if storm is not None:
                    await sending_in_a_storm(here, town, index - 1, storm)
                    storms += 1
                elif index in at_kill:
                    await kills.at(at_kill[index], index)
                else:
                    await here.run_until(town.at(index))
                await people_hour(here, town, index)
                if index % 24 == 0:
                    checks.messages()
                    await checks.audit()
            await checks.at_end(town.at(hours))
            await Promises(checks, life).at_end(town.at(hours))
            await office.check(checks)
            records.check(checks)
            await requests.check(checks)
            await sheets.check(checks, town.at(hours))
            await staffing.check(checks)
            await periods.check(checks, town.at(hours))
            await kills.check(checks)
            notices = sum(1 for d in here.log if not d.edit)
            report = Report(
                seed=options.seed,
                simulated_days=options.weeks * 7,
                classes=len(school.classes),
                pupils=len(school.pupils),
                people=len(town.by_id),
                linked=sum(1 for p in town.by_id.values() if p.linked_at),
                messages_delivered=notices,
                notices=sum(1 for d in here.log if d.buttons and "rcpt" in d.buttons[0]),
                duplicates=checks.duplicates,
                kills=len(here.kills),
                violations=checks.summary(),
                problems=here.problems,
                plants=list(options.plants),
                acts=life.acts()
                | office.acts()
                | records.acts()
                | requests.acts()
                | sheets.acts()
                | staffing.acts()
                | periods.acts()
                | kills.acts()
                | {"storms": storms, **refused(here)},
            )
    report.wall_seconds = round(time.monotonic() - began, 1)
    report.peak_memory_mb = peak_memory_mb()
    return report


async def people_hour(here: Stage, town: Town, index: int) -> None:
    """The hour's plan (`Town.hour`'s), then, once the bot has answered it and the outbox has
    sent what was due, the reactions to what arrived: what people react to in an hour does not
    hang on how fast the machine sent it (the draws of the seed stay in one order)."""
    for action in town.agenda.pop(index, []):
        await action()
    await here.settle()
    await town.react(index)
    await here.settle()


def refused(here: Stage) -> dict[str, int]:
    """How many calls the sandbox answered with flood control (429) or a Bad Gateway (502), and
    how many deliveries the bot saw time out (slow answers)."""
    codes = Counter(c.error_code for c in here.sandbox.state.recorder.calls if c.error_code)
    return {
        "answered_429": codes[429],
        "answered_502": codes[502],
        "timed_out": len(here.timed_out),
    }


async def sending_in_a_storm(here: Stage, town: Town, index: int, storm: Storm) -> None:
    """Friday 16:30 through Telegram's flood control (429 with retry_after, the sandbox's own
    rate limits switched on) and, the first Friday, a Bad Gateway storm: the notices go out,
    and the bot may die mid-way (nothing shut down, nothing committed) and a new one start on
    the same database, which sends the rest through slow answers. With slow answers some sends
    time out that the sandbox delivered all the same: their retries are second copies, counted
    as in flight. Nobody acts in the storm: the people's hour comes after it."""
    world = here.sandbox.state
    limits = world.config.limits
    friday = town.at(index) + timedelta(minutes=30)
    slow = {"slow_rate": SLOW_RATE, "slow_seconds": SLOW_SECONDS}
    world.faults.update(error_rate=0.3 if storm.bad_gateway else 0.0, methods=["sendmessage"])
    if storm.slow and not storm.kill:
        world.faults.update(**slow)
    limits.rates, limits.global_per_second = True, 5
    assert here.app is not None
    try:
        await run_until(here.app, friday, here.clock.set)
        await asyncio.sleep(0.03)  # the sender is at work
        if storm.kill:  # the Bad Gateways and the flood control end with the first bot
            await here.kill()
            world.faults.update(error_rate=0.0, **(slow if storm.slow else {}))
            limits.rates = False
        if storm.slow:  # the dead bot's leases run out (2 min): the new one sends the rest
            assert here.app is not None
            await run_until(here.app, friday + timedelta(minutes=3), here.clock.set)
            await here.settle(SLOW_SECONDS * 3, report=False)
        elif not storm.kill:  # flood control paces the sender in real seconds
            await here.settle(5.0, report=False)
    finally:
        world.faults.update(error_rate=0.0, slow_rate=0.0)
        limits.rates = False
    await here.run_until(town.at(index + 1))
