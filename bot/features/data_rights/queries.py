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
    Guardian,
    RequestState,
    SchoolClass,
    Staff,
    Student,
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
    return data


async def request_deletion(session: AsyncSession, actor: Actor, today: date) -> DataRequest:
    """Record a deletion request with its legal deadline; one open request per person."""
    existing = await session.scalar(
        select(DataRequest).where(
            DataRequest.account_id == actor.account.id,
            DataRequest.kind == DataRequestKind.DELETION,
            DataRequest.state == RequestState.PENDING,
        )
    )
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
