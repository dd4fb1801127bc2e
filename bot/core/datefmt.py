"""Dates and times as Vietnamese people write them (domain-vn.md 6.4)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import N_, Translator

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def weekday(day: date, _: Translator) -> str:
    """Return the weekday name ("Thứ Sáu", "Chủ nhật")."""
    return _(WEEKDAYS[day.weekday()])


def everyday(day: date, _: Translator) -> str:
    """Return the everyday form: "Thứ Sáu, 15/11/2024"."""
    return _("{weekday}, {date}").format(weekday=weekday(day, _), date=day.strftime("%d/%m/%Y"))


def short(day: date) -> str:
    """Return the numeric form "15/11/2024"."""
    return day.strftime("%d/%m/%Y")


def administrative(day: date, _: Translator, place: str | None = None) -> str:
    """Return the document style of Nghị định 30/2020: "Hà Nội, ngày 05 tháng 02 năm 2024".

    Days below 10 and the months January and February take a leading zero; other months do not.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = _("day {day} month {month} year {year}").format(
        day=f"{day.day:02d}", month=month, year=day.year
    )
    return f"{place}, {text}" if place else text


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """Return the 24-hour local time "07:30" of an aware datetime."""
    return moment.astimezone(zone).strftime("%H:%M")


def local_datetime(moment: datetime, zone: ZoneInfo, _: Translator) -> str:
    """Return "07:30, Thứ Sáu, 15/11/2024" in the school's time zone."""
    local = moment.astimezone(zone)
    return _("{time}, {day}").format(time=local.strftime("%H:%M"), day=everyday(local.date(), _))
