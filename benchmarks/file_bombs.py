"""Make the two spreadsheet bombs and have each refused in a child process of its own; print the
child's peak memory and time for each, as JSON on the last line (limits: 300 MB, 5 s).

Each child runs what the bot runs on an upload (the safety check before any reader) and what
`schoolbot import roster` runs (the roster parser), under a 3 GB address-space cap.

Run: .venv/bin/python benchmarks/file_bombs.py
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bombs import dimension_bomb, xml_bomb  # noqa: E402

ADDRESS_SPACE = 3 * 1024**3
LIMIT_MB, LIMIT_SECONDS = 300, 5.0
BOMBS = {"dimension_bomb": dimension_bomb, "xml_bomb": xml_bomb}


def refuse(path: Path) -> dict[str, object]:
    """In the child: check the file as an upload, then parse it as a roster; both must refuse."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    from storage import files
    from storage.roster.problems import FileRefused
    from storage.roster.roster import parse_roster

    started = time.perf_counter()
    reasons = []
    try:
        files.check_upload(path)
    except FileRefused as refused:
        reasons.append(refused.problem.reason)
    try:
        parse_roster(path, date(2026, 11, 23), None)
    except FileRefused as refused:
        reasons.append(refused.problem.reason)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(peak, 1), "refused": reasons}


def measure(name: str, folder: Path) -> dict[str, object]:
    """Make one bomb and run a child on it; return the child's figures."""
    path = BOMBS[name](folder / f"{name}.xlsx")
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"error": child.stderr.strip().splitlines()[-1:], "wall_seconds": round(wall, 1)}
    figures: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return {"file_bytes": path.stat().st_size, **figures}


def main() -> None:
    """Make both bombs, measure each in a child, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(refuse(Path(args.child))))
        return
    with tempfile.TemporaryDirectory() as folder:
        results = {name: measure(name, Path(folder)) for name in BOMBS}
    within = all(
        len(r.get("refused", [])) == 2  # type: ignore[arg-type]
        and float(r["peak_rss_mb"]) < LIMIT_MB  # type: ignore[arg-type]
        and float(r["seconds"]) < LIMIT_SECONDS  # type: ignore[arg-type]
        for r in results.values()
    )
    for name, result in results.items():
        print(f"{name}: {result}")
    limits = {"peak_rss_mb": LIMIT_MB, "seconds": LIMIT_SECONDS}
    print(json.dumps({"bombs": results, "limits": limits, "within_limits": within}))
    if not within:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
