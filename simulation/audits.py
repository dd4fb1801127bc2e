"""Every state change has its audit event (the `audit` invariant), read from the database at
the end of a run: what the records say happened, against the events the product wrote.

Checked here (the corrections' events are simulation/office.py's):

- accounts: each linked account its `account.link`; each block its `account.blocked` and each
  unblock its `account.unblocked`; each consent given its `account.consent`, and each one
  withdrawn since its `account.consent_withdrawn`;
- feedback: each one its `feedback.created`, each one a member of staff answered its
  `feedback.replied`;
- leave requests: each one its `leave.requested`, each decided one its `leave.approved` or
  `leave.rejected` as it was decided;
- attendance: each absence on record an `attendance.changed` whose last word on that session
  is the absence's state (excused or not);
- weekly comments: each class and week a teacher sent a comments sheet for, its
  `weekly.comments_imported` (comments typed in chat are not audited: design.md asks it of
  corrections, decisions and account links only);
- link requests: each decided one its `link_request.approve` or `link_request.reject`;
- urgent messages: each one its `urgent.sent`;
- the nurse's check-ups: each class and day recorded its `health.recorded`;
- staff lists: the lists imported (the first and each replacement) their `staff.import`, and
  each person who left her `staff.left`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.models import (
    Absence,
    AuditEvent,
    Feedback,
    FeedbackMessage,
    HealthCheck,
    LeaveRequest,
    LinkRequest,
    Notice,
    RequestState,
    Staff,
    Student,
    TelegramAccount,
)


@dataclass(frozen=True)
class Finding:
    """A missing audit event: what, the accounts of the people involved, and when (if the
    record says)."""

    detail: str
    accounts: tuple[int | None, ...] = ()
    at: datetime | None = None


@dataclass
class Records:
    """What the database holds of one school at the end, for the audit checks."""

    events: Counter[tuple[str, str]] = field(default_factory=Counter)
    attendance: dict[tuple[str, str, str], str] = field(default_factory=dict)  # last state
    imported: set[tuple[str, str]] = field(default_factory=set)  # (class id, Monday)
    checked_up: set[tuple[str, str]] = field(default_factory=set)  # (class id, day)
    rows: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))


async def gather(session: Any, school: int) -> Records:
    records = Records()
    events = await session.execute(
        select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.after)
        .where(AuditEvent.school_id == school)
        .order_by(AuditEvent.id)
    )
    for action, entity_id, after in events:
        records.events[(action, str(entity_id))] += 1
        after = after or {}
        if action == "attendance.changed":
            key = (str(entity_id), str(after.get("day")), str(after.get("part")))
            records.attendance[key] = str(after.get("state"))
        elif action == "weekly.comments_imported":
            records.imported.add((str(entity_id), str(after.get("week_start"))))
        elif action == "health.recorded":
            records.checked_up.add((str(entity_id), str(after.get("measured_on"))))
    for name, query in _queries(school).items():
        records.rows[name] = list((await session.execute(query)).all())
    return records


def _queries(school: int) -> dict[str, Any]:
    return {
        "accounts": select(TelegramAccount.id, TelegramAccount.consent_at).where(
            TelegramAccount.school_id == school
        ),
        "feedback": select(Feedback.id, Feedback.account_id).where(Feedback.school_id == school),
        "replied": select(FeedbackMessage.feedback_id, FeedbackMessage.author_id)
        .where(FeedbackMessage.school_id == school, FeedbackMessage.from_parent.is_(False))
        .distinct(),
        "leave": select(
            LeaveRequest.id,
            LeaveRequest.state,
            LeaveRequest.account_id,
            LeaveRequest.decided_by,
            LeaveRequest.decided_at,
        ).where(LeaveRequest.school_id == school),
        "absences": select(Absence.student_id, Absence.day, Absence.part, Absence.excused).where(
            Absence.school_id == school
        ),
        "links": select(
            LinkRequest.id, LinkRequest.state, LinkRequest.decided_by, LinkRequest.decided_at
        ).where(LinkRequest.school_id == school),
        "urgent": select(Notice.id, Notice.created_by).where(
            Notice.school_id == school, Notice.kind == "urgent"
        ),
        "checkups": select(Student.class_id, HealthCheck.measured_on)
        .join(Student, Student.id == HealthCheck.student_id)
        .where(Student.school_id == school)
        .distinct(),
        "left": select(Staff.id).where(Staff.school_id == school, Staff.left_at.is_not(None)),
        "classes": select(Student.id, Student.class_id).where(Student.school_id == school),
    }


def missing(records: Records, sheets: set[tuple[int, str]], imports: int) -> list[Finding]:
    """The audit events the records call for and the log lacks; `sheets`: (pupil id, Monday)
    of every comment given by sheet; `imports`: the staff lists imported (the first one too)."""
    has, rows = records.events, records.rows
    found: list[Finding] = []

    def need(action: str, entity_id: object, what: str, *who: int | None, at: Any = None) -> None:
        if not has[(action, str(entity_id))]:
            found.append(Finding(f"no {action} event for {what}", who, at))

    for account, consent_at in rows["accounts"]:
        if consent_at is not None:
            need("account.consent", account, f"the consent of account {account}", account)
        elif has[("account.consent", str(account))]:
            need("account.consent_withdrawn", account, f"account {account}'s withdrawal", account)
    for feedback, account in rows["feedback"]:
        need("feedback.created", feedback, f"feedback {feedback}", account)
    for feedback, author in rows["replied"]:
        need("feedback.replied", feedback, f"the answer to feedback {feedback}", author)
    decided = {RequestState.APPROVED: "leave.approved", RequestState.REJECTED: "leave.rejected"}
    for request, state, account, decider, at in rows["leave"]:
        need("leave.requested", request, f"leave request {request}", account)
        if state in decided:
            what = f"leave request {request} ({state.value})"
            need(decided[state], request, what, account, decider, at=at)
    found += _attendance(records)
    classes = {pupil: class_id for pupil, class_id in rows["classes"]}
    for class_id, monday in sorted({(classes.get(p), monday) for p, monday in sheets}):
        if (str(class_id), monday) not in records.imported:
            detail = f"no weekly.comments_imported event for class {class_id}, week {monday}"
            found.append(Finding(detail))
    linked = {RequestState.APPROVED: "link_request.approve"}
    linked[RequestState.REJECTED] = "link_request.reject"
    for request, state, decider, at in rows["links"]:
        if state in linked:
            what = f"link request {request} ({state.value})"
            need(linked[state], request, what, decider, at=at)
    for notice, sender in rows["urgent"]:
        need("urgent.sent", notice, f"urgent notice {notice}", sender)
    for class_id, day in rows["checkups"]:
        if (str(class_id), day.isoformat()) not in records.checked_up:
            found.append(Finding(f"no health.recorded event for class {class_id} on {day:%d/%m}"))
    imported = sum(n for (action, _), n in has.items() if action == "staff.import")
    if imported < imports:
        found.append(Finding(f"{imports} staff lists imported, {imported} staff.import events"))
    for (staff,) in rows["left"]:
        need("staff.left", staff, f"staff {staff}, who left")
    return found


def _attendance(records: Records) -> list[Finding]:
    found = []
    for pupil, day, part, excused in records.rows["absences"]:
        state = records.attendance.get((str(pupil), day.isoformat(), part.value))
        if state != ("excused" if excused else "unexcused"):
            where = f"pupil {pupil} on {day:%d/%m} ({part.value})"
            found.append(Finding(f"the absence of {where} was last audited as {state}"))
    return found
