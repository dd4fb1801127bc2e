"""Who is "the class's teacher" of a correction request: who hears of it and signs its minutes
in that role. The request outlives its teacher's staying at the school; its news do not
follow her out of it (a leaver gets nothing more about a pupil)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.corrections.reads import linked_accounts
from storage.models import AccountState, CorrectionRequest, Staff, TelegramAccount


async def teacher_account(session: AsyncSession, request: CorrectionRequest) -> int | None:
    """The account that hears of a request and signs its minutes as the class's teacher: the
    teacher who filed it while she is still on the school's staff and linked; after she left
    (or unlinked), the class's current homeroom teacher's linked account; else nobody. The
    request stays valid whoever it is; a leaver gets nothing more about the pupil."""
    if request.requester_account is not None:
        still = await session.scalar(
            select(TelegramAccount.id)
            .join(Staff, Staff.id == TelegramAccount.staff_id)
            .where(
                TelegramAccount.id == request.requester_account,
                TelegramAccount.state == AccountState.LINKED,
                Staff.left_at.is_(None),
            )
        )
        if still is not None:
            return still
    homeroom = await session.scalars(
        select(Staff.id).where(
            Staff.school_id == request.school_id,
            Staff.homeroom_class_id == request.class_id,
            Staff.left_at.is_(None),
        )
    )
    accounts = await linked_accounts(session, homeroom.all())
    return accounts[0].id if accounts else None
