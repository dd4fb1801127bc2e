"""The outbox: notices and their per-recipient deliveries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Created, IntPK, SchoolFK, UTCDateTime, enum_type


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its time, quiet hours or a retry
    SENDING = "sending"  # claimed by a dispatcher until its lease ends
    SENT = "sent"
    FAILED = "failed"  # gave up: chat not found, a bad request, or too many errors
    UNREACHABLE = "unreachable"  # the person blocked the bot (403)


class Notice(Base):
    """Something the school sends to many people: the text once, one delivery per recipient."""

    __tablename__ = "notices"
    __table_args__ = (
        # A pupil's weekly notice exists once a week: two senders at once cannot both queue it.
        Index("ix_notices_kept", "school_id", "kept_until"),
        Index(
            "uq_notices_weekly_ref",
            "ref",
            unique=True,
            postgresql_where=sql_text("kind = 'weekly'"),
            sqlite_where=sql_text("kind = 'weekly'"),
        ),
    )

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    kind: Mapped[str] = mapped_column(String(24))
    urgent: Mapped[bool] = mapped_column(default=False)
    requires_ack: Mapped[bool] = mapped_column(default=True)
    text: Mapped[str] = mapped_column(Text)
    # "photo" or "document" with a Telegram file_id, or "stored" with a reference to a file the
    # database keeps ("correction_file:<id>", bot/delivery/outbox.py).
    media_kind: Mapped[str | None] = mapped_column(String(12))
    media_file: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    report_text: Mapped[str | None] = mapped_column(Text)
    # The text in other languages than the school's, by language code; `text` is the default.
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # Extra buttons under the message: [label msgid, callback data]; "{delivery}" in the data
    # becomes the delivery's id.
    buttons: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # What the notice is about, for counting by feature ("weekly:2026-11-23:<class id>").
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    # Kept for people its audience reaches who join later (a homeroom teacher not in the bot
    # yet): until then, each newcomer the audience reaches gets a delivery (bot/delivery/kept.py).
    kept_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Created]


class Delivery(Base):
    """One notice to one account: the outbox row the dispatcher claims, sends and tracks."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "account_id"),
        Index("ix_deliveries_due", "state", "urgent", "due_at"),
    )

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_accounts.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    urgent: Mapped[bool] = mapped_column(default=False)
    state: Mapped[DeliveryState] = mapped_column(enum_type(DeliveryState))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(String(200))
