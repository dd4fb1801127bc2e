"""Urgent notice rules without a database: what a message may hold and what a draft is."""

from __future__ import annotations

import pytest

from bot.core import limits
from bot.delivery.audience import Audience
from bot.features.urgent import rules
from bot.features.urgent.rules import Draft


@pytest.mark.parametrize(
    ("text", "caption", "problem"),
    [
        ("Nghỉ học", False, None),
        ("   ", False, limits.TEXT_EMPTY),
        ("x" * 3500, False, None),
        ("x" * 3501, False, limits.TEXT_TOO_LONG),
        ("", True, None),  # a photo or document may go without a caption
        ("x" * 1024, True, None),
        ("x" * 1025, True, limits.TEXT_TOO_LONG),
    ],
)
def test_a_message_or_caption_must_fit(text: str, caption: bool, problem: str | None) -> None:
    assert rules.text_problem(text, caption=caption) == problem


def test_only_audiences_a_person_may_choose_are_read_back() -> None:
    assert rules.audience_from({"kind": "class", "ids": ["3", 4]}) == Audience.classes(3, 4)
    assert rules.audience_from({"kind": "school", "ids": []}) == Audience.school()
    assert rules.audience_from({"kind": "accounts", "ids": [1]}) is None
    assert rules.audience_from({"kind": "class", "ids": ["x"]}) is None
    assert rules.audience_from("school") is None


def test_a_draft_survives_its_round_trip_through_the_pending_row() -> None:
    for draft in (
        Draft(Audience.grade(2), "Họp"),
        Draft(Audience.classes(5), "", ("photo", "F1")),
    ):
        assert Draft.from_data(draft.data()) == draft
    bad_media = {"audience": {"kind": "school", "ids": []}, "text": "x", "media": ["photo"]}
    assert Draft.from_data(bad_media) is None
