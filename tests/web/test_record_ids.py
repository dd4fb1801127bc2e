"""An id in an address or a form is a record id only within 32 bits: beyond, "not found"."""

from __future__ import annotations

import pytest

from bot.web.security import LARGEST_ID, record_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),  # PostgreSQL's integer would overflow: a server error before
        ("9" * 13, None),
        ("0", None),
        ("", None),
        (None, None),
        ("-1", None),
        ("1e3", None),
        ("٣", None),  # a digit of another script
    ],
)
def test_record_ids(text: str | None, expected: int | None) -> None:
    assert record_id(text) == expected
