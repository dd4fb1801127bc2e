"""The administration's rules: who imports which files, who handles a class's families, who
revokes, and a staged list confirmed once by the administrator who sent it."""

from __future__ import annotations

from bot.core.access import Actor
from bot.features.administration import rules
from bot.features.administration.rules import Staged
from storage.models import AccountState, RequestState, Role, StagedImport, TelegramAccount


def person(*roles: Role, homeroom: int | None = None, school_id: int = 1) -> Actor:
    account = TelegramAccount(
        id=7, school_id=school_id, telegram_user_id=7, chat_id=7, state=AccountState.LINKED
    )
    classes = frozenset({homeroom} if homeroom is not None else set())
    return Actor(account, frozenset(roles), homeroom_classes=classes)


def staged(kind: str = "roster", state: RequestState = RequestState.PENDING) -> StagedImport:
    return StagedImport(
        id=1, school_id=1, account_id=7, kind=kind, file_id="f", file_name="x.csv", state=state
    )


def test_only_the_administrator_may_send_lists_and_only_sheets_up_to_5_mb() -> None:
    admin = person(Role.ADMIN)
    assert rules.file_refusal(admin, "danh-sach.XLSX", 1000) is None
    assert rules.file_refusal(admin, "ds.csv", rules.MAX_FILE_BYTES) is None
    assert rules.file_refusal(admin, "ds.pdf", 1000) == rules.ONLY_SHEETS
    assert rules.file_refusal(admin, "ds.csv", rules.MAX_FILE_BYTES + 1) == rules.TOO_BIG
    for other in (person(Role.HOMEROOM, homeroom=3), person(Role.PRINCIPAL), person()):
        assert rules.file_refusal(other, "ds.csv", 10) == rules.ONLY_ADMIN_IMPORTS


def test_a_class_is_its_homeroom_teachers_and_the_administrators_in_their_school() -> None:
    assert rules.handles_class(person(Role.HOMEROOM, homeroom=3), 1, 3)
    assert not rules.handles_class(person(Role.HOMEROOM, homeroom=3), 1, 4)
    assert rules.handles_class(person(Role.ADMIN), 1, 4)
    assert not rules.handles_class(person(Role.ADMIN), 2, 4)
    assert not rules.handles_class(person(Role.ADMIN), None, 4)
    assert not rules.handles_class(person(Role.PRINCIPAL), 1, 4)


def test_only_the_administrator_revokes_and_only_in_their_school() -> None:
    assert rules.may_revoke(person(Role.ADMIN), 1)
    assert not rules.may_revoke(person(Role.ADMIN), 2)
    assert not rules.may_revoke(person(Role.ADMIN), None)
    assert not rules.may_revoke(person(Role.HOMEROOM, homeroom=3), 1)


def test_a_staged_list_is_confirmed_once_by_the_administrator() -> None:
    admin = person(Role.ADMIN)
    assert rules.staged_state(admin, staged()) is Staged.OPEN
    assert rules.staged_state(admin, staged(kind="staff")) is Staged.OPEN
    for state in (RequestState.DONE, RequestState.CANCELLED):
        assert rules.staged_state(admin, staged(state=state)) is Staged.HANDLED
    assert rules.staged_state(admin, None) is Staged.NOT_YOURS
    assert rules.staged_state(admin, staged(kind="health")) is Staged.NOT_YOURS
    assert rules.staged_state(person(Role.HOMEROOM, homeroom=3), staged()) is Staged.NOT_YOURS
