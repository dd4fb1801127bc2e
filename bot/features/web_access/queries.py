"""One-time sign-ins and web sessions in the database (only hashes of the secrets are kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor, load_actor
from bot.features.web_access import families
from bot.features.web_access.rules import (
    ASK_CONSENT,
    LINK_SPENT,
    NOT_LINKED,
    REPLAYED,
    SLIP_SPENT,
    digest,
    new_code,
    new_token,
    typed_code,
)
from storage.models import TelegramAccount, WebSession, WebSignIn
from storage.queries import audit


@dataclass(frozen=True, slots=True)
class Issued:
    """A one-time sign-in as the chat shows it once: the link's secret and the short code."""

    token: str
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Opened:
    """A new browser session: the cookie's secret and when it ends."""

    token: str
    expires_at: datetime


async def issue_sign_in(
    session: AsyncSession, account: TelegramAccount, now: datetime, minutes: int
) -> Issued:
    """A new one-time link and code for the account; any earlier unused one stops working."""
    return await issue_until(session, account, now, now + timedelta(minutes=minutes))


async def issue_until(
    session: AsyncSession, account: TelegramAccount, now: datetime, expires: datetime
) -> Issued:
    """A new one-time link and code for the account, until `expires` (an invitation slip's:
    its code's last moment); any earlier unused one stops working."""
    await session.execute(
        update(WebSignIn)
        .where(WebSignIn.account_id == account.id, WebSignIn.used_at.is_(None))
        .values(expires_at=now)
    )
    token, code = new_token(), new_code()
    session.add(
        WebSignIn(
            school_id=account.school_id,
            account_id=account.id,
            token_hash=digest(token),
            code_hash=digest(code),
            created_at=now,
            expires_at=expires,
        )
    )
    await session.flush()
    return Issued(token, code, expires)


async def redeem(
    session: AsyncSession,
    school_id: int,
    secret: str,
    now: datetime,
    hours: int,
    *,
    consented: bool = False,
) -> tuple[Opened, Actor] | str:
    """Sign in with a link's secret or a typed code: once, before it expires, while the
    account is still linked. Returns the new session, or a refusal (a msgid).

    A family's web account (an invitation slip's link) opens the account of its guardian: the
    family's own once they accept the privacy notice (`ASK_CONSENT` until `consented`; the link
    is not spent by asking), or their Telegram account if they joined there."""
    code = typed_code(secret)
    hashes = [digest(secret)] + ([digest(code)] if code is not None else [])
    found = await session.scalar(
        select(WebSignIn).where(
            WebSignIn.school_id == school_id,
            or_(WebSignIn.token_hash.in_(hashes), WebSignIn.code_hash.in_(hashes)),
        )
    )
    if found is None:
        return LINK_SPENT
    account = await session.get(TelegramAccount, found.account_id)
    assert account is not None  # sign-ins cascade with their account
    if found.used_at is not None or found.expires_at <= now:
        return SLIP_SPENT if families.is_web(account) else LINK_SPENT
    target = await families.signs_in_as(session, account) if families.is_web(account) else account
    if isinstance(target, str):
        return target
    if families.is_web(account) and families.must_consent(account, target) and not consented:
        return ASK_CONSENT
    spent = await session.execute(
        update(WebSignIn)
        .where(WebSignIn.id == found.id, WebSignIn.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 0) != 1:
        return LINK_SPENT  # another browser used it a moment ago
    if families.is_web(account) and target.id == account.id:
        await families.join(session, account, now)
    actor = await load_actor(session, target)
    if not actor.linked:
        return NOT_LINKED
    # A family without Telegram has no /web for a new link: its browser keeps the session as
    # long as the slip's link would have lasted (at least the usual hours).
    lasts = max(hours, _hours_until(found.expires_at, now)) if families.is_web(target) else hours
    opened = await open_session(session, target, now, lasts, via="link")
    audit(
        session,
        school_id=school_id,
        actor=families.who(target),
        action="web.sign_in",
        entity="telegram_account",
        entity_id=target.id,
        after={"slip": True} if families.is_web(account) else None,
    )
    return opened, actor


def _hours_until(moment: datetime, now: datetime) -> int:
    return max(0, int((moment - now).total_seconds() // 3600))


async def open_session(
    session: AsyncSession,
    account: TelegramAccount,
    now: datetime,
    hours: int,
    *,
    via: str,
    init_hash: str | None = None,
) -> Opened:
    """Store a new session for the account (its cookie's hash)."""
    token = new_token()
    expires = now + timedelta(hours=hours)
    session.add(
        WebSession(
            school_id=account.school_id,
            account_id=account.id,
            token_hash=digest(token),
            init_hash=init_hash,
            via=via,
            created_at=now,
            expires_at=expires,
        )
    )
    await session.flush()
    return Opened(token, expires)


async def open_from_telegram(
    session: AsyncSession, account: TelegramAccount, fingerprint: str, now: datetime, hours: int
) -> Opened | str:
    """A session for the Mini App's checked init data, unless that init data opened one."""
    taken = await session.scalar(
        select(WebSession.id).where(WebSession.init_hash == digest(fingerprint))
    )
    if taken is not None:
        return REPLAYED
    try:
        async with session.begin_nested():
            return await open_session(
                session, account, now, hours, via="telegram", init_hash=digest(fingerprint)
            )
    except IntegrityError:
        return REPLAYED  # the same init data, at the same moment, in another request


async def session_account(
    session: AsyncSession, school_id: int, token: str, now: datetime
) -> TelegramAccount | None:
    """The account a cookie signs in, while its session lasts and was not revoked."""
    row = await session.scalar(
        select(WebSession).where(
            WebSession.token_hash == digest(token),
            WebSession.school_id == school_id,
            WebSession.revoked_at.is_(None),
        )
    )
    if row is None or row.expires_at <= now:
        return None
    return await session.get(TelegramAccount, row.account_id)


async def revoke(session: AsyncSession, token: str, now: datetime) -> None:
    """End a session (signing out)."""
    await session.execute(
        update(WebSession)
        .where(WebSession.token_hash == digest(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def telegram_account(
    session: AsyncSession, school_id: int, telegram_user_id: int
) -> TelegramAccount | None:
    """The school's account of a Telegram user, if they have written to the bot."""
    return await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == school_id,
            TelegramAccount.telegram_user_id == telegram_user_id,
        )
    )
