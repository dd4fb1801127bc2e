"""Read a `.csv` or `.xlsx` file into numbered rows and locate its header row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage import files
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
    text = files.csv_text(path)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            files.check_csv_row(reader.line_num)
            kept: list[Cell] = [*cells[: files.MAX_COLUMNS]]
            yield reader.line_num, kept
    except csv.Error:
        raise FileRefused(files.TOO_COMPLEX) from None  # a field over csv's size limit


def _xlsx_rows(path: Path) -> Iterator[Row]:
    workbook = files.open_workbook(path)
    try:
        yield from files.sheet_rows(workbook.worksheets[0])
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
