"""A school term in minutes (issue 18): the short run of the seeded simulation, and proof that
it can fail.

One class, two simulated weeks (the week before Tết and the week Tết begins), the real bot on
the strict sandbox with its outbox sender on, a Bad Gateway storm and a kill while Friday's
notices are being sent. Every invariant of simulation/invariants.py must hold; each planted
bug of simulation/plants.py must be reported by the invariant named for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulation.run import simulate
from simulation.world import Options

SEED = 18
# ~25 s alone; under `make test`'s six workers on two cores it may take twice that.
pytestmark = pytest.mark.timeout(240)


async def test_a_short_term_keeps_every_promise(tmp_path: Path) -> None:
    report = await simulate(Options(seed=SEED, folder=tmp_path))
    assert report.violations == [], json.dumps(report.violations, ensure_ascii=False, indent=1)
    assert report.problems == []
    assert report.kills == 1
    assert report.linked >= 25 and report.messages_delivered >= 200 and report.notices >= 40


@pytest.mark.parametrize(
    ("plant", "invariant"),
    [("cancel-lies", "buttons"), ("next-week", "week"), ("sibling-leak", "privacy")],
)
async def test_a_planted_bug_is_caught_by_its_invariant(
    plant: str, invariant: str, tmp_path: Path
) -> None:
    report = await simulate(Options(seed=SEED, weeks=1, kills=0, plants=(plant,), folder=tmp_path))
    caught = report.violated(invariant)
    assert caught, f"{plant} went unnoticed: {report.to_json()}"
    assert all(v["seed"] == SEED and v["at"] and v["people"] for v in caught)
