"""The identity of a comments sheet the bot made: kind, class and week, in a hidden sheet.

A built file keeps a hidden second worksheet named `_schoolbot`, one `key | value` pair per row:
`kind=weekly_comments`, `class=<name>` and `week_start=<ISO date>`. A returned file of another
kind, class or week is refused; a file with no identity (typed by the teacher) is accepted and
checked row by row.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from bot.core.datefmt import short
from storage import files
from storage.exports import put
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.headers import header_key
from storage.roster.problems import N_, FileRefused

IDENTITY_SHEET = "_schoolbot"
KIND = "weekly_comments"


def write_identity(workbook: Workbook, class_name: str, week_start: date) -> None:
    """Add the hidden sheet that says what the file is: kind, class and the week's Monday."""
    sheet = workbook.create_sheet(IDENTITY_SHEET)
    pairs = (("kind", KIND), ("class", class_name), ("week_start", week_start))
    for row, (key, value) in enumerate(pairs, start=1):
        put(sheet, row, 1, key)
        put(sheet, row, 2, str(value)).number_format = "@"  # a date as ISO text
    sheet.sheet_state = "hidden"


def read_identity(path: Path) -> dict[str, str]:
    """Return the key/value pairs of the hidden identity sheet ({} when there is none)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    workbook = files.open_workbook(path)
    try:
        if IDENTITY_SHEET not in workbook.sheetnames:
            return {}
        pairs = files.sheet_pairs(workbook[IDENTITY_SHEET])
        return {_identity_text(key): _identity_text(value) for key, value in pairs if key}
    finally:
        workbook.close()


def sheet_week_start(path: Path) -> date | None:
    """The Monday a comments sheet the bot made is for; None for any other file (blocking)."""
    identity = read_identity(path)
    if identity.get("kind") != KIND:
        return None
    try:
        return date.fromisoformat(identity.get("week_start", ""))
    except ValueError:
        return None


def _identity_text(cell: object) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return cells.text(cell)


def check_identity(identity: dict[str, str], class_name: str, week_start: date) -> None:
    """Refuse a bot-made file of another kind, class or week; accept a file with no identity."""
    if not identity:
        return
    if identity.get("kind") != KIND:
        raise FileRefused(N_("This file is not a weekly comments sheet."))
    found_class = identity.get("class", "")
    if not same_class(found_class, class_name):
        raise FileRefused(
            N_("This file is for class {found}, not class {expected}."),
            found=found_class,
            expected=class_name,
        )
    found_week = identity.get("week_start", "")
    if found_week != week_start.isoformat():
        raise FileRefused(
            N_("This file is for the week starting {found}, not the week starting {expected}."),
            found=_display_date(found_week),
            expected=short(week_start),
        )


def _display_date(iso: str) -> str:
    try:
        return short(date.fromisoformat(iso))
    except ValueError:
        return iso


def same_class(found: str, expected: str) -> bool:
    """Compare class names as written ("Lớp 3 a" and "3A" are the same class)."""
    try:
        return cells.class_name(found)[0] == cells.class_name(expected)[0]
    except CellError:
        return header_key(found) == header_key(expected)
