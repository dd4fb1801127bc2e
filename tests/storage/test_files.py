"""Files people send are refused before a parser expands them; evidence is what its bytes say."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from storage import files
from storage.roster.headers import ROSTER_HEADERS, ROSTER_REQUIRED
from storage.roster.problems import FileRefused
from storage.roster.table import locate, read_rows
from tests.bombs import HEADER, SHEET, dimension_bomb, xml_bomb
from tests.factories import pupil, write_table

PUPIL = (1, "7900000001", "Hoàng Anh Đăng", "05/01/2019", "Nam", "1A", "0385908301")


def reason(path: Path) -> str:
    """The msgid a roster read of the file is refused with."""
    with pytest.raises(FileRefused) as refused:
        locate(read_rows(path), ROSTER_HEADERS, ROSTER_REQUIRED)
    return refused.value.problem.reason


def workbook_members(rows: list[tuple[object, ...]]) -> dict[str, bytes]:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_sheet(path: Path, edit: dict[str, bytes], level: int = 6) -> Path:
    """Write a small roster workbook with some members replaced."""
    members = workbook_members([HEADER, PUPIL]) | edit
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def sheet_xml(rows: str, dimension: str = "A1:G2") -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def roster_rows(count: int) -> str:
    header = "".join(f'<c t="inlineStr"><is><t>{title}</t></is></c>' for title in HEADER)
    rows = [f'<row r="1">{header}</row>']
    for n in range(2, count + 2):
        cells = "".join(
            f'<c t="inlineStr"><is><t>{value}</t></is></c>'
            for value in (n, f"79{n:08d}", "Hoàng Anh Đăng", "05/01/2019", "Nam", "1A")
        )
        rows.append(f'<row r="{n}">{cells}</row>')
    return "".join(rows)


# The two bombs of the attack.


def test_the_dimension_bomb_is_refused_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    assert reason(dimension_bomb(tmp_path / "ds.xlsx")) == files.TOO_MANY_ROWS
    assert time.monotonic() - started < 5


def test_the_xml_bomb_is_refused_by_what_it_unpacks_to(tmp_path: Path) -> None:
    bomb = xml_bomb(tmp_path / "ds.xlsx")
    assert bomb.stat().st_size < files.MAX_FILE_BYTES
    assert reason(bomb) == files.UNPACKS_TOO_BIG


# Each limit on its own.


def test_a_declared_size_is_ignored_and_rows_keep_their_own_width(tmp_path: Path) -> None:
    forged = sheet_xml(roster_rows(3), dimension="A1:XFD9000")
    path = with_sheet(tmp_path / "ds.xlsx", {SHEET: forged})
    rows = list(read_rows(path))
    assert [number for number, _cells in rows] == [1, 2, 3, 4]
    assert max(len(cells) for _n, cells in rows) == len(HEADER)  # not 16,384
    table = locate(iter(rows), ROSTER_HEADERS, ROSTER_REQUIRED)
    assert len(table.rows) == 3


def test_cells_right_of_the_column_limit_are_not_read(tmp_path: Path) -> None:
    wide = [f"x{n}" for n in range(files.MAX_COLUMNS + 50)]
    path = write_table(tmp_path / "ds.xlsx", [pupil(1, klass="1A") + wide])
    assert max(len(cells) for _n, cells in read_rows(path)) == files.MAX_COLUMNS
    csv_path = write_table(tmp_path / "ds.csv", [pupil(1, klass="1A") + wide])
    assert max(len(cells) for _n, cells in read_rows(csv_path)) == files.MAX_COLUMNS


def test_a_row_past_the_row_limit_is_refused(tmp_path: Path) -> None:
    last = f'<row r="{files.MAX_ROWS + 1}"><c t="inlineStr"><is><t>x</t></is></c></row>'
    path = with_sheet(tmp_path / "ds.xlsx", {SHEET: sheet_xml(roster_rows(1) + last)})
    assert reason(path) == files.TOO_MANY_ROWS
    at_limit = with_sheet(tmp_path / "ok.xlsx", {SHEET: sheet_xml(roster_rows(files.MAX_ROWS - 1))})
    assert len(list(read_rows(at_limit))) == files.MAX_ROWS


def test_a_csv_past_the_row_limit_or_the_size_limit_is_refused(tmp_path: Path) -> None:
    rows = [pupil(n, klass="1A") for n in range(1, files.MAX_ROWS + 1)]
    assert reason(write_table(tmp_path / "ds.csv", rows)) == files.TOO_MANY_ROWS
    big = tmp_path / "big.csv"
    big.write_text("Mã học sinh,Họ và tên,Lớp\n" + "x" * files.MAX_FILE_BYTES, encoding="utf-8")
    assert reason(big) == files.TOO_BIG


def test_an_upload_is_checked_whole_before_any_reader(tmp_path: Path) -> None:
    rows = [pupil(n, klass="1A") for n in range(1, files.MAX_ROWS + 1)]
    with pytest.raises(FileRefused) as refused:
        files.check_upload(write_table(tmp_path / "ds.csv", rows))
    assert refused.value.problem.reason == files.TOO_MANY_ROWS
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Họ và tên\n".encode("utf-16"))
    with pytest.raises(FileRefused) as refused:
        files.check_upload(latin)
    assert refused.value.problem.reason == files.NOT_UTF8
    with pytest.raises(FileRefused) as refused:
        files.check_upload(dimension_bomb(tmp_path / "ds.xlsx"))
    assert refused.value.problem.reason == files.TOO_MANY_ROWS
    files.check_upload(write_table(tmp_path / "ok.csv", rows[:100]))


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"PK" + b"\0" * files.MAX_FILE_BYTES)
    assert reason(path) == files.TOO_BIG


def test_a_member_compressed_too_far_is_refused_though_small(tmp_path: Path) -> None:
    padding = b" " * (2 * files.RATIO_FROM_BYTES)  # whitespace compresses ~1000:1
    rows = roster_rows(1).encode()
    forged = sheet_xml("").replace(b"<sheetData>", b"<sheetData>" + padding + rows)
    path = with_sheet(tmp_path / "ds.xlsx", {SHEET: forged}, level=9)
    assert reason(path) == files.UNPACKS_TOO_BIG


def test_a_row_of_more_cells_than_excel_has_columns_is_refused(tmp_path: Path) -> None:
    row = '<row r="2">' + "<c/>" * (files.MAX_ROW_CELLS + 1) + "</row>"
    path = with_sheet(tmp_path / "ds.xlsx", {SHEET: sheet_xml(roster_rows(0) + row)})
    assert reason(path) == files.TOO_COMPLEX


def test_entities_and_damaged_xml_are_refused(tmp_path: Path) -> None:
    entities = b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    body = sheet_xml("<row><c><v>&b;</v></c></row>")
    laughs = b'<?xml version="1.0"?><!DOCTYPE w [' + entities + b"]>" + body
    assert reason(with_sheet(tmp_path / "a.xlsx", {SHEET: laughs})) == files.TOO_COMPLEX
    broken = sheet_xml(roster_rows(1))[:-20]
    assert reason(with_sheet(tmp_path / "b.xlsx", {SHEET: broken})) == files.TOO_COMPLEX


def test_a_file_that_is_not_a_zip_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_text("Mã học sinh,Họ và tên\n", encoding="utf-8")
    assert reason(path) == files.NOT_A_WORKBOOK


def test_damaged_compressed_data_is_not_a_workbook(tmp_path: Path) -> None:
    good = with_sheet(tmp_path / "good.xlsx", {SHEET: sheet_xml(roster_rows(50))}).read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(good)
    damaged[start : start + 40] = b"\xff" * 40  # the sheet's deflate stream, overwritten
    path = tmp_path / "ds.xlsx"
    path.write_bytes(bytes(damaged))
    assert reason(path) == files.NOT_A_WORKBOOK


def test_a_cell_openpyxl_cannot_read_is_not_a_workbook(tmp_path: Path) -> None:
    row = '<row r="2"><c r="1A"><v>1</v></c></row>'
    path = with_sheet(tmp_path / "ds.xlsx", {SHEET: sheet_xml(roster_rows(0) + row)})
    assert reason(path) == files.NOT_A_WORKBOOK


def test_a_real_roster_passes_every_check(tmp_path: Path) -> None:
    path = write_table(tmp_path / "ds.xlsx", [pupil(n, klass="1A") for n in range(1, 40)])
    files.check_upload(path)
    assert len(locate(read_rows(path), ROSTER_HEADERS, ROSTER_REQUIRED).rows) == 39


# Evidence: the bytes must be what the name says.


def office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "docx":
        Document().save(buffer)
    else:
        Workbook().save(buffer)
    return buffer.getvalue()


OLE2 = files.OLE2 + b"\0" * 600
HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF" + b"\0" * 64
PDF = b"%PDF-1.4 bai kiem tra"
EXE = b"MZ\x90\0" + b"\0" * 200
ZIP = b"PK\x03\x04" + b"\0" * 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bai-kiem-tra.pdf", PDF),
        ("so-diem.JPG", JPEG),
        ("so-diem.jpeg", JPEG),
        ("so-diem.png", PNG),
        ("anh.heic", HEIC),
        ("don.doc", OLE2),
        ("bang.xls", OLE2),
        ("don.docx", office_file("docx")),
        ("bang.xlsx", office_file("xlsx")),
    ],
)
def test_evidence_whose_bytes_match_its_name_is_taken(name: str, data: bytes) -> None:
    assert files.content_matches(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("so-diem.jpg", EXE),
        ("so-diem.jpg", ZIP),
        ("so-diem.jpg", b"just some text"),
        ("so-diem.jpg", PNG),
        ("bai-kiem-tra.pdf", b"<html>not a pdf</html>"),
        ("don.docx", office_file("xlsx")),
        ("bang.xlsx", ZIP),
        ("don.doc", PDF),
        ("anh.heic", JPEG),
        ("chay.exe", EXE),
    ],
)
def test_evidence_whose_bytes_do_not_match_its_name_is_refused(name: str, data: bytes) -> None:
    assert not files.content_matches(name, data)
