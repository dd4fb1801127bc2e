"""Open the files people send within limits, so a hostile file is refused before a parser
expands it: the size on disk, what each zip member unpacks to, the XML inside, rows and columns.

An .xlsx or .docx is a zip of XML. openpyxl and python-docx read it through `zipfile`, which
stops every member at the size its header declares (a member that unpacks to more fails its
CRC), so the declared sizes checked here bound what the parsers can be made to unpack.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import IO
from xml.parsers import expat

import filetype  # type: ignore[import-untyped]
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from storage.roster.problems import N_, FileRefused

MAX_FILE_BYTES = 5 * 1024 * 1024  # a school's whole roster is a few hundred KB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 100  # uncompressed to compressed, for members over RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024
MAX_MEMBERS = 1000
MAX_ELEMENTS = 2_000_000  # XML elements in the whole package: bounds the parsers' time
MAX_ROWS = 10_000  # a school has about 2,000 pupils
MAX_COLUMNS = 100  # cells further right are not read
MAX_ROW_CELLS = 16_384  # Excel's own column limit: a row with more cells is forged
XML_SUFFIXES = (".xml", ".rels", ".vml")

TOO_BIG = N_("The file is larger than {megabytes} MB.")
UNPACKS_TOO_BIG = N_(
    "The file unpacks to far more data than a school list ({megabytes} MB at most); "
    "it was not opened."
)
TOO_COMPLEX = N_("The file's content is too large or damaged to be read safely; it was not opened.")
TOO_MANY_ROWS = N_("The file has more than {limit} rows; please split it.")
NOT_A_WORKBOOK = N_("The file cannot be opened as an Excel workbook.")
NOT_UTF8 = N_("The CSV file is not in UTF-8; save it again as CSV UTF-8.")

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls
# What the bytes of each accepted evidence type must be (filetype's extensions).
CONTENT: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"pdf"}),
    ".jpg": frozenset({"jpg"}),
    ".jpeg": frozenset({"jpg"}),
    ".png": frozenset({"png"}),
    ".heic": frozenset({"heic"}),
    ".doc": frozenset({"doc"}),
    ".xls": frozenset({"xls"}),
    ".docx": frozenset({"docx"}),
    ".xlsx": frozenset({"xlsx"}),
}
# The part every Office Open XML file of a kind has, for writers filetype does not recognise.
OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


class _Exceeded(Exception):
    """A limit was passed while scanning; args[0] is the msgid."""


def check_size(path: Path) -> None:
    """Refuse a file over MAX_FILE_BYTES before anything reads it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FileRefused(TOO_BIG, megabytes=MAX_FILE_BYTES // (1024 * 1024))


def check_upload(path: Path) -> None:
    """Refuse a sent spreadsheet (.xlsx or .csv) before any reader opens it."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_package(path)
    elif path.suffix.lower() == ".csv":
        reader = csv.reader(io.StringIO(csv_text(path), newline=""))
        try:
            for _cells in reader:
                check_csv_row(reader.line_num)
        except csv.Error:
            raise FileRefused(TOO_COMPLEX) from None
    else:
        check_size(path)


def check_package(path: Path, unreadable: str = NOT_A_WORKBOOK) -> None:
    """Refuse an .xlsx/.docx whose members unpack too far or whose XML is too big or forged."""
    check_size(path)
    stat = path.stat()
    # The same upload is offered to several readers in turn: scan it once.
    problem = _package_problem(str(path.resolve()), stat.st_size, stat.st_mtime_ns, unreadable)
    if problem is not None:
        raise FileRefused(problem[0], **dict(problem[1]))


@functools.lru_cache(maxsize=16)
def _package_problem(
    path: str, _size: int, _mtime_ns: int, unreadable: str
) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """The reason (msgid, params) a package is refused, or None; cached by path, size, time."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive.infolist())
            budget = [MAX_ELEMENTS]
            for info in archive.infolist():
                if info.filename.lower().endswith(XML_SUFFIXES):
                    with archive.open(info) as stream:
                        _scan_xml(stream, info.filename.startswith("xl/worksheets/"), budget)
    except _Exceeded as exceeded:
        return str(exceeded.args[0]), tuple(exceeded.args[1].items())
    except expat.ExpatError:
        return TOO_COMPLEX, ()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ):
        return unreadable, ()  # not a zip, damaged, a bad CRC, encrypted, an odd compression
    return None


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    too_big = (UNPACKS_TOO_BIG, {"megabytes": MAX_UNPACKED_BYTES // (1024 * 1024)})
    if len(infos) > MAX_MEMBERS:
        raise _Exceeded(TOO_COMPLEX, {})
    total = 0
    for info in infos:
        total += info.file_size
        expanded = info.file_size > RATIO_FROM_BYTES
        if total > MAX_UNPACKED_BYTES or (
            expanded and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _Exceeded(*too_big)


def _scan_xml(stream: IO[bytes], sheet: bool, budget: list[int]) -> None:
    """Count a member's elements (and a sheet's rows and cells) without building a tree."""
    parser = expat.ParserCreate()
    row = cells = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, cells
        budget[0] -= 1
        if budget[0] < 0:
            raise _Exceeded(TOO_COMPLEX, {})
        if not sheet:
            return
        local = name.rpartition(":")[2]
        if local == "row":
            # The row's number as readers count it: its r="..." if any, else the next one.
            number = attributes.get("r", "")
            row, cells = (int(number) if number.isdigit() else row + 1), 0
            if row > MAX_ROWS:
                raise _Exceeded(TOO_MANY_ROWS, {"limit": MAX_ROWS})
        elif local == "c":
            cells += 1
            if cells > MAX_ROW_CELLS:
                raise _Exceeded(TOO_COMPLEX, {})

    def doctype(*_args: object) -> None:
        raise _Exceeded(TOO_COMPLEX, {})  # Office never writes one; entities expand from it

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    while chunk := stream.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def open_workbook(path: Path) -> Workbook:
    """Open a checked .xlsx read-only, values only (blocking; the caller closes it)."""
    check_package(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError):
        raise FileRefused(NOT_A_WORKBOOK) from None


def sheet_rows(sheet: object, columns: int = MAX_COLUMNS) -> Iterator[tuple[int, list[object]]]:
    """Yield (row number, cells) of a read-only sheet, ignoring its declared size, within caps."""
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise FileRefused(NOT_A_WORKBOOK)  # a chart sheet first, say
    sheet.reset_dimensions()  # a forged <dimension> would pad every row to it
    # Not max_col: openpyxl would pad every row to it. A row is at most MAX_ROW_CELLS wide (the
    # package scan saw to it) and is cut here. types-openpyxl types iter_rows for Worksheet only.
    rows = sheet.iter_rows(max_row=MAX_ROWS + 1, values_only=True)  # type: ignore[misc]
    try:
        for number, cells in enumerate(rows, start=1):
            if number > MAX_ROWS:
                raise FileRefused(TOO_MANY_ROWS, limit=MAX_ROWS)
            yield number, list(cells[:columns])
    except (ValueError, KeyError, TypeError, IndexError, SyntaxError):
        raise FileRefused(NOT_A_WORKBOOK) from None  # a cell openpyxl cannot read (r="1A")


def sheet_pairs(sheet: object) -> Iterator[tuple[object, object]]:
    """Yield the first two cells of each row of a read-only sheet (a key and its value)."""
    for _number, cells in sheet_rows(sheet, columns=2):
        yield (cells[0] if cells else None), (cells[1] if len(cells) > 1 else None)


def csv_text(path: Path) -> str:
    """Read a checked CSV file as text (UTF-8, with or without BOM)."""
    check_size(path)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(NOT_UTF8) from None


def check_csv_row(number: int) -> None:
    """Refuse a CSV file once it passes MAX_ROWS lines."""
    if number > MAX_ROWS:
        raise FileRefused(TOO_MANY_ROWS, limit=MAX_ROWS)


def content_matches(file_name: str, data: bytes) -> bool:
    """Tell whether a file's bytes are what its name says (PDF, image, Word or Excel)."""
    suffix = PurePath(file_name.lower()).suffix
    expected = CONTENT.get(suffix)
    if expected is None:
        return False
    found = filetype.guess_extension(data)
    if found in expected:
        return True
    if suffix in (".doc", ".xls"):
        return data.startswith(OLE2)  # filetype knows only some writers' .doc/.xls
    if suffix in OOXML_PART:
        return found in (None, "zip") and _has_part(data, OOXML_PART[suffix])
    return False


def _has_part(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
