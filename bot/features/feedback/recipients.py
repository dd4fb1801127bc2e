"""Who receives what a parent writes: the staff holding the recipient role (a class's homeroom
teacher, or the principal and vice principal), which of them have joined the bot, and whether
the parent can be reached. Shared with leave requests, which go to the homeroom teacher too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.feedback.rules import LEADERS
from storage.models import (
    AccountState,
    Feedback,
    Notice,
    SchoolClass,
    Staff,
    StaffRole,
    TelegramAccount,
)


async def recipient_staff(
    session: AsyncSession, school_id: int, class_id: int | None, to_leaders: bool
) -> list[tuple[int, str]]:
    """(staff id, name) of the recipients on the lists: the class's homeroom teacher, or the
    principal and vice principal; staff who left are not counted."""
    query = select(Staff.id, Staff.full_name).where(
        Staff.school_id == school_id, Staff.left_at.is_(None)
    )
    if to_leaders:
        leaders = select(StaffRole.staff_id).where(StaffRole.role.in_(LEADERS))
        query = query.where(Staff.id.in_(leaders))
    else:
        query = query.where(Staff.homeroom_class_id == class_id)
    return [(row[0], row[1]) for row in await session.execute(query.order_by(Staff.id))]


async def linked_accounts(session: AsyncSession, school_id: int, staff_ids: list[int]) -> list[int]:
    """The linked accounts of these members of staff."""
    if not staff_ids:
        return []
    return list(
        await session.scalars(
            select(TelegramAccount.id)
            .where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_(staff_ids),
            )
            .order_by(TelegramAccount.id)
        )
    )


async def absent(session: AsyncSession, school_id: int, staff: list[tuple[int, str]]) -> list[str]:
    """The names of those who have not joined the bot (no linked account)."""
    joined = set(
        await session.scalars(
            select(TelegramAccount.staff_id).where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_([staff_id for staff_id, _name in staff]),
            )
        )
    )
    return [name for staff_id, name in staff if staff_id not in joined]


async def recipients(session: AsyncSession, item: Feedback) -> list[int]:
    """The linked accounts of the item's recipients (the teacher, or the leaders)."""
    staff = await recipient_staff(session, item.school_id, item.class_id, item.to_leaders)
    return await linked_accounts(session, item.school_id, [staff_id for staff_id, _ in staff])


async def parent_reachable(session: AsyncSession, item: Feedback) -> bool:
    """Whether the item's parent account is linked, so that the school's news reaches it."""
    state = await session.scalar(
        select(TelegramAccount.state).where(TelegramAccount.id == (item.account_id or 0))
    )
    return state == AccountState.LINKED


async def class_name(session: AsyncSession, class_id: int | None) -> str:
    """A class's name ("1A"), or "?" if it is gone."""
    found = await session.scalar(select(SchoolClass.name).where(SchoolClass.id == (class_id or 0)))
    return found or "?"


async def admins_told(session: AsyncSession, school_id: int, ref: str, now: datetime) -> bool:
    """Whether the administrators were told of this missing recipient recently (the notice is
    still kept for administrators who join)."""
    found = await session.scalar(
        select(Notice.id)
        .where(Notice.school_id == school_id, Notice.ref == ref, Notice.kept_until > now)
        .limit(1)
    )
    return found is not None
