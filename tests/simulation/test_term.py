"""A school term in minutes (issue 18): the short run of the seeded simulation, and proof that
it can fail.

One class, two simulated weeks (the week before Tết and the week Tết begins), the real bot on
the strict sandbox with its outbox sender on, a Bad Gateway storm and a kill while Friday's
notices are being sent. Every invariant of simulation/invariants.py and simulation/promises.py
must hold; each planted bug of simulation/plants.py must be reported by the invariant named for
it (the plants that touch different flows share one run, each found by its own detail).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulation.run import simulate
from simulation.world import Options

SEED = 18
# Product failures the simulation found, reported and not fixed yet: the invariant stays and
# reports them; only these exact reports are let through, each named for its fix. (The clock
# of "Ký xác nhận", found here, is fixed: corrections' ask_signatures takes the bot's clock;
# so are those of the replaced homeroom teacher, simulation/staffing.py: docs/simulation.md.)
KNOWN: set[tuple[str, str]] = set()


def unknown(violations: list[dict[str, str]]) -> list[dict[str, str]]:
    return [
        v for v in violations if not any(v["invariant"] == i and w in v["detail"] for i, w in KNOWN)
    ]


# ~30 s alone; under `make test`'s six workers on two cores it may take twice that.
pytestmark = pytest.mark.timeout(240)


async def test_a_short_term_keeps_every_promise(tmp_path: Path) -> None:
    report = await simulate(Options(seed=SEED, folder=tmp_path))
    found = unknown(report.violations)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert report.problems == []
    assert report.kills == 1
    assert report.linked >= 25 and report.messages_delivered >= 200 and report.notices >= 40
    acts = report.acts
    assert acts["leave_requests"] >= 2 and acts["leave_presses"] >= 2, acts
    assert acts["absences_marked"] >= 2 and acts["blocks"] >= 2 and acts["urgent"] >= 2, acts
    assert acts["corrections"] >= 2 and acts["correction_presses"] >= 4, acts
    # The 429 storm lasts real seconds: on a loaded machine few requests may fall in it, so
    # how many were answered 429 is reported (acts["answered_429"]), not required.
    assert acts["principal_away_days"] == 7, acts
    assert acts["health_sheets"] == 1 and acts["archives"] == 1, acts
    assert acts["link_requests"] >= 2 and acts["late_link_presses"] >= 1, acts
    assert acts["comment_sheets"] >= 1 and acts["sheet_refusals"] >= 1, acts
    assert acts["teachers_replaced"] == 1 and acts["leaver_attempts"] == 2, acts


# (plants, and per plant: the invariant that must name it and a word of its detail). One run
# holds every plant but next-week, which hides absence-untold (its notices go out early).
PLANTED = [
    (("next-week",), [("week", "before its last school day")]),
    # Alone, and on seed 1: on seed 18 the teacher writes the changed pupil's comment again in
    # chat the next morning, which hides what the sheet kept.
    (("sheet-keeps-chat",), [("comments", "the teacher last gave (sheet")]),
    (
        (
            "sibling-leak",
            "cancel-lies",
            "leave-says-sent",
            "absence-untold",
            "unreachable-hidden",
            "away-ignored",
            "seen-moves",
            "long-row-dropped",
            "leaver-keeps-class",
        ),
        [
            ("privacy", "data"),
            ("buttons", "old “Huỷ”"),
            ("buttons", "parent's Gửi"),
            ("absence", "recorded"),
            ("unreachable", "blocked"),
            ("lost", "never reached"),
            ("buttons", "“Đã xem” first pressed"),
            ("sheet", "not named"),
            ("replaced", "/nhanxet after she left"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("plants", "caught_by"), PLANTED, ids=["next-week", "sheet-keeps-chat", "nine-at-once"]
)
async def test_a_planted_bug_is_caught_by_its_invariant(
    plants: tuple[str, ...], caught_by: list[tuple[str, str]], tmp_path: Path
) -> None:
    seed = 1 if plants == ("sheet-keeps-chat",) else SEED
    report = await simulate(Options(seed=seed, weeks=2, kills=0, plants=plants, folder=tmp_path))
    for plant, (invariant, word) in zip(plants, caught_by, strict=True):
        caught = [v for v in report.violated(invariant) if word in v["detail"]]
        assert caught, f"{plant} went unnoticed: {report.to_json()}"
        assert all(v["seed"] == seed and v["at"] and v["people"] for v in caught)


async def test_periods_timeouts_and_a_kill_in_an_update_keep_every_promise(
    tmp_path: Path,
) -> None:
    """One week with a second kill at a seeded moment, in the middle of a parent's "Gửi": the
    principal locks, opens for one class, locks again and publishes term I (the vice principal
    is refused), the teacher's summary sheet is taken while open and refused while locked,
    parents see results only once published; the new bot sends Friday's rest through slow
    answers (timeouts the sandbox delivered anyway count as duplicates, not violations)."""
    options = Options(seed=SEED, weeks=1, kills=2, kill_during_update=True, folder=tmp_path)
    report = await simulate(options)
    found = unknown(report.violations)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert report.problems == []
    assert report.kills == 2
    acts = report.acts
    assert acts["kills_in_an_update"] == 1, acts
    assert acts["period_locks"] == 3 and acts["period_publications"] == 1, acts
    assert acts["vice_lock_refused"] == 1, acts
    assert acts["book_sheets"] == 2 and acts["book_sheets_refused"] == 1, acts
    assert acts["results_looks"] >= 2, acts
    # How many sends timed out depends on real seconds: reported (acts["timed_out"]), not required.
