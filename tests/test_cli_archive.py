"""`schoolbot export archive`: a school year's minutes and evidence for the office's archive."""

from __future__ import annotations

import asyncio
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from storage.db import create_engine, session_factory
from storage.queries import ensure_school
from tests.features.archive.test_archive import Seeded, read_index, seed_requests
from tests.test_cli import schoolbot


@pytest.fixture
def db(cli_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "school.db"
    shutil.copyfile(cli_db_template, path)
    return path


def seed(db: Path) -> Seeded:
    """The settings' school ("default") with three requests of 2026-2027 and one older."""

    async def write() -> Seeded:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        try:
            async with session_factory(engine)() as session:
                school = await ensure_school(session, "default", "Trường Tiểu học Thử")
                return await seed_requests(session, school)
        finally:
            await engine.dispose()

    return asyncio.run(write())


def test_the_archive_is_written_with_its_index_and_counts(db: Path, tmp_path: Path) -> None:
    seeded = seed(db)
    out = tmp_path / "luu-tru.zip"
    result = schoolbot(
        "export", "archive", "--year", "2026–2027", "--out", str(out), db=db, lang="en"
    )
    assert result.returncode == 0, result.stderr
    assert "School year 2026-2027: 3 correction requests and 4 files archived." in result.stdout
    data = out.read_bytes()
    # The command line speaks English here, but the index is the school's record: Vietnamese.
    assert [row["Số"] for row in read_index(data)] == [
        str(number) for number in (seeded.signed, seeded.rejected, seeded.pending)
    ]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"bien-ban/{seeded.signed}.docx" in names and len(names) == 5
    older = schoolbot("export", "archive", "--year", "2024/2025", "--out", str(out), db=db)
    assert older.returncode == 0, older.stderr
    assert len(read_index(out.read_bytes())) == 1


def test_help_is_in_both_languages(tmp_path: Path) -> None:
    en = schoolbot("export", "archive", "--help", db=tmp_path / "x.db", lang="en")
    assert en.returncode == 0 and "the school year, e.g. 2024-2025" in en.stdout
    vi = schoolbot("export", "archive", "--help", db=tmp_path / "x.db")
    assert vi.returncode == 0 and "2024-2025" in vi.stdout and "--out" in vi.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2024-2026", "--out", "x.zip"), "2024-2026"),
        (("--year", "năm nay", "--out", "x.zip"), "năm nay"),
        (("--year", "2026-2027", "--out", "x.pdf"), ".zip"),
        (("--year", "2026-2027", "--out", "/no/such/dir/x.zip"), "/no/such/dir"),
        (("--year", "2026-2027", "--out", "taken.zip"), "Cannot write"),
        (("--year", "2026-2027", "--out", "x.zip", "--school", "khac"), "No school"),
        (("--out", "x.zip"), "--year"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    seed(db)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.zip").mkdir()  # a folder where the file should go: it cannot be written
    result = schoolbot("export", "archive", *args, db=db, lang="en")
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.zip").exists()
