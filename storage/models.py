"""SQLAlchemy 2 typed models; every school-owned row carries `school_id`."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time: stored in UTC, always read back time-zone aware.

    PostgreSQL keeps the zone; SQLite stores text without one and would hand back naive
    datetimes, which cannot be compared with aware ones. Naive values are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


IntPK = Annotated[int, mapped_column(Integer, primary_key=True)]
SchoolFK = Annotated[int, mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)]
Name = Annotated[str, mapped_column(String(120))]
Phone = Annotated[str, mapped_column(String(20))]
Created = Annotated[datetime, mapped_column(UTCDateTime(), server_default=func.now())]
Updated = Annotated[
    datetime,
    mapped_column(UTCDateTime(), server_default=func.now(), onupdate=func.now()),
]


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value in a portable VARCHAR column with a CHECK constraint."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=24,
        name=cls.__name__.lower(),
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class StudentStatus(enum.StrEnum):
    STUDYING = "studying"
    TRANSFERRED = "transferred"
    DROPPED_OUT = "dropped_out"
    GRADUATED = "graduated"


class Relation(enum.StrEnum):
    FATHER = "father"
    MOTHER = "mother"
    GUARDIAN = "guardian"
    CONTACT = "contact"


class Role(enum.StrEnum):
    PARENT = "parent"
    HOMEROOM = "homeroom"
    SUBJECT_TEACHER = "subject_teacher"
    PRINCIPAL = "principal"
    VICE_PRINCIPAL = "vice_principal"
    MEDICAL = "medical"
    ADMIN = "admin"
    CLERK = "clerk"


class AccountState(enum.StrEnum):
    NEW = "new"
    CONSENTED = "consented"
    LINKED = "linked"
    BLOCKED = "blocked"
    REVOKED = "revoked"


class School(Base):
    """A school served by one bot, with its calendar fields and settings."""

    __tablename__ = "schools"

    id: Mapped[IntPK]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[Name]
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    year_start: Mapped[date | None] = mapped_column(Date)
    term1_weeks: Mapped[int] = mapped_column(default=18)
    term2_weeks: Mapped[int] = mapped_column(default=17)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[Created]


class SchoolClass(Base):
    """A class (lớp) such as 3A or 5/2 in a school."""

    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    name: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int]


class Student(Base):
    """A pupil, keyed by the national student ID within the school."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("school_id", "student_code"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_code: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[Name]
    family_name: Mapped[str] = mapped_column(String(60))
    middle_name: Mapped[str] = mapped_column(String(60))
    given_name: Mapped[str] = mapped_column(String(60))
    search_key: Mapped[str] = mapped_column(String(120), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    status: Mapped[StudentStatus] = mapped_column(
        _enum(StudentStatus), default=StudentStatus.STUDYING
    )

    school_class: Mapped[SchoolClass] = relationship(lazy="raise")


class Guardian(Base):
    """A parent or guardian; within a school the same phone is the same guardian.

    A guardian listed without a phone is known by `roster_key` ("n:<student ID>:<relation>").
    """

    __tablename__ = "guardians"
    __table_args__ = (
        UniqueConstraint("school_id", "phone"),
        UniqueConstraint("school_id", "roster_key"),
    )

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    full_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    roster_key: Mapped[str | None] = mapped_column(String(64))


class StudentGuardian(Base):
    """The link between a pupil and a guardian, with the guardian's relation to the pupil."""

    __tablename__ = "student_guardians"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[Relation] = mapped_column(_enum(Relation))


class Staff(Base):
    """A member of staff, keyed by phone within the school."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("school_id", "phone"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    full_name: Mapped[Name]
    phone: Mapped[Phone]
    homeroom_class_id: Mapped[int | None] = mapped_column(
        ForeignKey("classes.id", ondelete="SET NULL"), unique=True
    )
    # Hours in which parents' messages reach this teacher at once ("06:30"-"21:00", local);
    # outside them they wait for the morning. None: the school's quiet hours apply.
    hours_start: Mapped[str | None] = mapped_column(String(5))
    hours_end: Mapped[str | None] = mapped_column(String(5))
    # Set when a full staff import no longer lists the person: their roles and scopes are gone,
    # the row stays for history. Cleared if a later list names them again.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffRole(Base):
    """One role held by a member of staff (a person may hold several)."""

    __tablename__ = "staff_roles"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)


class TeachingAssignment(Base):
    """A subject a teacher teaches in a class."""

    __tablename__ = "teaching_assignments"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    subject: Mapped[str] = mapped_column(String(16), primary_key=True)


class TelegramAccount(Base):
    """A Telegram user of one school's bot, linked to a guardian and/or a staff record."""

    __tablename__ = "telegram_accounts"
    __table_args__ = (UniqueConstraint("school_id", "telegram_user_id"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(8))
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[AccountState] = mapped_column(_enum(AccountState), default=AccountState.NEW)
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
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState))
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
    kind: Mapped[DataRequestKind] = mapped_column(_enum(DataRequestKind))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState))
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
    state: Mapped[RequestState] = mapped_column(_enum(RequestState))
    created_at: Mapped[Created]


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
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(String(200))


