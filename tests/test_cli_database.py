"""Every `schoolbot` command on the database refuses the same way: one line, exit status 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.factories import shared_file
from tests.test_cli import schoolbot

ON_THE_SCHOOL = [
    ("outbox", "status"),
    ("outbox", "retry", "1"),
    ("calendar", "show"),
    ("calendar", "set", "--term1", "18"),
    ("export", "archive", "--year", "2026-2027", "--out", "x.zip"),
]


@pytest.fixture
def db(cli_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "school.db"
    shutil.copyfile(cli_db_template, path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("import", "roster", str(shared_file("roster.csv"))),
        ("import", "staff", str(shared_file("staff.csv"))),
        ("invites", "--class", "3A", "--out", "x.docx", "--bot", "b"),
        *ON_THE_SCHOOL,
    ],
)
def test_a_database_behind_the_code_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = schoolbot(*args, db=tmp_path / "new.db", lang="en")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "The database schema is not current: run `schoolbot db upgrade` first."
    )
    assert not list(tmp_path.glob("x.*"))


@pytest.mark.parametrize("args", ON_THE_SCHOOL)
def test_a_school_not_imported_is_refused_in_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = schoolbot(*args, db=db, lang="en")
    assert result.returncode == 2
    assert result.stderr.strip() == "No school with this code has been imported yet."
    assert not list(tmp_path.glob("x.*"))


def test_invites_for_a_school_not_imported_name_the_class(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = schoolbot(
        "invites", "--class", "3A", "--out", "x.docx", "--bot", "b", db=db, lang="en"
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "Class 3A is not on the lists; import the roster first."
    assert not (tmp_path / "x.docx").exists()


def test_the_import_makes_the_school_on_first_use(db: Path) -> None:
    assert schoolbot("calendar", "show", db=db).returncode == 2
    assert schoolbot("import", "roster", str(shared_file("roster.csv")), db=db).returncode == 0
    assert schoolbot("calendar", "show", db=db).returncode == 0
