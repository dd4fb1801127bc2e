"""Health rules: who records and who sends a school-wide notice, and the line typed in chat."""

from __future__ import annotations

import pytest

from bot.core.access import Actor
from bot.features.health import rules
from bot.features.health.eyesight import VISION_FORMAT
from bot.features.health.growth import HEIGHT_RANGE, WEIGHT_RANGE
from bot.features.health.rules import HealthEntry, parse_entry
from storage.models import AccountState, Role, TelegramAccount
from storage.roster.cells import CellError


def person(*roles: Role, state: AccountState = AccountState.LINKED) -> Actor:
    account = TelegramAccount(school_id=1, telegram_user_id=1, chat_id=1, state=state)
    return Actor(account, frozenset(roles))


def test_only_the_nurse_records_results() -> None:
    assert rules.may_record(person(Role.MEDICAL))
    assert rules.may_record(person(Role.HOMEROOM, Role.MEDICAL))
    for roles in ((Role.PRINCIPAL,), (Role.HOMEROOM,), (Role.PARENT,), (Role.ADMIN,)):
        assert not rules.may_record(person(*roles))
    assert not rules.may_record(person(Role.MEDICAL, state=AccountState.REVOKED))


def test_the_nurse_and_the_principal_send_school_wide_notices() -> None:
    assert rules.may_alert(person(Role.MEDICAL)) and rules.may_alert(person(Role.PRINCIPAL))
    for roles in ((Role.VICE_PRINCIPAL,), (Role.HOMEROOM,), (Role.PARENT,), ()):
        assert not rules.may_alert(person(*roles))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Dịch cúm", None),
        ("  \n ", (rules.ALERT_EMPTY, {})),
        ("x" * 3000, None),
        ("x" * 3001, (rules.ALERT_TOO_LONG, {"length": 3001, "limit": 3000})),
    ],
)
def test_a_school_wide_notice_must_have_a_text_within_the_limit(
    text: str, problem: tuple[str, dict[str, object]] | None
) -> None:
    assert rules.alert_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (
            "128; 26,5; 10/10; 8/10; sâu 2 răng; bình thường",
            HealthEntry(128.0, 26.5, "10/10", "8/10", "sâu 2 răng", "bình thường", None),
        ),
        ("128;26.5", HealthEntry(128.0, 26.5)),
        ("128 cm; 26 kg; ; 9/10", HealthEntry(128.0, 26.0, None, "9/10")),
        (
            "128; 26; 6/10 có kính 10/10; ĐNT 3m",
            HealthEntry(128.0, 26.0, "6/10", "ĐNT 3m", vision_left_glasses="10/10"),
        ),
        ("128; 26; 7/10-2; 12/10", HealthEntry(128.0, 26.0, "7/10-2", "12/10")),
        (
            "128; 26; 1/20; KK 1/50, CK 8/10",
            HealthEntry(128.0, 26.0, "1/20", "1/50", None, None, None, None, "8/10"),
        ),
        ("128; 26; ; ; ; ; ăn ít; hay mệt", HealthEntry(128.0, 26.0, notes="ăn ít; hay mệt")),
    ],
)
def test_the_chat_form_is_read(text: str, entry: HealthEntry) -> None:
    assert parse_entry(text) == entry


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1500; 26", HEIGHT_RANGE),
        ("128; 0", WEIGHT_RANGE),
        ("128; 26; 11/10x; 10/10", VISION_FORMAT),
        ("128; 26; 10/10; 0/10", VISION_FORMAT),
        ("128; 26; 10/0", VISION_FORMAT),
        ("128; 26; abc", VISION_FORMAT),
        ("128", rules.ENTRY_FORMAT),
        ("", rules.ENTRY_FORMAT),
        ("128; 26; ; ; " + "x" * 501, rules.TEXT_TOO_LONG),
    ],
)
def test_bad_chat_entries_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(CellError) as refused:
        parse_entry(text)
    assert refused.value.args[0] == reason


@pytest.mark.parametrize(
    ("text", "field"),
    [("128; 26; 11/10x; 10/10", rules.LEFT_EYE), ("128; 26; 10/10; 10/0", rules.RIGHT_EYE)],
)
def test_a_refused_eye_is_named(text: str, field: str) -> None:
    with pytest.raises(rules.FieldError) as refused:
        parse_entry(text)
    assert (refused.value.field, refused.value.args[0]) == (field, VISION_FORMAT)
