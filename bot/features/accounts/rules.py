"""Accounts' rules: consent, the lock after wrong codes, who decides a link request and what
the parent claimed, and pupils told apart."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.i18n import N_
from storage.models import AccountState, Relation, RequestState

if TYPE_CHECKING:
    from bot.core.access import Actor
    from storage.models import LinkRequest, TelegramAccount

CONSENT_VERSION = "2026.1"
# What a parent reads and accepts before anything is linked: in chat (chat/consent.py) and on
# the web (a family without Telegram, at its first sign-in).
PARENT_TEXT = (
    N_(
        "The school keeps: your name and phone number, your Telegram account, your children's "
        "names, classes and birth dates, the study and health notices sent to you, and your "
        "messages to the school."
    ),
    N_(
        "Why: to send you your child's weekly study and health notices and urgent messages, and "
        "to let you reply to the school."
    ),
    N_(
        "Who sees it: your child's teachers, the school's leaders and, for health, the school "
        "nurse. It is never shown to other parents or posted in groups."
    ),
)
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


# Link requests: how long a request waits for a homeroom teacher who has not joined yet.
KEEP_REQUEST = timedelta(days=30)

# What a parent may say they are to the child, in their own words (the card shows the claim;
# the teacher checks it on the phone). Grandparents are stored as guardians.
RELATION_WORDS = {
    "mẹ": "mother",
    "má": "mother",
    "mạ": "mother",
    "bố": "father",
    "cha": "father",
    "tía": "father",
    "ông": "grandparent",
    "bà": "grandparent",
    "ngoại": "grandparent",
    "nội": "grandparent",
}
RELATION_STORED = {
    "mother": Relation.MOTHER,
    "father": Relation.FATHER,
    "grandparent": Relation.GUARDIAN,
}
_WORDS = re.compile(r"\w+")


def claimed_relation(text: str | None) -> str | None:
    """What the parent says they are to the child ("mother", "father", "grandparent"), read
    from their own words ("mẹ cháu Nguyễn Văn An 3A"); None when they did not say."""
    words = _WORDS.findall(unicodedata.normalize("NFC", text or "").lower())
    found = {RELATION_WORDS[word] for word in words if word in RELATION_WORDS}
    return found.pop() if len(found) == 1 else None


def stored_relation(claimed: str | None) -> Relation:
    """The relation kept on the lists for a parent linked by request."""
    return RELATION_STORED.get(claimed or "", Relation.GUARDIAN)


class Reach(enum.Enum):
    """Whom a link request reached when the parent sent it."""

    TEACHER = "teacher"  # the class's homeroom teacher has it
    ADMIN = "admin"  # the teacher has not joined; the administrator has it
    KEPT = "kept"  # nobody who decides has joined: it waits for them


def reach(teacher_linked: bool, admin_linked: bool) -> Reach:
    """What the parent is told about where the request went."""
    if teacher_linked:
        return Reach.TEACHER
    return Reach.ADMIN if admin_linked else Reach.KEPT


@dataclass(frozen=True, slots=True)
class Pupil:
    """A pupil as staff choose one: to be told apart from a namesake in the same list."""

    id: int
    name: str
    birth_date: date | None = None
    code: str = ""


def pupil_labels(pupils: Sequence[Pupil]) -> dict[int, str]:
    """Each pupil's label in a list: the name, and for pupils sharing a name the birth date
    (dd/mm/yyyy) or, when that does not tell them apart either, the end of the student code."""
    by_name: dict[str, list[Pupil]] = {}
    for pupil in pupils:
        by_name.setdefault(pupil.name.casefold(), []).append(pupil)
    labels = {}
    for same in by_name.values():
        births = [pupil.birth_date for pupil in same]
        dated = None not in births and len(set(births)) == len(births)
        for pupil in same:
            if len(same) == 1:
                labels[pupil.id] = pupil.name
            elif dated and pupil.birth_date is not None:
                labels[pupil.id] = f"{pupil.name} ({pupil.birth_date:%d/%m/%Y})"
            else:
                labels[pupil.id] = f"{pupil.name} (…{pupil.code[-4:]})"
    return labels
