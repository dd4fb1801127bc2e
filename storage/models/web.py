"""The contact book on the web: one-time sign-ins given by /web, and the browser sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IntPK, SchoolFK, UTCDateTime


class WebSignIn(Base):
    """A one-time link (and its short code) that signs a person's account in on the web.

    Only hashes are kept: the link and the code are shown once, in the person's chat. It works
    once (`used_at`) and until `expires_at`; a newer one given to the same account ends it.
    """

    __tablename__ = "web_sign_ins"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A browser signed in as an account: the cookie's hash, until it expires or is revoked.

    `init_hash` is the hash of the Telegram Mini App init data that opened it: each init data
    opens one session only (a replay is refused).
    """

    __tablename__ = "web_sessions"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    init_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(12))  # "telegram" or "link"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
