"""Parents' feedback and leave requests."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.accounts import RequestState
from storage.models.base import Base, Created, IntPK, SchoolFK, UTCDateTime, enum_type


class FeedbackTopic(enum.StrEnum):
    STUDY = "study"  # Học tập
    HEALTH = "health"  # Sức khỏe
    BOARDING = "boarding"  # Bán trú
    FACILITIES = "facilities"  # Cơ sở vật chất
    OTHER = "other"  # Khác


class FeedbackState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Feedback(Base):
    """A parent's feedback about one child, to the homeroom teacher or the school's leaders."""

    __tablename__ = "feedback"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    to_leaders: Mapped[bool] = mapped_column(default=False)  # else the homeroom teacher
    anonymous: Mapped[bool] = mapped_column(default=False)  # only to the leaders
    topic: Mapped[FeedbackTopic] = mapped_column(enum_type(FeedbackTopic))
    state: Mapped[FeedbackState] = mapped_column(enum_type(FeedbackState))
    deliver_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # held: teacher's hours
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Created]


class FeedbackMessage(Base):
    """One message of a feedback thread: the parent's, or the school's answer."""

    __tablename__ = "feedback_messages"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    from_parent: Mapped[bool]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    media_kind: Mapped[str | None] = mapped_column(String(12))  # "photo" or "document"
    media_file: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[Created]


class LeavePart(enum.StrEnum):
    ALL_DAY = "all_day"  # cả ngày
    MORNING = "morning"
    AFTERNOON = "afternoon"


class LeaveRequest(Base):
    """A parent asks leave for a child on one or more days; the homeroom teacher decides."""

    __tablename__ = "leave_requests"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    part: Mapped[LeavePart] = mapped_column(enum_type(LeavePart))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState))
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Created]
