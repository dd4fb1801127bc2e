"""Cells of real exports: dates, genders, classes, IDs."""

from datetime import date, datetime

import pytest

from storage.models import Gender, StudentStatus
from storage.roster import cells
from storage.roster.cells import CellError

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "written",
    ["25/01/2018", "25-01-2018", "25.1.2018", "2018-01-25", 43125, 43125.0, "43125"],
)
def test_birth_date_forms(written: object) -> None:
    assert cells.birth_date(written, TODAY) == date(2018, 1, 25)


def test_birth_date_from_an_excel_date_cell() -> None:
    assert cells.birth_date(datetime(2018, 1, 25), TODAY) == date(2018, 1, 25)


@pytest.mark.parametrize("written", ["31/02/2018", "2018/25/01", "hôm qua", "01/01/2030", 0])
def test_bad_birth_dates(written: object) -> None:
    with pytest.raises(CellError):
        cells.birth_date(written, TODAY)


def test_blank_birth_date_is_allowed() -> None:
    assert cells.birth_date(None, TODAY) is None


def test_gender_and_status() -> None:
    assert cells.gender("Nữ") is Gender.FEMALE
    assert cells.gender(" NAM ") is Gender.MALE
    assert cells.status("Đang học") is StudentStatus.STUDYING
    assert cells.status("Chuyển đi") is StudentStatus.TRANSFERRED
    with pytest.raises(CellError):
        cells.gender("Khác")


@pytest.mark.parametrize(
    ("written", "expected"),
    [("3a", ("3A", 3)), ("Lớp 5/2", ("5/2", 5)), (" 1 B ", ("1B", 1)), (4.0, ("4", 4))],
)
def test_class_names(written: object, expected: tuple[str, int]) -> None:
    assert cells.class_name(written) == expected


@pytest.mark.parametrize("written", ["", "6A", "Khối ba", None])
def test_bad_class_names(written: object) -> None:
    with pytest.raises(CellError):
        cells.class_name(written)


def test_student_code_stored_as_number_keeps_its_digits() -> None:
    assert cells.student_code(7984641177.0) == "7984641177"
    with pytest.raises(CellError):
        cells.student_code("79-84")


def test_a_listed_id_excel_turned_into_a_number_is_read_back_with_its_zeros() -> None:
    listed = ["00123", "00456", "HS0001"]
    assert cells.known_student_code(123, listed) == "00123"
    assert cells.known_student_code(123.0, listed) == "00123"
    assert cells.known_student_code("123", listed) == "00123"
    assert cells.known_student_code("00456", listed) == "00456"
    assert cells.known_student_code("HS0001", listed) == "HS0001"
    assert cells.known_student_code(98765, listed) == "98765"  # not listed: the caller says so
    with pytest.raises(cells.CellError):
        cells.known_student_code(7, listed)  # matches nothing and is no ID
    with pytest.raises(cells.CellError):
        cells.known_student_code(None, listed)


def test_a_bare_number_matching_two_listed_ids_is_not_guessed() -> None:
    with pytest.raises(cells.CellError):
        cells.known_student_code(12, ["0012", "00012"])
