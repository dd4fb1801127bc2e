"""One simulation from the seed to the report: the school, the stage, the town, hour by hour."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from bot.core.clock import run_until
from simulation.invariants import Checks
from simulation.life import Life
from simulation.plants import planted
from simulation.promises import Promises
from simulation.report import Report, peak_memory_mb
from simulation.school import generate
from simulation.town import Town
from simulation.world import Options, Stage, stage

log = logging.getLogger(__name__)
# The kill: the first Friday at 16:30, while the weekly notices are being sent through faults.
KILL_DAY, KILL_HOUR = 4, 16


async def simulate(options: Options) -> Report:
    """Run the simulation described by `options` and check its invariants."""
    began = time.monotonic()
    school = generate(options.seed, options.classes, options.per_class)
    with planted(options.plants):
        async with stage(options, school) as here:
            town = Town(here, school, here.rng, here.now())
            town.plan(options.weeks)
            life = Life(town)
            life.plan(options.weeks)
            checks = Checks(town)
            hours = options.weeks * 7 * 24
            for index in range(1, hours + 1):
                if options.kills and index == KILL_DAY * 24 + KILL_HOUR + 1:
                    await killed_while_sending(here, town)
                else:
                    await here.run_until(town.at(index))
                await town.hour(index)
                await here.settle()
                if index % 24 == 0:
                    checks.messages()
                    await checks.audit()
            await checks.at_end(town.at(hours))
            await Promises(checks, life).at_end(town.at(hours))
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
                acts=life.acts(),
            )
    report.wall_seconds = round(time.monotonic() - began, 1)
    report.peak_memory_mb = peak_memory_mb()
    return report


async def killed_while_sending(here: Stage, town: Town) -> None:
    """Friday 16:30 through a Bad Gateway storm: the notices go out, the bot dies mid-way
    (nothing shut down, nothing committed) and a new one starts on the same database."""
    faults = here.sandbox.state.faults
    index = KILL_DAY * 24 + KILL_HOUR
    faults.update(error_rate=0.3, methods=["sendmessage"])
    assert here.app is not None
    await run_until(here.app, town.at(index) + timedelta(minutes=30), here.clock.set)
    await asyncio.sleep(0.03)  # the sender is at work
    await here.kill()
    faults.update(error_rate=0.0)
    await here.run_until(town.at(index + 1))
