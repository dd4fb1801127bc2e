"""Dates as Vietnamese people write them."""

from datetime import UTC, date, datetime

from bot.core import datefmt
from bot.core.i18n import translator
from bot.core.settings import load_settings

vi = translator("vi")


def test_everyday_form() -> None:
    assert datefmt.everyday(date(2024, 11, 15), vi) == "Thứ Sáu, 15/11/2024"
    assert datefmt.everyday(date(2024, 9, 15), vi) == "Chủ nhật, 15/09/2024"
    assert datefmt.everyday(date(2024, 11, 15), translator("en")) == "Friday, 15/11/2024"


def test_administrative_form_pads_days_and_only_january_february() -> None:
    assert datefmt.administrative(date(2024, 2, 5), vi, "Hà Nội") == (
        "Hà Nội, ngày 05 tháng 02 năm 2024"
    )
    assert datefmt.administrative(date(2024, 11, 9), vi) == "ngày 09 tháng 11 năm 2024"
    assert datefmt.administrative(date(2024, 3, 20), vi) == "ngày 20 tháng 3 năm 2024"


def test_times_are_local_to_the_school() -> None:
    zone = load_settings().zone
    moment = datetime(2024, 11, 15, 0, 30, tzinfo=UTC)
    assert datefmt.local_time(moment, zone) == "07:30"
    assert datefmt.local_datetime(moment, zone, vi) == "07:30, Thứ Sáu, 15/11/2024"
