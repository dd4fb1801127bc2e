"""What waits in a person's inbox, oldest first: open feedback they answer, pending leave
requests of their class, pending link requests they may decide. Each feature's own reads give
the first two; link requests are read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.feedback.waiting import Waiting, in_inbox
from bot.features.leave import queries as leave
from storage.models import LeaveRequest, LinkRequest, RequestState


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of the inbox: a feedback (with its last message), a leave or a link request."""

    since: datetime
    feedback: Waiting | None = None
    leave: LeaveRequest | None = None
    link: LinkRequest | None = None


async def link_requests(session: AsyncSession, actor: Actor) -> list[LinkRequest]:
    """Pending link requests of the classes this person handles the families of."""
    found = await session.scalars(
        select(LinkRequest)
        .where(
            LinkRequest.school_id == actor.school_id,
            LinkRequest.state == RequestState.PENDING,
            LinkRequest.class_id.is_not(None),
        )
        .order_by(LinkRequest.created_at, LinkRequest.id)
    )
    return [
        request
        for request in found
        if request.class_id is not None and actor.can_manage_class_accounts(request.class_id)
    ]


async def entries(session: AsyncSession, actor: Actor) -> list[Entry]:
    """Everything waiting for this person, oldest first."""
    found = [Entry(waiting.since, feedback=waiting) for waiting in await in_inbox(session, actor)]
    found += [
        Entry(request.created_at, leave=request)
        for request in await leave.waiting_for(session, actor)
    ]
    found += [
        Entry(request.created_at, link=request) for request in await link_requests(session, actor)
    ]
    return sorted(found, key=lambda entry: entry.since)


async def attachment(session: AsyncSession, school_id: int, ref: str) -> tuple[str, str] | None:
    """The (kind, file id) a notice with this ref carried: a leave request's doctor's note."""
    notice = await leave.notice_with(session, school_id, ref)
    if notice is None or not notice.media_kind or not notice.media_file:
        return None
    return notice.media_kind, notice.media_file
