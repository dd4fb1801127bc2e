"""The school and its people: classes, pupils, guardians, staff, roles, schedules, breaks."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Created, IntPK, Name, Phone, SchoolFK, UTCDateTime, enum_type


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
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    status: Mapped[StudentStatus] = mapped_column(
        enum_type(StudentStatus), default=StudentStatus.STUDYING
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
    relation: Mapped[Relation] = mapped_column(enum_type(Relation))


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
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)


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
