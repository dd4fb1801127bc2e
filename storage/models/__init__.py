"""SQLAlchemy 2 typed models, one module per aggregate; every school-owned row carries `school_id`.

Every model is importable from `storage.models` (importing this package maps them all).
"""

from __future__ import annotations

from storage.models.accounts import (
    AccountState,
    DataRequest,
    DataRequestKind,
    InvitationCode,
    LinkRequest,
    PendingInput,
    RequestState,
    StagedImport,
    TelegramAccount,
)
from storage.models.assessment import (
    AssessmentKind,
    AssessmentLock,
    AssessmentPeriod,
    AssessmentResult,
)
from storage.models.audit import AuditEvent, AuditLogIsAppendOnly
from storage.models.base import (
    NAMING,
    Base,
    Created,
    IntPK,
    Name,
    Phone,
    SchoolFK,
    Updated,
    UTCDateTime,
)
from storage.models.bots import SchoolBot
from storage.models.corrections import (
    CorrectionFile,
    CorrectionReason,
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    LeaderAbsence,
)
from storage.models.health import HealthCheck
from storage.models.notices import Delivery, DeliveryState, Notice
from storage.models.requests import (
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    LeavePart,
    LeaveRequest,
)
from storage.models.school import (
    Gender,
    Guardian,
    Relation,
    Role,
    Schedule,
    School,
    SchoolBreak,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    StudentStatus,
    TeachingAssignment,
)
from storage.models.web import WebSession, WebSignIn
from storage.models.weekly import Absence, ClassWeek, CommentKind, DayPart, WeeklyComment

__all__ = [
    "NAMING",
    "Absence",
    "AccountState",
    "AssessmentKind",
    "AssessmentLock",
    "AssessmentPeriod",
    "AssessmentResult",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Base",
    "ClassWeek",
    "CommentKind",
    "CorrectionFile",
    "CorrectionReason",
    "CorrectionRequest",
    "CorrectionSignature",
    "CorrectionState",
    "Created",
    "DataRequest",
    "DataRequestKind",
    "DayPart",
    "Delivery",
    "DeliveryState",
    "Feedback",
    "FeedbackMessage",
    "FeedbackState",
    "FeedbackTopic",
    "Gender",
    "Guardian",
    "HealthCheck",
    "IntPK",
    "InvitationCode",
    "LeaderAbsence",
    "LeavePart",
    "LeaveRequest",
    "LinkRequest",
    "Name",
    "Notice",
    "PendingInput",
    "Phone",
    "Relation",
    "RequestState",
    "Role",
    "Schedule",
    "School",
    "SchoolBot",
    "SchoolBreak",
    "SchoolClass",
    "SchoolFK",
    "Staff",
    "StaffRole",
    "StagedImport",
    "Student",
    "StudentGuardian",
    "StudentStatus",
    "TeachingAssignment",
    "TelegramAccount",
    "UTCDateTime",
    "Updated",
    "WebSession",
    "WebSignIn",
    "WeeklyComment",
]
