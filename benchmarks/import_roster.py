"""Generate a 2,000-pupil roster export and import it; print seconds and peak memory as JSON.

Run: .venv/bin/python benchmarks/import_roster.py [--pupils N] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.features.administration.imports import import_roster  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.queries import ensure_school  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Gia", "Bảo", "Thanh", "Đức", "Hữu", "Khánh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đăng", "Hà", "Lan", "Linh", "Nam", "Thảo", "Uyên"]
HEADER = [
    "STT",
    "Mã định danh Bộ GD&ĐT",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Trạng thái",
    "SĐT liên hệ",
    "Họ tên cha",
    "SĐT cha",
    "Họ tên mẹ",
    "SĐT mẹ",
    "Lớp học",
    "Khối học",
]


def generate(path: Path, pupils: int) -> None:
    """Write an export like the national database's, with siblings sharing parents."""
    rng = random.Random(2026)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO"])
    sheet.append(["DANH SÁCH HỌC SINH"])
    sheet.append([])
    sheet.append(HEADER)
    family: tuple[str, str, str, str] | None = None
    for n in range(1, pupils + 1):
        grade = 1 + (n - 1) * 5 // pupils
        klass = f"{grade}{'ABCDEFGH'[n % 8]}"
        if family is None or rng.random() > 0.1:  # one pupil in ten is a younger sibling
            surname = rng.choice(FAMILY)
            family = (
                f"{surname} Văn {rng.choice(GIVEN)}",
                f"09{n:08d}",
                f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}",
                f"03{n:08d}",
            )
        name = f"{family[0].split()[0]} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = date(2020 - grade, rng.randint(1, 12), rng.randint(1, 28)).strftime("%d/%m/%Y")
        sheet.append(
            [
                n,
                f"79{n:08d}",
                name,
                born,
                rng.choice(["Nam", "Nữ"]),
                "Kinh",
                "Đang học",
                family[3],
                family[0],
                family[1],
                family[2],
                family[3],
                klass,
                f"Khối {grade}",
            ]
        )
    sheet.append([f"Tổng số: {pupils} học sinh"])
    workbook.save(path)


async def run_import(url: str, path: Path) -> tuple[dict[str, Any], int, float]:
    """Import the file once; return the summary, the number of SQL statements and seconds."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    async with session_factory(engine)() as session, session.begin():
        school = await ensure_school(session, "bench", "Trường Tiểu học Thử")
        outcome = await import_roster(session, school, path, today=date.today(), actor="bench")
    seconds = time.perf_counter() - started
    await engine.dispose()
    if outcome.problems:
        raise SystemExit(f"the generated file was refused: {outcome.problems[:3]}")
    return outcome.summary, statements, seconds


def main() -> None:
    """Generate, import, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--database", help="SQLAlchemy async URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "roster.xlsx"
        started = time.perf_counter()
        generate(export, args.pupils)
        generated = time.perf_counter() - started
        url = args.database or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        summary, statements, seconds = asyncio.run(run_import(url, export))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generated {args.pupils} pupils in {generated:.2f} s; imported in {seconds:.2f} s")
    print(
        json.dumps(
            {
                "pupils": args.pupils,
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak, 1),
                "sql_statements": statements,
                "summary": summary,
            }
        )
    )


if __name__ == "__main__":
    main()
