"""Proof that the simulation can fail, plant by plant (issue 18).

Each planted bug of simulation/plants.py, alone in a run of the short school (two weeks, seed
18, no kill: one week leaves some to chance, as an old "Gửi" pressed before or after the
teacher decided), must be reported by the invariant named for it, with a detail that is its
own. Those sixteen runs take about a minute each: they are marked `slow` (SCHOOLBOT_SLOW=1
runs them).
`make test` runs the plants together instead: test_term.py's two runs, and here one run of the
plants added with the stronger invariants (each found by its own invariant and detail).
`outcome-lenient` needs a parent reading /ketqua, which the simulation does not do:
test_checks.py renders a parent's results with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulation.plants import PLANTS
from simulation.report import Report
from simulation.run import simulate
from simulation.world import Options

SEED = 18
# Per plant, what must be reported: (invariant, a word of its detail). Every pair must show.
CAUGHT_BY: dict[str, list[tuple[str, str]]] = {
    "cancel-lies": [("buttons", "old “Huỷ”")],
    "next-week": [("week", "before its last school day")],
    "sibling-leak": [("privacy", "received the notice about")],
    "leave-says-sent": [("buttons", "parent's Gửi")],
    "absence-untold": [("absence", "recorded")],
    "unreachable-hidden": [("unreachable", "blocked")],
    "away-ignored": [("lost", "never reached")],
    "seen-moves": [("buttons", "“Đã xem” first pressed")],
    "sheet-keeps-chat": [("comments", "the teacher last gave (sheet")],
    "long-row-dropped": [("sheet", "not named")],
    "leaver-keeps-class": [("replaced", "/nhanxet after she left"), ("privacy", "'s data in")],
    "namesake-swap": [("privacy", "their child's namesake")],
    "sheet-to-family": [("privacy", "the document bang-tinh.xlsx")],
    "leave-unaudited": [("audit", "no leave.")],
    "retry-in-quiet": [("quiet", "attempt 2")],
    "class-average": [("ranking", "an average"), ("ranking", "a place")],
}
NOT_IN_THE_RUN = {"outcome-lenient"}  # shown by test_checks.py
# The plants of the stronger invariants, in one run of `make test`.
TOGETHER = (
    "namesake-swap",
    "sheet-to-family",
    "leave-unaudited",
    "retry-in-quiet",
    "class-average",
)

pytestmark = pytest.mark.timeout(300)


def test_every_plant_has_its_invariant() -> None:
    assert set(CAUGHT_BY) | NOT_IN_THE_RUN == set(PLANTS)


def assert_caught(report: Report, plant: str) -> None:
    for invariant, word in CAUGHT_BY[plant]:
        caught = [v for v in report.violated(invariant) if word in v["detail"]]
        found = json.dumps(report.violations[:20], ensure_ascii=False, indent=1)
        assert caught, f"{plant} went unnoticed by {invariant} ({word!r}): {found}"
        assert all(v["seed"] == report.seed and v["at"] and v["people"] for v in caught), caught


async def test_the_plants_of_the_stronger_invariants_are_caught(tmp_path: Path) -> None:
    report = await simulate(Options(seed=SEED, weeks=1, kills=0, plants=TOGETHER, folder=tmp_path))
    for plant in TOGETHER:
        assert_caught(report, plant)


@pytest.mark.slow
@pytest.mark.parametrize("plant", sorted(CAUGHT_BY))
async def test_a_plant_alone_is_caught_by_its_invariant(plant: str, tmp_path: Path) -> None:
    # On seed 18 the teacher writes the changed pupil's comment again in chat the next morning,
    # which hides what sheet-keeps-chat kept: that plant runs on seed 1.
    seed = 1 if plant == "sheet-keeps-chat" else SEED
    report = await simulate(Options(seed=seed, weeks=2, kills=0, plants=(plant,), folder=tmp_path))
    assert_caught(report, plant)
