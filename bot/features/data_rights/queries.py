"""Data-subject rights (Law 91/2025): see and export one's data, ask for deletion."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.data_rights.rules import deletion_due
from storage.models import (
    DataRequest,
    DataRequestKind,
    Feedback,
    FeedbackMessage,
    Guardian,
    LeaveRequest,
    RequestState,
    SchoolClass,
    Staff,
    Student,
    TelegramAccount,
)
from storage.queries import audit


async def my_data(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """Return everything stored about the person and their children, as plain data."""
    account = actor.account
    data: dict[str, Any] = {
        "telegram_account": {
            "telegram_user_id": account.telegram_user_id,
            "language": account.language,
            "state": account.state.value,
            "consent_at": account.consent_at.isoformat() if account.consent_at else None,
            "consent_version": account.consent_version,
        }
    }
    if account.guardian_id is not None:
        guardian = await session.get(Guardian, account.guardian_id)
        if guardian is not None:
            data["guardian"] = {"name": guardian.full_name, "phone": guardian.phone}
        rows = await session.execute(
            select(Student, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(actor.children))
            .order_by(Student.id)
        )
        data["children"] = [
            {
                "student_id": student.student_code,
                "name": student.full_name,
                "class": class_name,
                "birth_date": student.birth_date.isoformat() if student.birth_date else None,
                "gender": student.gender.value if student.gender else None,
                "ethnicity": student.ethnicity,
            }
            for student, class_name in rows
        ]
    if account.staff_id is not None:
        staff = await session.get(Staff, account.staff_id)
        if staff is not None:
            data["staff"] = {
                "name": staff.full_name,
                "phone": staff.phone,
                "roles": sorted(role.value for role in actor.roles),
            }
    data["consents"] = consents(account)
    data["feedback"] = await feedback_of(session, account.id)
    data["leave_requests"] = await leave_of(session, account.id)
    return data


def consents(account: TelegramAccount) -> list[dict[str, Any]]:
    """The person's consent as recorded: when, and to which version of the text."""
    if account.consent_at is None:
        return []
    return [{"given_at": account.consent_at.isoformat(), "version": account.consent_version}]


async def feedback_of(session: AsyncSession, account_id: int) -> list[dict[str, Any]]:
    """The feedback the person sent, each with its thread (the school's answers included)."""
    rows = (
        await session.execute(
            select(Feedback, Student.full_name)
            .join(Student, Student.id == Feedback.student_id)
            .where(Feedback.account_id == account_id)
            .order_by(Feedback.created_at, Feedback.id)
        )
    ).all()
    ids = [feedback.id for feedback, _name in rows]
    messages: list[FeedbackMessage] = []
    if ids:
        found = await session.scalars(
            select(FeedbackMessage)
            .where(FeedbackMessage.feedback_id.in_(ids))
            .order_by(FeedbackMessage.created_at, FeedbackMessage.id)
        )
        messages = list(found)
    thread: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        thread.setdefault(message.feedback_id, []).append(
            {
                "from_parent": message.from_parent,
                "sent_at": message.created_at.isoformat() if message.created_at else None,
                "text": message.text,
                "attachment": message.media_kind,
            }
        )
    return [
        {
            "child": name,
            "sent_at": feedback.created_at.isoformat() if feedback.created_at else None,
            "to": "leaders" if feedback.to_leaders else "homeroom_teacher",
            "anonymous": feedback.anonymous,
            "topic": feedback.topic.value,
            "state": feedback.state.value,
            "messages": thread.get(feedback.id, []),
        }
        for feedback, name in rows
    ]


async def leave_of(session: AsyncSession, account_id: int) -> list[dict[str, Any]]:
    """The leave requests the person sent, with the school's decision."""
    rows = (
        await session.execute(
            select(LeaveRequest, Student.full_name)
            .join(Student, Student.id == LeaveRequest.student_id)
            .where(LeaveRequest.account_id == account_id)
            .order_by(LeaveRequest.created_at, LeaveRequest.id)
        )
    ).all()
    return [
        {
            "child": name,
            "sent_at": leave.created_at.isoformat() if leave.created_at else None,
            "first_day": leave.first_day.isoformat(),
            "last_day": leave.last_day.isoformat(),
            "part": leave.part.value,
            "reason": leave.reason,
            "state": leave.state.value,
            "refusal": leave.refusal,
        }
        for leave, name in rows
    ]


async def open_deletion(session: AsyncSession, account_id: int) -> DataRequest | None:
    """The person's deletion request still waiting for the school, if any."""
    return await session.scalar(
        select(DataRequest).where(
            DataRequest.account_id == account_id,
            DataRequest.kind == DataRequestKind.DELETION,
            DataRequest.state == RequestState.PENDING,
        )
    )


async def request_deletion(session: AsyncSession, actor: Actor, today: date) -> DataRequest:
    """Record a deletion request with its legal deadline; one open request per person."""
    existing = await open_deletion(session, actor.account.id)
    if existing is not None:
        return existing
    request = DataRequest(
        school_id=actor.school_id,
        account_id=actor.account.id,
        guardian_id=actor.account.guardian_id,
        kind=DataRequestKind.DELETION,
        state=RequestState.PENDING,
        due_on=deletion_due(today),
    )
    session.add(request)
    await session.flush()
    audit(
        session,
        school_id=actor.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action="data.deletion_requested",
        entity="data_request",
        entity_id=request.id,
        after={"due_on": request.due_on.isoformat()},
    )
    return request


async def open_requests(
    session: AsyncSession, school_id: int
) -> list[tuple[DataRequest, str | None]]:
    """Return the school's open data requests with the guardian's name, oldest deadline first."""
    rows = await session.execute(
        select(DataRequest, Guardian.full_name)
        .outerjoin(Guardian, Guardian.id == DataRequest.guardian_id)
        .where(DataRequest.school_id == school_id, DataRequest.state == RequestState.PENDING)
        .order_by(DataRequest.due_on, DataRequest.id)
    )
    return [(request, name) for request, name in rows]
