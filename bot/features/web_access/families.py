"""Families without Telegram: a guardian's web account, the invitation slip's web link, and
joining on the web (the privacy notice accepted, then linked as the chat links).

A web account is a row of `telegram_accounts` with `channel` "web", one per guardian: its user
and chat ids are `web_user_id(guardian)` (negative, never a Telegram chat), so the guardian is
known from the row before it is linked. It is made when a slip is printed (state NEW, nothing
linked) and linked only when the family accepts the privacy notice on the web; the audience
then gives it a delivery like any linked account and the outbox marks it delivered at once.

One guardian, one account that receives notices (`accounts.queries.link` releases the
guardian from any other account): a family that joins in Telegram later keeps Telegram (its web
account is released, its browser signed out: `/web` in the chat opens the page again), and a
slip's web link used by a guardian already linked in Telegram signs in as that Telegram
account, linking nothing. No family gets a notice twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.accounts import queries as accounts
from bot.features.accounts.rules import give_consent, has_consented
from bot.features.web_access.rules import NOT_LINKED
from storage.models import AccountState, Guardian, Student, StudentGuardian, TelegramAccount
from storage.models.accounts import AccountChannel, web_user_id
from storage.models.web import WebSignIn
from storage.queries import audit


def is_web(account: TelegramAccount) -> bool:
    """Tell whether the account is a family's web account (no Telegram behind it)."""
    return account.channel == AccountChannel.WEB


def guardian_of(account: TelegramAccount) -> int:
    """The guardian a web account is for (its synthetic id, negated back)."""
    return -account.telegram_user_id


def who(account: TelegramAccount) -> str:
    """The audit actor name of an account: "web:<guardian>" for a web account."""
    if is_web(account):
        return f"web:{guardian_of(account)}"
    return f"tg:{account.telegram_user_id}"


async def web_account(session: AsyncSession, school_id: int, guardian_id: int) -> TelegramAccount:
    """The guardian's web account, made (not linked, no consent) if it does not exist yet."""
    synthetic = web_user_id(guardian_id)
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == school_id,
            TelegramAccount.telegram_user_id == synthetic,
        )
    )
    if account is None:
        account = TelegramAccount(
            school_id=school_id,
            telegram_user_id=synthetic,
            chat_id=synthetic,
            channel=AccountChannel.WEB.value,
            language="vi",
            state=AccountState.NEW,
            failed_codes=0,
        )
        session.add(account)
        await session.flush()
    return account


async def end_class_links(
    session: AsyncSession, school_id: int, class_id: int, now: datetime
) -> int:
    """End the unused web links of the web accounts of a class's guardians; return how many."""
    synthetic = (
        select(-StudentGuardian.guardian_id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(Student.class_id == class_id, Student.school_id == school_id)
    )
    accounts_of_class = select(TelegramAccount.id).where(
        TelegramAccount.school_id == school_id,
        TelegramAccount.channel == AccountChannel.WEB,
        TelegramAccount.telegram_user_id.in_(synthetic),
    )
    ended = await session.execute(
        update(WebSignIn)
        .where(
            WebSignIn.account_id.in_(accounts_of_class),
            WebSignIn.used_at.is_(None),
            WebSignIn.expires_at > now,
        )
        .values(expires_at=now)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


async def signs_in_as(session: AsyncSession, account: TelegramAccount) -> TelegramAccount | str:
    """Whom a web account's sign-in opens: the account of the guardian already linked (in
    Telegram, or this web account itself), else this web account to be linked; a refusal (a
    msgid) when the guardian is no longer on the school's lists."""
    guardian_id = guardian_of(account)
    listed = await session.scalar(
        select(Guardian.id).where(
            Guardian.id == guardian_id, Guardian.school_id == account.school_id
        )
    )
    if listed is None:
        return NOT_LINKED
    holder = await session.scalar(
        select(TelegramAccount)
        .where(
            TelegramAccount.school_id == account.school_id,
            TelegramAccount.guardian_id == guardian_id,
            TelegramAccount.state == AccountState.LINKED,
        )
        .order_by(TelegramAccount.id)
        .limit(1)
    )
    return holder if holder is not None else account


def must_consent(account: TelegramAccount, target: TelegramAccount) -> bool:
    """The family reads and accepts the privacy notice before a web account is linked (as the
    chat asks before linking); an account already linked, or in Telegram, has consented."""
    return target.id == account.id and not has_consented(account)


async def join(session: AsyncSession, account: TelegramAccount, now: datetime) -> None:
    """Link a web account to its guardian, with the consent the family just gave on the web
    (recorded with its time and the text's version, as in chat); what was kept for the family
    until they joined is queued for them."""
    if not has_consented(account):
        give_consent(account, now)
        audit(
            session,
            school_id=account.school_id,
            actor=who(account),
            action="account.consent",
            entity="telegram_account",
            entity_id=account.id,
            after={"via": "web"},
        )
    if account.state != AccountState.LINKED or account.guardian_id != guardian_of(account):
        await accounts.link(
            session, account, guardian_of(account), None, who(account), via="web", now=now
        )
