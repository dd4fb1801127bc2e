"""Accounts' rules: consent to the current text, the lock after wrong codes, who decides a
link request, and the buttons that only ever act on the presser's own account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.access import Actor
from bot.core.callbacks import read
from bot.features.accounts import rules
from bot.features.accounts.buttons import Agree, Disagree, LinkChild, RefuseLink, Unlink
from bot.features.accounts.rules import Decision
from storage.models import (
    AccountState,
    LinkRequest,
    Relation,
    RequestState,
    Role,
    TelegramAccount,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def account(state: AccountState = AccountState.LINKED, school_id: int = 1) -> TelegramAccount:
    return TelegramAccount(
        id=7, school_id=school_id, telegram_user_id=7, chat_id=7, state=state, failed_codes=0
    )


def person(*roles: Role, homeroom: int | None = None) -> Actor:
    classes = frozenset({homeroom} if homeroom is not None else set())
    return Actor(account(), frozenset(roles), homeroom_classes=classes)


def request(
    class_id: int | None = 3, state: RequestState = RequestState.PENDING, school_id: int = 1
) -> LinkRequest:
    return LinkRequest(id=5, school_id=school_id, class_id=class_id, state=state)


def test_consent_counts_only_for_the_current_text() -> None:
    someone = account(AccountState.NEW)
    assert not rules.has_consented(someone)
    rules.give_consent(someone, NOW)
    assert rules.has_consented(someone) and someone.state == AccountState.CONSENTED
    someone.consent_version = "2025.1"
    assert not rules.has_consented(someone)


def test_consent_does_not_unlink_a_linked_account() -> None:
    linked = account(AccountState.LINKED)
    rules.give_consent(linked, NOW)
    assert linked.state == AccountState.LINKED


def test_the_fifth_wrong_code_in_fifteen_minutes_locks_for_thirty() -> None:
    guesser = account(AccountState.CONSENTED)
    for minute in range(4):
        assert not rules.count_wrong_code(guesser, NOW + timedelta(minutes=minute))
    assert not rules.locked(guesser, NOW + timedelta(minutes=4))
    assert rules.count_wrong_code(guesser, NOW + timedelta(minutes=4))
    assert rules.locked(guesser, NOW + timedelta(minutes=33))
    assert not rules.locked(guesser, NOW + timedelta(minutes=35))


def test_wrong_codes_further_apart_than_the_window_start_counting_again() -> None:
    slow = account(AccountState.CONSENTED)
    for step in range(10):
        assert not rules.count_wrong_code(slow, NOW + step * timedelta(minutes=16))
    assert slow.failed_codes == 1


def test_the_class_homeroom_teacher_and_the_administrator_decide() -> None:
    assert rules.may_decide(person(Role.HOMEROOM, homeroom=3), request()) is Decision.DONE
    assert rules.may_decide(person(Role.ADMIN), request()) is Decision.DONE
    for stranger in (person(Role.HOMEROOM, homeroom=4), person(Role.PARENT), person()):
        assert rules.may_decide(stranger, request()) is Decision.NOT_ALLOWED
    assert rules.may_decide(person(Role.ADMIN), request(class_id=None)) is Decision.NOT_ALLOWED


def test_a_request_is_decided_once_and_only_in_its_school() -> None:
    admin = person(Role.ADMIN)
    for state in (RequestState.APPROVED, RequestState.REJECTED, RequestState.DESCRIBING):
        assert rules.may_decide(admin, request(state=state)) is Decision.STALE
    assert rules.may_decide(admin, request(school_id=2)) is Decision.STALE
    assert rules.may_decide(admin, None) is Decision.STALE


def test_only_a_pupil_of_the_named_class_is_linked() -> None:
    assert rules.may_link_pupil(request(class_id=3), 3)
    assert not rules.may_link_pupil(request(class_id=3), 4)
    assert not rules.may_link_pupil(request(class_id=3), None)


def test_account_buttons_act_on_the_presser_only() -> None:
    assert rules.own_account(7, 7) and not rules.own_account(8, 7)


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("v1:consent:yes", Agree()),  # consent screens sent before the typed buttons
        ("v1:consent:yes:K7MW3QXP", Agree("K7MW3QXP")),
        ("v1:consent:no", Disagree()),
        ("v1:lnk:ok:5:12", LinkChild(5, 12)),
        ("v1:lnk:no:5", RefuseLink(5)),
        ("v1:acct:unlink:7", Unlink(7)),
    ],
)
def test_buttons_already_sent_keep_working(data: str, press: object) -> None:
    assert read(data) == press


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("mẹ cháu Nguyễn Văn An 3A", "mother"),
        ("Bố của Trần Minh Trí lớp 3b", "father"),
        ("bà ngoại cháu Trí 3B", "grandparent"),
        ("cháu Trần Minh Trí lớp 3b", None),
        ("Mai Hà Linh lớp 1A", None),
        ("mẹ hoặc bố của An 3A", None),  # two claims: not one
    ],
)
def test_the_claimed_relation_is_read_from_the_parents_words(
    text: str, claimed: str | None
) -> None:
    assert rules.claimed_relation(text) == claimed


def test_a_claimed_grandparent_is_kept_as_a_guardian() -> None:
    assert rules.stored_relation("mother") is Relation.MOTHER
    assert rules.stored_relation("grandparent") is Relation.GUARDIAN
    assert rules.stored_relation(None) is Relation.GUARDIAN


def test_namesakes_are_told_apart_by_birth_date_or_code() -> None:
    pupils = [
        rules.Pupil(1, "Ngô Khánh Oanh", date(2018, 1, 25), "7900000001"),
        rules.Pupil(2, "Ngô Khánh Oanh", date(2018, 11, 2), "7900000002"),
        rules.Pupil(3, "Lê Văn Tám", date(2018, 11, 2), "7900000003"),
        rules.Pupil(4, "Vũ An", date(2018, 5, 5), "7900001234"),
        rules.Pupil(5, "Vũ An", date(2018, 5, 5), "7900005678"),
    ]
    assert rules.pupil_labels(pupils) == {
        1: "Ngô Khánh Oanh (25/01/2018)",
        2: "Ngô Khánh Oanh (02/11/2018)",
        3: "Lê Văn Tám",
        4: "Vũ An (…1234)",
        5: "Vũ An (…5678)",
    }


def test_the_parent_is_told_where_the_request_went() -> None:
    assert rules.reach(teacher_linked=True, admin_linked=False) is rules.Reach.TEACHER
    assert rules.reach(teacher_linked=False, admin_linked=True) is rules.Reach.ADMIN
    assert rules.reach(teacher_linked=False, admin_linked=False) is rules.Reach.KEPT
