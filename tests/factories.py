"""Build roster and staff files the way schools' exports look."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "STT",
    "Mã định danh Bộ GD&ĐT",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Lớp học",
    "Họ tên cha",
    "SĐT cha",
    "Họ tên mẹ",
    "SĐT mẹ",
    "SĐT liên hệ",
]
TITLES = [["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], ["DANH SÁCH HỌC SINH NĂM HỌC 2026-2027"], []]


def pupil(
    n: int,
    *,
    code: object = None,
    name: str = "Nguyễn Văn An",
    born: object = "05/09/2019",
    gender: str = "Nam",
    klass: str = "1A",
    father: tuple[str, object] = ("Nguyễn Văn Bình", None),
    mother: tuple[str, object] = ("Trần Thị Cúc", None),
    contact: object = "",
) -> list[object]:
    """Return one pupil row; phones default to distinct valid numbers derived from n."""
    return [
        n,
        code if code is not None else f"79{n:08d}",
        name,
        born,
        gender,
        klass,
        father[0],
        father[1] if father[1] is not None else f"0912{n:06d}",
        mother[0],
        mother[1] if mother[1] is not None else f"0983{n:06d}",
        contact,
    ]


def write_table(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    titles: Sequence[Sequence[object]] = TITLES,
    footer: Sequence[Sequence[object]] = (),
) -> Path:
    """Write titles, header, rows and footer as .xlsx or .csv (by the path's suffix)."""
    everything = [*titles, list(header), *rows, *footer]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(everything)
        return path
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in everything:
        sheet.append(list(row))
    workbook.save(path)
    return path


SAMPLE_DATA = Path(__file__).resolve().parent / "data"


def shared_file(name: str) -> Path:
    """Return a file of the sample lists kept with the tests (copied from ../shared/data)."""
    path = SAMPLE_DATA / name
    assert path.exists(), f"{path} is missing: the sample lists live in tests/data"
    return path
