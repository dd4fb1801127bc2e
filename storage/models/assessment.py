"""The assessment book under Thông tư 27: results, periods and locks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IntPK, SchoolFK, Updated, UTCDateTime, enum_type


class AssessmentKind(enum.StrEnum):
    LEVEL = "level"  # a subject's or activity's level: T, H, C (Điều 7.1a)
    SCORE = "score"  # a periodic test score, an integer 0-10 (Điều 7.1b)
    QUALITY = "quality"  # a quality's or competence's level: T, Đ, C (Điều 7.2)


class AssessmentResult(Base):
    """One periodic result of one pupil: the assessment book, item by item.

    `period` is gk1, ck1, gk2 or cn; `item` a subject code (storage/subjects.py) for levels and
    scores, a quality or competence code (bot/features/assessment/rules.py) for qualities;
    `value` the level's code or the score's digits.
    """

    __tablename__ = "assessment_results"
    __table_args__ = (UniqueConstraint("student_id", "school_year", "period", "kind", "item"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    period: Mapped[str] = mapped_column(String(3))
    kind: Mapped[AssessmentKind] = mapped_column(enum_type(AssessmentKind))
    item: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(24))
    # Locked again by an applied correction, whatever the period's lock says.
    relocked: Mapped[bool] = mapped_column(default=False)
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    updated_at: Mapped[Updated]


class AssessmentPeriod(Base):
    """A school's period of a school year: its last day for corrections and its publication."""

    __tablename__ = "assessment_periods"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "period"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    school_year: Mapped[str] = mapped_column(String(9))
    period: Mapped[str] = mapped_column(String(3))
    deadline: Mapped[date | None] = mapped_column(Date)  # None: the default rule
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )


class AssessmentLock(Base):
    """The principal's lock on a period, for the school, a grade or a class.

    The most specific row wins: a class's row over its grade's, a grade's over the school's.
    `scope` is "school", "grade:3" or "class:<id>".
    """

    __tablename__ = "assessment_locks"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "period", "scope"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    school_year: Mapped[str] = mapped_column(String(9))
    period: Mapped[str] = mapped_column(String(3))
    scope: Mapped[str] = mapped_column(String(24))
    locked: Mapped[bool]
    set_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    set_at: Mapped[Updated]
