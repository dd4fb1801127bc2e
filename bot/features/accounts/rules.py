"""Accounts' rules: consent, the lock after wrong codes, who decides a link request."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from storage.models import AccountState, RequestState

if TYPE_CHECKING:
    from bot.core.access import Actor
    from storage.models import LinkRequest, TelegramAccount

CONSENT_VERSION = "2026.1"
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=30)


def has_consented(account: TelegramAccount) -> bool:
    """Tell whether the account consented to the current consent text."""
    return account.consent_at is not None and account.consent_version == CONSENT_VERSION


def give_consent(account: TelegramAccount, now: datetime) -> None:
    """Record the person's consent with its time and the version of the text they read."""
    account.consent_at = now
    account.consent_version = CONSENT_VERSION
    if account.state in (AccountState.NEW, AccountState.REVOKED):
        account.state = AccountState.CONSENTED


def locked(account: TelegramAccount, now: datetime) -> bool:
    """Tell whether too many wrong codes keep this account from trying another now."""
    return account.locked_until is not None and account.locked_until > now


def count_wrong_code(account: TelegramAccount, now: datetime) -> bool:
    """Count a wrong code; five within 15 minutes lock the account for 30. True if locked."""
    if account.failed_since is None or now - account.failed_since > WRONG_CODE_WINDOW:
        account.failed_since = now
        account.failed_codes = 0
    account.failed_codes += 1
    if account.failed_codes < MAX_WRONG_CODES:
        return False
    account.locked_until = now + LOCKOUT
    account.failed_codes = 0
    account.failed_since = None
    return True


class Decision(enum.Enum):
    """What a press on a link request's button did."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    STALE = "stale"


def may_decide(actor: Actor, request: LinkRequest | None) -> Decision:
    """Whether this person may decide this request now: the class's homeroom teacher or an
    administrator, of the request's school, while it waits (DONE means "go ahead")."""
    if request is None or request.school_id != actor.school_id:
        return Decision.STALE
    if request.class_id is None or not actor.can_manage_class_accounts(request.class_id):
        return Decision.NOT_ALLOWED
    if request.state != RequestState.PENDING:
        return Decision.STALE
    return Decision.DONE


def may_link_pupil(request: LinkRequest, pupil_class_id: int | None) -> bool:
    """Only a pupil of the class the parent named may be linked by a request."""
    return pupil_class_id is not None and pupil_class_id == request.class_id


def own_account(account_id: int, presser_account_id: int) -> bool:
    """An account's buttons act only on the presser's own account."""
    return account_id == presser_account_id
