"""Telegram accounts: consent, linking by phone or code, unlinking, revoking, blocking."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import account_for
from bot.delivery.kept import deliver_kept
from bot.features.accounts import invitations
from bot.features.accounts.rules import (
    CONSENT_VERSION,
    count_wrong_code,
    give_consent,
    has_consented,
    locked,
)
from storage.models import AccountState, AuditEvent, Guardian, Staff, TelegramAccount
from storage.phones import PhoneError, normalize_phone
from storage.queries import audit, audit_refusal

# Re-exported: an account's first contact is core's (bot/core/access.py); consent is a rule.
__all__ = ["CONSENT_VERSION", "account_for", "give_consent", "has_consented"]


class LinkOutcome(enum.Enum):
    LINKED = "linked"
    UNKNOWN_PHONE = "unknown_phone"
    BAD_PHONE = "bad_phone"
    WRONG_CODE = "wrong_code"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What a linking attempt did."""

    outcome: LinkOutcome
    phone: str | None = None
    replaced: int = 0
    locked_until: datetime | None = None
    kept: int = 0  # notices kept for this person until they joined, now queued for them


@dataclass(frozen=True, slots=True)
class Linked:
    """What linking an account did: other accounts that lost the record, kept notices given."""

    replaced: int
    kept: int


async def link_by_phone(
    session: AsyncSession, account: TelegramAccount, raw_phone: str, actor: str, now: datetime
) -> LinkResult:
    """Link the account to the guardian and/or staff member with this phone."""
    try:
        phone = normalize_phone(raw_phone)
    except PhoneError:
        return LinkResult(LinkOutcome.BAD_PHONE)
    guardian_id = await session.scalar(
        select(Guardian.id).where(Guardian.school_id == account.school_id, Guardian.phone == phone)
    )
    staff_id = await session.scalar(
        select(Staff.id).where(
            Staff.school_id == account.school_id, Staff.phone == phone, Staff.left_at.is_(None)
        )
    )
    if guardian_id is None and staff_id is None:
        await audit_refusal(
            session,
            school_id=account.school_id,
            actor=actor,
            action="account.link_refused",
            entity="telegram_account",
            entity_id=account.id,
            reason="unknown_phone",
        )
        return LinkResult(LinkOutcome.UNKNOWN_PHONE, phone=phone)
    done = await link(session, account, guardian_id, staff_id, actor, via="phone", now=now)
    return LinkResult(LinkOutcome.LINKED, phone=phone, replaced=done.replaced, kept=done.kept)


async def link(
    session: AsyncSession,
    account: TelegramAccount,
    guardian_id: int | None,
    staff_id: int | None,
    actor: str,
    via: str,
    now: datetime,
) -> Linked:
    """Link an account; another account holding the same record is unlinked. What was kept
    for the person until they joined (a parent's feedback or link request for a teacher not in
    the bot yet) is queued for them in the same transaction: ring the sender after the commit
    when `kept` is not 0."""
    before = _links(account)
    replaced = await _release(session, account, guardian_id, staff_id, actor, now)
    if guardian_id:
        account.guardian_id = guardian_id
    if staff_id:
        account.staff_id = staff_id
    account.state = AccountState.LINKED
    account.failed_codes = 0
    account.failed_since = None
    account.locked_until = None
    audit(
        session,
        school_id=account.school_id,
        actor=actor,
        action="account.link",
        entity="telegram_account",
        entity_id=account.id,
        before=before,
        after=_links(account) | {"via": via},
    )
    return Linked(replaced, await deliver_kept(session, account, now))


async def _release(
    session: AsyncSession,
    account: TelegramAccount,
    guardian_id: int | None,
    staff_id: int | None,
    actor: str,
    now: datetime,
) -> int:
    """Unlink the guardian and staff record from any other account (a new phone replaces the
    old one); return how many accounts lost them."""
    holders = []
    if guardian_id:
        holders.append(TelegramAccount.guardian_id == guardian_id)
    if staff_id:
        holders.append(TelegramAccount.staff_id == staff_id)
    others = list(
        await session.scalars(
            select(TelegramAccount).where(
                TelegramAccount.school_id == account.school_id,
                TelegramAccount.id != account.id,
                or_(*holders),
            )
        )
    )
    for other in others:
        other_before = _links(other)
        if guardian_id and other.guardian_id == guardian_id:
            other.guardian_id = None
        if staff_id and other.staff_id == staff_id:
            other.staff_id = None
        if other.guardian_id is None and other.staff_id is None:
            other.state = AccountState.CONSENTED
            other.current_student_id = None
        audit(
            session,
            school_id=account.school_id,
            actor=actor,
            action="account.replaced",
            entity="telegram_account",
            entity_id=other.id,
            before=other_before,
            after=_links(other) | {"replaced_by": account.id, "at": now.isoformat()},
        )
    return len(others)


