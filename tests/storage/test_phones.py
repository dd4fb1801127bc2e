"""Phones as schools write them become E.164."""

import pytest

from storage.phones import PhoneError, display_phone, normalize_phone


@pytest.mark.parametrize(
    "written",
    [
        "0912.345.678",
        "+84 912 345 678",
        "84912345678",
        "(091) 234-5678",
        "0912-345-678",
        "0084912345678",
        912345678,
        912345678.0,
        "912345678",
    ],
)
def test_written_forms_of_one_mobile_number(written: object) -> None:
    assert normalize_phone(written) == "+84912345678"


def test_landline_keeps_its_area_code() -> None:
    assert normalize_phone("024 3825 3456") == "+842438253456"


@pytest.mark.parametrize("written", ["0521234567", "12345", "abc", "", "0912.345.67", 91234.5])
def test_impossible_numbers_are_refused(written: object) -> None:
    with pytest.raises(PhoneError):
        normalize_phone(written)


def test_display_is_national() -> None:
    assert display_phone("+84912345678") == "0912 345 678"
