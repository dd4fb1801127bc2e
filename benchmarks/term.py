"""A school term in minutes (issue 18): the long run of the seeded simulation.

Run: .venv/bin/python benchmarks/term.py [--seed 1] [--weeks 18] [--classes 10]
     [--per-class 35] [--kills 2] [--kill-in-update] [--database-url URL] [--plant NAME ...]

A generated school of `--classes` classes (about `--per-class` pupils each, with namesakes,
siblings across classes, minority names and stale phones) lives `--weeks` weeks of term II
(Tết inside) on a fast clock: the real bot with its outbox sender, the strict sandbox, a Bad
Gateway and flood-control (429) storm and a kill on the first Friday while the notices go out
(the new bot sends the rest through slow answers: timeouts), 429 storms every fourth Friday
from the third week (every other one with slow answers), the other kills at seeded moments of
a school day or evening (with --kill-in-update, in the middle of a parent's "Gửi"; else drawn),
the principal locking, opening for a class and publishing the periods (simulation/). With
--database-url (e.g. PostgreSQL) the school is added to that database under a fresh code;
without it a fresh SQLite file is used. The last line is JSON: seed, simulated days, people,
messages delivered, duplicates, violations (must be 0), wall seconds and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulation.plants import PLANTS  # noqa: E402
from simulation.run import simulate  # noqa: E402
from simulation.world import TERM_START, Options  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=18)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--per-class", type=int, default=35)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--kill-in-update", action="store_true", default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--plant", action="append", choices=PLANTS, default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the bot's own warnings are not the result
    options = Options(
        seed=args.seed,
        classes=args.classes,
        per_class=args.per_class,
        weeks=args.weeks,
        start=TERM_START,
        database_url=args.database_url,
        kills=args.kills,
        kill_during_update=args.kill_in_update,
        plants=tuple(args.plant),
    )
    report = asyncio.run(simulate(options))
    shown: Counter[str] = Counter()
    for violation in report.violations:  # the first five of each invariant
        shown[violation["invariant"]] += 1
        if shown[violation["invariant"]] <= 5:
            print(json.dumps(violation, ensure_ascii=False), file=sys.stderr)
    summary = json.loads(report.to_json())
    summary["violations"] = summary.pop("violation_count")
    summary["violated"] = dict(Counter(v["invariant"] for v in report.violations))
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if not report.violations or args.plant else 1


if __name__ == "__main__":
    sys.exit(main())
