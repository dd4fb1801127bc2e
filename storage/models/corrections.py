"""Grade corrections: requests, evidence files, signatures, the principal's absences."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.assessment import AssessmentKind
from storage.models.base import Base, Created, IntPK, Name, SchoolFK, UTCDateTime, enum_type


class CorrectionReason(enum.StrEnum):
    ENTRY_ERROR = "entry_error"  # nhập sai
    REMARKED = "remarked"  # chấm lại
    RETEST = "retest"  # kiểm tra lại theo Điều 7 TT27
    ADDITIONAL = "additional"  # đánh giá bổ sung theo Điều 11 TT27


class CorrectionState(enum.StrEnum):
    PENDING = "pending"  # waits for the deciding leader
    NEEDS_INFO = "needs_info"  # the leader asked the teacher for more
    REJECTED = "rejected"
    APPROVED = "approved"  # waits for the administrator to change the official system
    APPLIED = "applied"  # changed in the official system and the book; waits for signatures
    SIGNED = "signed"  # the three signed; the minutes are made and archived


class CorrectionRequest(Base):
    """A teacher's request to correct one item of the assessment book, and its whole path."""

    __tablename__ = "correction_requests"
    __table_args__ = (
        # The minutes' number (Số: 01/BB-…) counts per school and calendar year from 01; two
        # signers completing two requests at once cannot both take the same number.
        UniqueConstraint("school_id", "minutes_year", "minutes_number"),
    )

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    school_year: Mapped[str] = mapped_column(String(9), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(3))
    kind: Mapped[AssessmentKind] = mapped_column(enum_type(AssessmentKind))
    item: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(24))
    new_value: Mapped[str] = mapped_column(String(24))
    reason: Mapped[CorrectionReason] = mapped_column(enum_type(CorrectionReason))
    reason_text: Mapped[str] = mapped_column(Text)
    state: Mapped[CorrectionState] = mapped_column(enum_type(CorrectionState))
    # Set while the request is open, so that the database refuses a second open request for
    # the same item ("<student>:<year>:<period>:<kind>:<item>"); None once it is closed.
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    outcome_before: Mapped[str | None] = mapped_column(String(8))
    outcome_after: Mapped[str | None] = mapped_column(String(8))
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    requester_account: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    decided_role: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)  # a refusal's reason, a question
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given with the third signature (the calendar year of that day in the school's zone);
    # the minutes say "Số: <number, two digits>/BB-<the school's abbreviation>".
    minutes_year: Mapped[int | None]
    minutes_number: Mapped[int | None]
    created_at: Mapped[Created]


class CorrectionFile(Base):
    """A file kept with a request: the teacher's evidence, or the generated minutes."""

    __tablename__ = "correction_files"
    __table_args__ = (
        # A request has one set of minutes.
        Index(
            "uq_correction_files_minutes",
            "request_id",
            unique=True,
            postgresql_where=sql_text("kind = 'minutes'"),
            sqlite_where=sql_text("kind = 'minutes'"),
        ),
    )

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    request_id: Mapped[int] = mapped_column(
        ForeignKey("correction_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # "evidence", "minutes" or "draft"
    # What an evidence file shows, as the teacher marked it: "book" (a page of the record book),
    # "test" (the pupil's test), "other"; None for the minutes and for files kept before 0016.
    evidence_kind: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]


class CorrectionSignature(Base):
    """One of the three confirmations of the minutes: principal, administrator, teacher."""

    __tablename__ = "correction_signatures"
    __table_args__ = (UniqueConstraint("request_id", "role"),)

    id: Mapped[IntPK]
    request_id: Mapped[int] = mapped_column(
        ForeignKey("correction_requests.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # "principal", "admin", "teacher"
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    name: Mapped[Name]
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LeaderAbsence(Base):
    """The principal is away on these days: the vice principal decides in their place."""

    __tablename__ = "leader_absences"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]
