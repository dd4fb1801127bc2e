"""Typed buttons: every kind fits Telegram's 64 bytes at its widest, and reads back exactly."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Annotated

import pytest

from bot.app import FEATURES
from bot.core import menu
from bot.core.callbacks import (
    MAX_BYTES,
    BadCallback,
    Button,
    Max,
    button,
    largest,
    read,
    registered_buttons,
)
from bot.core.features import Features
from bot.delivery import receipts


def every_feature() -> Features:
    """Register every feature as the application does, so every button kind is declared."""
    features = Features()
    menu.register(features)
    receipts.register(features)
    for feature in FEATURES:
        feature.register(features)
    return features


FEATURES_REGISTERED = every_feature()
KINDS = sorted(registered_buttons().items())


@pytest.mark.parametrize(("name", "kind"), KINDS, ids=[f"{f}:{a}" for (f, a), _k in KINDS])
def test_each_kind_fits_64_bytes_at_its_widest_and_reads_back(
    name: tuple[str, str], kind: type[Button]
) -> None:
    widest = largest(kind)
    data = widest.data()
    assert len(data.encode()) <= MAX_BYTES, f"{data!r} is {len(data.encode())} bytes"
    assert read(data) == widest


def test_every_routed_kind_is_a_declared_button() -> None:
    declared = set(registered_buttons().values())
    assert set(FEATURES_REGISTERED.presses) <= declared
    assert FEATURES_REGISTERED.presses, "no feature routes a typed button"


@button("test", "sample")
@dataclass(frozen=True, slots=True)
class Sample(Button):
    """A button with every kind of field, for the reading tests."""

    number: int
    flag: bool
    day: date
    word: Annotated[str, Max(4)] = ""


def test_fields_read_back_with_their_types() -> None:
    press = Sample(-7, True, date(2026, 12, 5), "")
    assert press.data() == "v1:test:sample:-7:1:20261205:~"
    assert read(press.data()) == press
    assert read("v1:test:sample:3:0:20261207") == Sample(3, False, date(2026, 12, 7))


@pytest.mark.parametrize(
    "data",
    [
        "v1:test:sample:x:1:20261205",  # not a number
        "v1:test:sample:1:2:20261205",  # not a flag
        "v1:test:sample:1:1:20261399",  # not a date
        "v1:test:sample:1:1:20261205:toolong",  # text over its declared length
        "v1:test:sample:1",  # too few
        "v1:test:sample:1:1:20261205:a:b",  # too many
        "v1:test:nothing:1",  # no such action
        "v2:test:sample:1:1:20261205",  # another version
        "",
        None,
    ],
)
def test_forged_data_is_refused(data: str | None) -> None:
    with pytest.raises(BadCallback):
        read(data)


def test_a_kind_declared_twice_or_with_an_unbounded_text_is_refused() -> None:
    with pytest.raises(ValueError, match="two buttons"):
        button("test", "sample")(type("Again", (Button,), {}))

    with pytest.raises(TypeError, match="Annotated"):

        @button("test", "loose")
        @dataclass(frozen=True)
        class Loose(Button):
            text: str

    assert [f.name for f in fields(Sample)] == ["number", "flag", "day", "word"]


def test_an_integer_wider_than_32_bits_is_refused_when_packed() -> None:
    with pytest.raises(ValueError, match="32-bit"):
        Sample(2**31, True, date(2026, 12, 5)).data()
