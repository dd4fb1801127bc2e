"""The bots of a deployment: one Telegram bot per school (issue 20, docs/district.md).

A district's deployment serves many schools, each through its own bot, so that Telegram's
limits (about 30 messages a second per bot) apply to each school alone. The token is a secret:
it is kept here for the workers and never printed (`__repr__` leaves it out, and the command
line shows only the bot's username and id).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Created, IntPK, Updated, UTCDateTime


class SchoolBot(Base):
    """A school's Telegram bot: its token, webhook secret and whether workers run it."""

    __tablename__ = "bots"

    id: Mapped[IntPK]
    school_id: Mapped[int] = mapped_column(  # one bot per school
        ForeignKey("schools.id", ondelete="CASCADE"), unique=True
    )
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)  # the token's first part
    username: Mapped[str | None] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(128))
    webhook_secret: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]

    def __repr__(self) -> str:
        return f"SchoolBot(id={self.id}, school={self.school_id}, telegram_id={self.telegram_id})"