async def link_by_code(
    session: AsyncSession, account: TelegramAccount, code: str, now: datetime, actor: str
) -> LinkResult:
    """Link with a one-time invitation code; five wrong codes in 15 minutes lock for 30."""
    if locked(account, now):
        return LinkResult(LinkOutcome.LOCKED, locked_until=account.locked_until)
    invitation = await invitations.redeem(session, account.school_id, code, now)
    if invitation is None:
        return _wrong_code(session, account, now, actor)
    invitation.used_by = account.id
    done = await link(
        session, account, invitation.guardian_id, invitation.staff_id, actor, via="code", now=now
    )
    return LinkResult(LinkOutcome.LINKED, replaced=done.replaced, kept=done.kept)


def _wrong_code(
    session: AsyncSession, account: TelegramAccount, now: datetime, actor: str
) -> LinkResult:
    now_locked = count_wrong_code(account, now)
    audit(
        session,
        school_id=account.school_id,
        actor=actor,
        action="account.code_locked" if now_locked else "account.code_refused",
        entity="telegram_account",
        entity_id=account.id,
    )
    if now_locked:
        return LinkResult(LinkOutcome.LOCKED, locked_until=account.locked_until)
    return LinkResult(LinkOutcome.WRONG_CODE)


def unlink(
    session: AsyncSession,
    account: TelegramAccount,
    actor: str,
    *,
    revoke: bool = False,
    now: datetime | None = None,
) -> None:
    """Unlink an account (the person's choice) or revoke it (the administrator's, lost phone);
    `now` (the bot's clock) is kept with the event for a late press to tell when."""
    before = _links(account)
    account.guardian_id = None
    account.staff_id = None
    account.current_student_id = None
    account.state = AccountState.REVOKED if revoke else AccountState.CONSENTED
    audit(
        session,
        school_id=account.school_id,
        actor=actor,
        action="account.revoke" if revoke else "account.unlink",
        entity="telegram_account",
        entity_id=account.id,
        before=before,
        after=_links(account) | ({"at": now.isoformat()} if now else {}),
    )


@dataclass(frozen=True, slots=True)
class Unlinked:
    """How and when an account last lost its link: "account.unlink" (the person's own
    choice, or consent withdrawn), "account.revoke" (the administrator) or "account.replaced"
    (another account linked the same phone)."""

    how: str
    at: datetime


UNLINKS = ("account.unlink", "account.revoke", "account.replaced")


async def last_unlinked(session: AsyncSession, account: TelegramAccount) -> Unlinked | None:
    """When and how the account last lost its link, from its audit events; None if never."""
    row = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.after, AuditEvent.created_at)
            .where(
                AuditEvent.school_id == account.school_id,
                AuditEvent.entity == "telegram_account",
                AuditEvent.entity_id == str(account.id),
                AuditEvent.action.in_(UNLINKS),
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    action, after, created_at = row
    at = (after or {}).get("at")
    return Unlinked(action, datetime.fromisoformat(at) if isinstance(at, str) else created_at)


def withdraw_consent(
    session: AsyncSession, account: TelegramAccount, actor: str, now: datetime | None = None
) -> None:
    """Withdraw consent: notices stop, the account unlinks, the consent record is cleared."""
    unlink(session, account, actor, now=now)
    account.consent_at = None
    account.consent_version = None
    account.state = AccountState.NEW
    audit(
        session,
        school_id=account.school_id,
        actor=actor,
        action="account.consent_withdrawn",
        entity="telegram_account",
        entity_id=account.id,
    )


async def set_blocked(
    session: AsyncSession, account: TelegramAccount, blocked: bool, actor: str, now: datetime
) -> int:
    """Mark an account blocked (the person blocked the bot) or active again; a person linked
    again is given what was kept for them meanwhile (the count; ring the sender if not 0)."""
    if blocked and account.state != AccountState.BLOCKED:
        account.state = AccountState.BLOCKED
    elif not blocked and account.state == AccountState.BLOCKED:
        if account.guardian_id or account.staff_id:
            account.state = AccountState.LINKED
        else:
            account.state = AccountState.CONSENTED if account.consent_at else AccountState.NEW
    else:
        return 0
    audit(
        session,
        school_id=account.school_id,
        actor=actor,
        action="account.blocked" if blocked else "account.unblocked",
        entity="telegram_account",
        entity_id=account.id,
    )
    return 0 if blocked else await deliver_kept(session, account, now)


def _links(account: TelegramAccount) -> dict[str, object]:
    return {
        "guardian_id": account.guardian_id,
        "staff_id": account.staff_id,
        "state": account.state.value if account.state else None,
    }