class Schedule(Base):
    """A school's recurring job (the weekly notice, a reminder), in the school's time zone.

    `weekday` is ISO: 1 is Monday (Thứ Hai), 7 is Sunday (Chủ nhật); 0 is every Monday to
    Friday.
    """

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("school_id", "kind"),)

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    kind: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int]
    at: Mapped[str] = mapped_column(String(5))  # "16:30"
    enabled: Mapped[bool] = mapped_column(default=True)


class SchoolBreak(Base):
    """A break in the school year (Tết, mid-term): its weeks are not teaching weeks."""

    __tablename__ = "school_breaks"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    name: Mapped[str] = mapped_column(String(60))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


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
    kind: Mapped[CommentKind] = mapped_column(_enum(CommentKind))
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
    part: Mapped[DayPart] = mapped_column(_enum(DayPart))
    excused: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]


class HealthCheck(Base):
    """One pupil's screening results on one day, with BMI-for-age against WHO 2007."""

    __tablename__ = "health_checks"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    measured_on: Mapped[date] = mapped_column(Date)
    height_cm: Mapped[float]
    weight_kg: Mapped[float]
    vision_left: Mapped[int | None]  # tenths: 10 is 10/10
    vision_right: Mapped[int | None]
    teeth: Mapped[str | None] = mapped_column(String(500))
    spine: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(String(500))
    bmi: Mapped[float]
    bmi_z: Mapped[float | None]
    height_z: Mapped[float | None]
    nutrition: Mapped[str | None] = mapped_column(String(24))
    stunted: Mapped[bool | None]
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]


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
    topic: Mapped[FeedbackTopic] = mapped_column(_enum(FeedbackTopic))
    state: Mapped[FeedbackState] = mapped_column(_enum(FeedbackState))
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
    part: Mapped[LeavePart] = mapped_column(_enum(LeavePart))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[RequestState] = mapped_column(_enum(RequestState))
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Created]


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
    kind: Mapped[AssessmentKind] = mapped_column(_enum(AssessmentKind))
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

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    school_year: Mapped[str] = mapped_column(String(9), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(3))
    kind: Mapped[AssessmentKind] = mapped_column(_enum(AssessmentKind))
    item: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(24))
    new_value: Mapped[str] = mapped_column(String(24))
    reason: Mapped[CorrectionReason] = mapped_column(_enum(CorrectionReason))
    reason_text: Mapped[str] = mapped_column(Text)
    state: Mapped[CorrectionState] = mapped_column(_enum(CorrectionState))
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
    kind: Mapped[str] = mapped_column(String(12))  # "evidence" or "minutes"
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


class AuditEvent(Base):
    """An append-only record of who did what to which record, with before and after."""

    __tablename__ = "audit_events"

    id: Mapped[IntPK]
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Created]


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(_mapper: Mapper[Any], _conn: object, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed")
