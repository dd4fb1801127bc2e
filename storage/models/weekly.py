"""Weekly comments, the class's week, and absences."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Created, IntPK, SchoolFK, Updated, UTCDateTime, enum_type


class CommentKind(enum.StrEnum):
    HOMEROOM = "homeroom"
    SUBJECT = "subject"
    HEALTH = "health"  # the nurse's short note for the week


class WeeklyComment(Base):
    """One pupil's comment for one teaching week: the homeroom teacher's, a subject's or health."""

    __tablename__ = "weekly_comments"
    __table_args__ = (UniqueConstraint("student_id", "week_start", "kind", "subject"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date, index=True)  # the Monday
    kind: Mapped[CommentKind] = mapped_column(enum_type(CommentKind))
    subject: Mapped[str] = mapped_column(String(16), default="")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]


class ClassWeek(Base):
    """A class's weekly notice: the class-wide note, pupils without a comment, when it went."""

    __tablename__ = "class_weeks"
    __table_args__ = (UniqueConstraint("class_id", "week_start"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    hold_missing: Mapped[bool] = mapped_column(default=False)  # else the class note only
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )


class DayPart(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class Absence(Base):
    """A pupil absent for one session (buổi) of a school day, excused (có phép) or not."""

    __tablename__ = "absences"
    __table_args__ = (UniqueConstraint("student_id", "day", "part"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    part: Mapped[DayPart] = mapped_column(enum_type(DayPart))
    excused: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]
