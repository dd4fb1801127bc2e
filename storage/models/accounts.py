"""Telegram accounts, invitation codes, link and data requests, pending inputs, staged files."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import (
    Base,
    Created,
    IntPK,
    Name,
    SchoolFK,
    Updated,
    UTCDateTime,
    enum_type,
)


class AccountState(enum.StrEnum):
    NEW = "new"
    CONSENTED = "consented"
    LINKED = "linked"
    BLOCKED = "blocked"
    REVOKED = "revoked"


class AccountChannel(enum.StrEnum):
    """How an account is reached: its Telegram chat, or only the web contact book."""

    TELEGRAM = "telegram"
    WEB = "web"


def web_user_id(guardian_id: int) -> int:
    """The synthetic Telegram user id (and chat id) of a guardian's web account: the guardian's
    id negated. A Telegram user's id is never below 1, so it can never be a person's, and the
    (school, user id) uniqueness gives each guardian one web account."""
    return -guardian_id


class TelegramAccount(Base):
    """A Telegram user of one school's bot, linked to a guardian and/or a staff record.

    A web account (`channel` "web") is a family without Telegram: made for a guardian by the
    invitation slip's web link, its user and chat ids are `web_user_id(guardian)`; the outbox
    delivers to it by marking its deliveries delivered (the family reads them on the web page)
    and never calls Telegram for it.
    """

    __tablename__ = "telegram_accounts"
    __table_args__ = (UniqueConstraint("school_id", "telegram_user_id"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(
        String(8), default=AccountChannel.TELEGRAM.value, server_default="telegram"
    )
    language: Mapped[str | None] = mapped_column(String(8))
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[AccountState] = mapped_column(enum_type(AccountState), default=AccountState.NEW)
    current_student_id: Mapped[int | None] = mapped_column(
        ForeignKey("students.id", ondelete="SET NULL")
    )
    failed_codes: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]


class InvitationCode(Base):
    """A one-time code that links an account to a guardian or a staff member; stored hashed."""

    __tablename__ = "invitation_codes"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]


class RequestState(enum.StrEnum):
    DESCRIBING = "describing"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    DONE = "done"
    CANCELLED = "cancelled"


class LinkRequest(Base):
    """A parent whose phone is not on the lists asks staff to link them to a child."""

    __tablename__ = "link_requests"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(String(20))
    name: Mapped[Name]
    description: Mapped[str | None] = mapped_column(String(200))
    # What the parent said they are to the child ("mother", "father", "grandparent"), read
    # from their words when the request is made; None when they did not say (and in rows
    # made before 0011, whose card reads it from the description).
    claimed_relation: Mapped[str | None] = mapped_column(String(20))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id", ondelete="SET NULL"))
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DataRequestKind(enum.StrEnum):
    DELETION = "deletion"


class DataRequest(Base):
    """A data-subject request (deletion) with its legal deadline, for the administrator."""

    __tablename__ = "data_requests"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id", ondelete="SET NULL"))
    kind: Mapped[DataRequestKind] = mapped_column(enum_type(DataRequestKind))
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[Created]


class StagedImport(Base):
    """A roster or staff file sent in chat, checked and waiting for the sender's confirmation."""

    __tablename__ = "staged_imports"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState))
    created_at: Mapped[Created]
    # When it was imported or cancelled, by the bot's clock (NULL before 0019, and while open).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingInput(Base):
    """What the bot waits for next from one person (a comment, a value): survives a restart."""

    __tablename__ = "pending_inputs"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[SchoolFK]
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
