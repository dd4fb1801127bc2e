"""The archive's rules: who exports it, the school year asked for, what Telegram carries."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.access import Actor
from bot.features.archive import rules
from storage.models import AccountState, Role, TelegramAccount


def person(*roles: Role) -> Actor:
    account = TelegramAccount(school_id=1, telegram_user_id=1, chat_id=1, state=AccountState.LINKED)
    return Actor(account, frozenset(roles))


ALLOWED: list[tuple[Role, ...]] = [(Role.CLERK,), (Role.PRINCIPAL,), (Role.ADMIN,)]
REFUSED: list[tuple[Role, ...]] = [(Role.VICE_PRINCIPAL,), (Role.HOMEROOM,), (Role.PARENT,), ()]


def test_the_clerk_the_principal_and_the_administrator_export() -> None:
    for roles in [*ALLOWED, (Role.PARENT, Role.CLERK)]:
        assert rules.may_export(person(*roles))
    for roles in REFUSED:
        assert not rules.may_export(person(*roles))


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 9, 5), "2026-2027"),
        (date(2027, 5, 31), "2026-2027"),
        (date(2026, 7, 31), "2025-2026"),
    ],
)
def test_this_school_year_turns_in_august(today: date, year: str) -> None:
    assert rules.school_year_of(today) == year


def test_an_archive_over_50_mb_is_not_sent_in_chat() -> None:
    assert rules.fits_telegram(rules.MAX_DOCUMENT_BYTES)
    assert not rules.fits_telegram(rules.MAX_DOCUMENT_BYTES + 1)
