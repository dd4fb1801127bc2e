"""The rules of a correction request, without a database (bot/features/corrections/rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.access import Actor
from bot.core.i18n import translator
from bot.features.corrections import rules
from bot.features.corrections.rules import Decision, Refused, Stale
from bot.features.leave.rules import DayProblem
from storage.models import (
    AccountState,
    CorrectionRequest,
    CorrectionState,
    Role,
    TelegramAccount,
)

VI = translator("vi")


def actor(*roles: Role, staff_id: int | None = 7, account_id: int = 70) -> Actor:
    account = TelegramAccount(
        id=account_id, school_id=1, staff_id=staff_id, state=AccountState.LINKED
    )
    return Actor(account, frozenset(roles))


def request(
    state: CorrectionState = CorrectionState.PENDING, **values: object
) -> CorrectionRequest:
    return CorrectionRequest(id=12, school_id=1, state=state, **values)


def test_only_todays_deciding_leader_with_a_staff_record_decides() -> None:
    assert rules.deciding_role(principal_absent=False) is Role.PRINCIPAL
    assert rules.deciding_role(principal_absent=True) is Role.VICE_PRINCIPAL
    assert rules.may_decide(actor(Role.PRINCIPAL), Role.PRINCIPAL)
    assert not rules.may_decide(actor(Role.PRINCIPAL), Role.VICE_PRINCIPAL)
    assert not rules.may_decide(actor(Role.PRINCIPAL, staff_id=None), Role.PRINCIPAL)
    assert not rules.may_decide(actor(Role.HOMEROOM, Role.ADMIN), Role.PRINCIPAL)


@pytest.mark.parametrize(
    ("roles", "role", "shown"),
    [
        ((Role.PRINCIPAL,), Role.PRINCIPAL, (True, False, False)),
        ((Role.VICE_PRINCIPAL,), Role.VICE_PRINCIPAL, (True, False, False)),
        ((Role.ADMIN,), Role.PRINCIPAL, (False, True, False)),
        ((Role.HOMEROOM,), Role.PRINCIPAL, (False, False, True)),
        ((Role.SUBJECT_TEACHER,), Role.VICE_PRINCIPAL, (False, False, True)),
        # A vice principal who also teaches follows their requests, and decides when it is
        # their day; a principal who is away still changes the system if they administer it.
        ((Role.VICE_PRINCIPAL, Role.HOMEROOM), Role.PRINCIPAL, (False, False, True)),
        ((Role.VICE_PRINCIPAL, Role.HOMEROOM), Role.VICE_PRINCIPAL, (True, False, True)),
        ((Role.PRINCIPAL, Role.ADMIN), Role.VICE_PRINCIPAL, (False, True, False)),
    ],
)
def test_duyet_lists_what_each_role_waits_for(
    roles: tuple[Role, ...], role: Role, shown: tuple[bool, bool, bool]
) -> None:
    desk = rules.desk(actor(*roles), role)
    assert (desk.decide, desk.apply, desk.own) == shown


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        ((Role.PARENT,), Role.PRINCIPAL),
        ((Role.MEDICAL,), Role.PRINCIPAL),
        ((), Role.PRINCIPAL),  # an account on no list
        ((Role.PRINCIPAL,), Role.VICE_PRINCIPAL),  # away: the vice principal decides
        ((Role.VICE_PRINCIPAL,), Role.PRINCIPAL),  # the principal is in
    ],
)
def test_duyet_refuses_whoever_nothing_waits_for(roles: tuple[Role, ...], role: Role) -> None:
    with pytest.raises(Refused) as refused:
        rules.desk(actor(*roles), role)
    assert refused.value.message(VI) == VI(rules.NOT_DECIDER)
    assert refused.value.message(VI).startswith("Chỉ Hiệu trưởng"), refused.value.message(VI)


def test_only_the_principal_with_a_staff_record_keeps_the_absences() -> None:
    rules.check_absence_keeper(actor(Role.PRINCIPAL))
    rules.check_absence_keeper(actor(Role.PRINCIPAL, Role.HOMEROOM))
    others = [
        actor(Role.VICE_PRINCIPAL),
        actor(Role.ADMIN, Role.HOMEROOM),
        actor(Role.PARENT, staff_id=None),
        actor(Role.PRINCIPAL, staff_id=None),
        actor(),
    ]
    for someone in others:
        with pytest.raises(Refused) as refused:
            rules.check_absence_keeper(someone)
        said = refused.value.message(VI)
        assert said == "Chỉ Hiệu trưởng ghi nhận lịch vắng mặt của mình.", said


def test_a_decision_needs_a_waiting_request_and_a_refusal_its_reason() -> None:
    rules.check_decidable(request())
    with pytest.raises(Stale):
        rules.check_decidable(request(CorrectionState.APPROVED))
    assert rules.decided_state(Decision.APPROVE, None) is CorrectionState.APPROVED
    assert rules.decided_state(Decision.REJECT, "Sai.") is CorrectionState.REJECTED
    assert rules.decided_state(Decision.MORE, "Ảnh?") is CorrectionState.NEEDS_INFO
    for decision in (Decision.REJECT, Decision.MORE):
        with pytest.raises(Refused) as refused:
            rules.decided_state(decision, "  ")
        assert refused.value.message(VI) == VI(rules.NO_REASON)


def test_only_the_requester_adds_and_only_when_asked() -> None:
    teacher = actor(Role.HOMEROOM, account_id=70)
    asked = request(CorrectionState.NEEDS_INFO, requester_account=70)
    rules.check_addition(teacher, asked)
    with pytest.raises(Refused):
        rules.check_addition(actor(Role.HOMEROOM, account_id=71), asked)
    with pytest.raises(Stale):
        rules.check_addition(teacher, request(requester_account=70))
    with pytest.raises(Refused):
        rules.check_addition_content(" ", 0)
    rules.check_addition_content("", 1)
    rules.check_addition_content("Ảnh bài kiểm tra.", 0)


def test_each_signer_signs_in_their_own_roles_and_three_complete_the_minutes() -> None:
    done = request(CorrectionState.APPLIED, decided_by=7, applied_by=8, requester_account=90)
    assert rules.signer_roles(actor(Role.PRINCIPAL, staff_id=7), done) == ["principal"]
    assert rules.signer_roles(actor(Role.ADMIN, staff_id=8), done) == ["admin"]
    assert rules.signer_roles(actor(Role.HOMEROOM, staff_id=9, account_id=90), done) == ["teacher"]
    assert rules.signer_roles(actor(Role.HOMEROOM, staff_id=5), done) == []
    assert not rules.complete(["principal", "admin"])
    assert rules.complete(["teacher", "principal", "admin"])
    assert rules.may_apply(actor(Role.ADMIN))
    assert not rules.may_apply(actor(Role.ADMIN, staff_id=None))
    assert not rules.may_apply(actor(Role.PRINCIPAL))


def test_an_absence_is_forward_within_the_year_and_at_most_thirty_days() -> None:
    today = date(2026, 11, 2)
    year = (date(2026, 9, 5), date(2027, 5, 31))
    assert rules.check_days(today, date(2026, 11, 6), today, year) is None
    assert rules.check_days(today, date(2026, 11, 1), today, year) is DayProblem.END_BEFORE_START
    assert rules.check_days(date(2026, 11, 1), today, today, year) is DayProblem.PAST
    assert rules.check_days(today, date(2026, 12, 31), today, year) is DayProblem.TOO_LONG
    late = date(2027, 5, 30)
    assert rules.check_days(late, date(2027, 6, 2), today, year) is DayProblem.OUTSIDE_YEAR
    assert rules.too_late(date(2027, 6, 1), date(2027, 5, 31))
    assert not rules.too_late(date(2027, 5, 31), date(2027, 5, 31))


# Pupils sharing a name ------------------------------------------------------------------------

EN = translator("en")


def test_namesakes_are_told_apart_by_birth_date_else_by_the_end_of_their_code() -> None:
    oanh = "Ngô Khánh Oanh"
    pupils = [
        rules.Pupil(1, oanh, date(2018, 1, 25), "7900000123"),
        rules.Pupil(2, "Mai Hà Linh", date(2018, 3, 2), "7900000124"),
        rules.Pupil(3, "ngô  khánh oanh", date(2018, 9, 4), "7900000456"),
    ]
    labels = rules.told_apart(pupils, EN)
    assert labels == {
        1: "Ngô Khánh Oanh (born 25/01/2018)",
        2: "Mai Hà Linh",  # nobody shares her name: the name alone
        3: "ngô  khánh oanh (born 04/09/2018)",
    }
    twins = [
        rules.Pupil(1, oanh, date(2018, 1, 25), "7900000123"),
        rules.Pupil(3, oanh, date(2018, 1, 25), "7900001123"),
        rules.Pupil(4, oanh, None, "7900000999"),
    ]
    labels = rules.told_apart(twins, EN)
    assert labels == {  # the same birth date (or none): the shortest end of the code that differs
        1: "Ngô Khánh Oanh (student ID …0123)",
        3: "Ngô Khánh Oanh (student ID …1123)",
        4: "Ngô Khánh Oanh (student ID …0999)",
    }
    assert len(set(labels.values())) == 3
    same_end = [
        rules.Pupil(1, oanh, None, "7900000123"),
        rules.Pupil(3, oanh, None, "7900010123"),
    ]
    assert rules.told_apart(same_end, VI) == {  # as long as it takes to differ
        1: "Ngô Khánh Oanh (mã HS …00123)",
        3: "Ngô Khánh Oanh (mã HS …10123)",
    }
