"""Write people's text into the spreadsheets and CSV files the product makes, always as text.

A name, comment or note that starts with `=`, `+`, `-` or `@` must never run as a formula in
the office's Excel. In an .xlsx every text cell is written as a string (openpyxl would store
"=..." as a formula); in a CSV, where Excel guesses, such a text gets a leading apostrophe
(OWASP's advice), which `csv_unquote` removes when we read our own CSV back.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put(sheet: Worksheet, row: int, column: int, value: object) -> Cell | MergedCell:
    """Set a cell's value; text stays text, whatever it starts with."""
    cell = sheet.cell(row, column)
    cell.value = value  # type: ignore[assignment]
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def csv_field(value: object) -> object:
    """A CSV field that Excel reads as text: an apostrophe before a formula's first character."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A CSV row of `csv_field`s."""
    return [csv_field(value) for value in values]


def csv_unquote(text: str) -> str:
    """Undo `csv_field` on a field read back from one of our CSV files."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
