"""Read a `.csv` or `.xlsx` file into numbered rows and locate its header row."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from storage.roster.headers import alias_index, header_key
from storage.roster.problems import N_, FileRefused

HEADER_SEARCH_ROWS = 20

Cell = object
Row = tuple[int, list[Cell]]


@dataclass(frozen=True, slots=True)
class Table:
    """The data rows under the header, with the column of each known field."""

    columns: dict[str, int]
    titles: dict[str, str]
    rows: list[Row]

    def cell(self, row: list[Cell], name: str) -> Cell:
        """Return the cell of a field in a row, or None when the column or cell is absent."""
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return None
        return row[index]


def read_rows(path: Path) -> Iterator[Row]:
    """Yield (row number as the spreadsheet shows it, cells) for a `.csv` or `.xlsx` file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    else:
        raise FileRefused(N_("Only .xlsx and .csv files can be imported."))


def _csv_rows(path: Path) -> Iterator[Row]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(N_("The CSV file is not in UTF-8; save it again as CSV UTF-8.")) from None
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    for cells in reader:
        yield reader.line_num, list(cells)


def _xlsx_rows(path: Path) -> Iterator[Row]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(N_("The file cannot be opened as an Excel workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def locate(
    rows: Iterator[Row], headers: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> Table:
    """Find the header among the first rows and return the table of rows below it."""
    index = alias_index(headers)
    head: list[Row] = []
    for row in rows:
        head.append(row)
        columns = _match(row[1], index)
        if all(name in columns for name in required):
            titles = {name: str(row[1][col]).strip() for name, col in columns.items()}
            return Table(columns=columns, titles=titles, rows=list(rows))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    raise FileRefused(
        N_("No header row with the columns {columns} was found in the first {count} rows."),
        columns=", ".join(headers[name][0] for name in required),
        count=HEADER_SEARCH_ROWS,
    )


def _match(cells: list[Cell], index: dict[str, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = index.get(header_key(cell))
        if name is not None and name not in columns:
            columns[name] = position
    return columns
