"""Quiet hours: crossing midnight, the defaults, and a mistyped setting."""

from __future__ import annotations

from datetime import time

from bot.delivery.quiet import DEFAULT_END, DEFAULT_START, is_quiet, parse_hours


def test_the_default_night_crosses_midnight() -> None:
    start, end = parse_hours({})
    assert (start, end) == (DEFAULT_START, DEFAULT_END)
    assert is_quiet(time(22, 0), start, end) and is_quiet(time(6, 29), start, end)
    assert not is_quiet(time(6, 30), start, end) and not is_quiet(time(20, 59), start, end)


def test_a_school_sets_its_own_hours_or_none() -> None:
    start, end = parse_hours({"quiet_hours": {"start": "20:00", "end": "07:00"}})
    assert is_quiet(time(20, 0), start, end) and not is_quiet(time(7, 0), start, end)
    start, end = parse_hours({"quiet_hours": {"start": "00:00", "end": "00:00"}})
    assert not is_quiet(time(3, 0), start, end)


def test_a_mistyped_setting_falls_back_to_the_defaults() -> None:
    assert parse_hours({"quiet_hours": {"start": "9pm", "end": "6.30"}}) == (
        DEFAULT_START,
        DEFAULT_END,
    )
