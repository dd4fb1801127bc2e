"""One simulation from the seed to the report: the school, the stage, the town, hour by hour."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import timedelta

from bot.core.clock import run_until
from simulation.invariants import Checks
from simulation.life import Life
from simulation.office import Office
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
# The kill: the first Friday at 16:30, while the weekly notices are being sent through a Bad
# Gateway storm and Telegram's flood control (429). From the third week on, every fourth
# Friday's notices go out through a 429 storm, and the second kill (if any) falls in the first.
KILL_DAY, KILL_HOUR = 4, 16
STORM_WEEKS = range(2, 1000, 4)


def storm_at(index: int, options: Options) -> tuple[bool, bool] | None:
    """(with 502s, with a kill) if the hour ending at `index` is a storm's, else None."""
    day, hour = divmod(index - 1, 24)
    week, weekday = divmod(day, 7)
    if weekday != KILL_DAY or hour != KILL_HOUR:
        return None
    if week == 0:
        return True, options.kills >= 1
    if week in STORM_WEEKS:
        return False, week == STORM_WEEKS[0] and options.kills >= 2
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
            checks = Checks(town)
            hours = options.weeks * 7 * 24
            storms = 0
            for index in range(1, hours + 1):
                storm = storm_at(index, options)
                if storm is not None:
                    await sending_in_a_storm(here, town, index - 1, *storm)
                    storms += 1
                else:
                    await here.run_until(town.at(index))
                await town.hour(index)
                await here.settle()
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
                | {"storms": storms, **refused(here)},
            )
    report.wall_seconds = round(time.monotonic() - began, 1)
    report.peak_memory_mb = peak_memory_mb()
    return report


def refused(here: Stage) -> dict[str, int]:
    """How many calls the sandbox answered with flood control (429) or a Bad Gateway (502)."""
    codes = Counter(c.error_code for c in here.sandbox.state.recorder.calls if c.error_code)
    return {"answered_429": codes[429], "answered_502": codes[502]}


async def sending_in_a_storm(
    here: Stage, town: Town, index: int, bad_gateway: bool, kill: bool
) -> None:
    """Friday 16:30 through Telegram's flood control (429 with retry_after, the sandbox's own
    rate limits switched on) and, the first Friday, a Bad Gateway storm: the notices go out,
    and the bot may die mid-way (nothing shut down, nothing committed) and a new one start on
    the same database. Nobody acts in the storm: the people's hour comes after it."""
    world = here.sandbox.state
    limits = world.config.limits
    if bad_gateway:
        world.faults.update(error_rate=0.3, methods=["sendmessage"])
    limits.rates, limits.global_per_second = True, 5
    assert here.app is not None
    try:
        await run_until(here.app, town.at(index) + timedelta(minutes=30), here.clock.set)
        await asyncio.sleep(0.03)  # the sender is at work
        if kill:
            await here.kill()
        else:  # flood control paces the sender in real seconds: the rest goes after the storm
            await here.settle(5.0, report=False)
    finally:
        world.faults.update(error_rate=0.0)
        limits.rates = False
    await here.run_until(town.at(index + 1))
