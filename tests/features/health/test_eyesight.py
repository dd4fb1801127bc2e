"""Eyesight as nurses write it: every notation read into one stored form, nonsense refused."""

from __future__ import annotations

from datetime import date

import pytest

from bot.features.health.eyesight import (
    VISION_AS_DATE,
    VISION_FORMAT,
    Eye,
    Sight,
    parse_eye,
    parse_sight,
    read,
)
from storage.roster.cells import CellError


@pytest.mark.parametrize(
    ("cell", "written", "full"),
    [
        ("10/10", "10/10", True),
        ("9/10", "9/10", False),
        (" 8 / 10", "8/10", False),
        ("1/10", "1/10", False),
        ("12/10", "12/10", True),
        ("20/10", "20/10", True),
        ("1/20", "1/20", False),
        ("1/50", "1/50", False),
        ("ĐNT 3m", "ĐNT 3m", False),
        ("DNT 3m", "ĐNT 3m", False),
        ("đnt 3 m", "ĐNT 3m", False),
        ("ĐNT 0,5m", "ĐNT 0,5m", False),
        ("đếm ngón tay 1m", "ĐNT 1m", False),
        ("7/10-2", "7/10-2", False),
        ("7/10 - 2", "7/10-2", False),
        ("10/10-1", "10/10-1", False),
        (10, "10/10", True),
        (9, "9/10", False),
        (9.0, "9/10", False),
        ("9", "9/10", False),
        (0.9, "9/10", False),
        ("0,9", "9/10", False),
        ("0.5", "5/10", False),
        ("1,0", "10/10", True),
        ("1,2", "12/10", True),
        (0.05, "1/20", False),
        ("0,02", "1/50", False),
    ],
)
def test_every_notation_is_read_into_one_form(cell: object, written: str, full: bool) -> None:
    sight = parse_sight(cell)
    assert (sight.written, sight.full) == (written, full)
    assert read(sight.written) == sight  # the stored form reads back the same


def test_the_values_compare_as_the_chart_reads() -> None:
    order = ["ĐNT 3m", "1/50", "1/20", "1/10", "7/10", "10/10", "12/10"]
    decimals = [parse_sight(value).decimal for value in order]
    assert decimals == sorted(decimals) and decimals[0] == 0.0
    assert parse_sight("7/10-2").missed == 2 and parse_sight("7/10-2").decimal == 0.7


@pytest.mark.parametrize(
    "cell",
    [
        "11/10x",
        "0/10",
        "10/0",
        "abc",
        "21/10",
        "1/10-5",
        "2/20",
        "1/60",
        "9/8",
        "ĐNT",
        "ĐNT 9m",
        "12",
        "0",
        0,
        -9,
        -0.9,
        "0,95",
        "1,25",
        True,
    ],
)
def test_nonsense_is_refused_with_how_to_write_it(cell: object) -> None:
    with pytest.raises(CellError) as refused:
        parse_sight(cell)
    assert refused.value.args[0] == VISION_FORMAT


def test_a_value_excel_turned_into_a_date_is_explained() -> None:
    with pytest.raises(CellError) as refused:
        parse_sight(date(2026, 10, 9))
    assert refused.value.args[0] == VISION_AS_DATE


@pytest.mark.parametrize(
    ("cell", "bare", "glasses"),
    [
        ("6/10 có kính 10/10", "6/10", "10/10"),
        ("6/10 (có kính 10/10)", "6/10", "10/10"),
        ("KK 6/10, CK 10/10", "6/10", "10/10"),
        ("không kính: 1/20; có kính: 8/10", "1/20", "8/10"),
        ("có kính 10/10", None, "10/10"),
        ("ĐNT 2m co kinh 7/10-1", "ĐNT 2m", "7/10-1"),
        ("9/10", "9/10", None),
    ],
)
def test_an_eye_without_and_with_glasses(cell: str, bare: str | None, glasses: str | None) -> None:
    eye = parse_eye(cell)
    assert (eye.bare.written if eye.bare else None) == bare
    assert (eye.glasses.written if eye.glasses else None) == glasses


@pytest.mark.parametrize("cell", [None, "", "  "])
def test_a_blank_eye_makes_no_claim(cell: object) -> None:
    eye = parse_eye(cell)
    assert eye == Eye() and not eye.low


@pytest.mark.parametrize("cell", ["có kính", "6/10 có kính abc", "abc có kính 10/10"])
def test_an_eye_with_nonsense_is_refused(cell: str) -> None:
    with pytest.raises(CellError):
        parse_eye(cell)


@pytest.mark.parametrize(
    ("bare", "glasses", "low"),
    [
        ("10/10", None, False),
        ("12/10", None, False),
        ("9/10", None, True),
        ("10/10-1", None, True),
        ("1/50", None, True),
        ("ĐNT 3m", None, True),
        ("4/10", "10/10", False),  # sees well with the glasses the child has
        ("4/10", "8/10", True),  # glasses not enough: an eye doctor
        (None, "7/10", True),
    ],
)
def test_low_is_how_the_child_sees_in_class(
    bare: str | None, glasses: str | None, low: bool
) -> None:
    assert Eye(read(bare), read(glasses)).low is low


def test_a_stored_value_that_cannot_be_read_is_no_claim() -> None:
    assert read(None) is None and read("") is None and read("???") is None
    assert read("9/10") == Sight(9, 10)
