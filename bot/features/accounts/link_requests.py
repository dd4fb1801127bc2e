"""Phones missing from the lists: the parent asks; the request card reaches the class's
homeroom teacher and the administrators (kept for those not in the bot yet). The decision is in
bot/features/accounts/link_decisions.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.accounts import news, rules
from bot.features.accounts.rules import Pupil, Reach
from storage.models import (
    AccountState,
    LinkRequest,
    RequestState,
    Role,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    StudentStatus,
    TelegramAccount,
)
from storage.names import class_list_key, nfc, search_key, split_name
from storage.queries import class_by_name

MAX_CANDIDATES = 40
_CLASS = re.compile(r"(?:^|\s)(?:l[oớ]p\s*)?([1-5]\s*[A-Za-z0-9/.]{0,4})\s*$", re.IGNORECASE)


async def open_request(
    session: AsyncSession, account: TelegramAccount, phone: str, name: str
) -> LinkRequest:
    """Start (or restart) the account's request; the parent describes the child next."""
    for old in await session.scalars(
        select(LinkRequest).where(
            LinkRequest.account_id == account.id,
            LinkRequest.state.in_([RequestState.DESCRIBING, RequestState.PENDING]),
        )
    ):
        old.state = RequestState.CANCELLED
    request = LinkRequest(
        school_id=account.school_id,
        account_id=account.id,
        phone=phone,
        name=nfc(name)[:120],
        state=RequestState.DESCRIBING,
    )
    session.add(request)
    await session.flush()
    return request


async def describing(session: AsyncSession, account: TelegramAccount) -> LinkRequest | None:
    """Return the request waiting for the parent's description of the child, if any."""
    return await session.scalar(
        select(LinkRequest).where(
            LinkRequest.account_id == account.id, LinkRequest.state == RequestState.DESCRIBING
        )
    )


@dataclass(frozen=True, slots=True)
class Described:
    """Where a described request went, for the parent's answer."""

    reach: Reach
    class_name: str


async def describe(
    session: AsyncSession, request: LinkRequest, text: str, now: datetime
) -> Described | None:
    """Take "child's name and class" from the parent, then queue the request for the class's
    homeroom teacher and the administrators (kept for those who join later); None if no known
    class is named."""
    text = nfc(text)
    match = _CLASS.search(text)
    if match is None:
        return None
    klass = await class_by_name(session, request.school_id, match.group(1))
    if klass is None:
        return None
    request.description = text[:200]
    request.claimed_relation = rules.claimed_relation(text)
    request.class_id = klass.id
    request.state = RequestState.PENDING
    teachers = await homeroom_teachers(session, request)
    admins = [
        staff for staff in await administrators(session, request.school_id) if staff not in teachers
    ]
    linked = await linked_staff(session, request.school_id, [*teachers, *admins])
    teacher_linked = bool(linked & set(teachers))
    card = await card_for(session, request)
    assert card is not None
    await news.queue_request(session, card, teachers, admins, teacher_linked, now)
    return Described(rules.reach(teacher_linked, bool(linked - set(teachers))), klass.name)


async def homeroom_teachers(session: AsyncSession, request: LinkRequest) -> list[int]:
    """The staff ids of the request's class's homeroom teacher (none or one)."""
    found = await session.scalars(
        select(Staff.id).where(
            Staff.school_id == request.school_id,
            Staff.homeroom_class_id == request.class_id,
            Staff.left_at.is_(None),
        )
    )
    return list(found)


async def administrators(session: AsyncSession, school_id: int) -> list[int]:
    """The staff ids of the school's system administrators."""
    found = await session.scalars(
        select(Staff.id)
        .join(StaffRole, StaffRole.staff_id == Staff.id)
        .where(Staff.school_id == school_id, StaffRole.role == Role.ADMIN, Staff.left_at.is_(None))
        .order_by(Staff.id)
    )
    return list(found)


async def linked_staff(session: AsyncSession, school_id: int, staff_ids: list[int]) -> set[int]:
    """Those of these members of staff who have linked an account."""
    found = await session.scalars(
        select(TelegramAccount.staff_id).where(
            TelegramAccount.school_id == school_id,
            TelegramAccount.state == AccountState.LINKED,
            TelegramAccount.staff_id.in_(staff_ids),
        )
    )
    return {staff for staff in found if staff is not None}


async def card_for(session: AsyncSession, request: LinkRequest) -> news.Card | None:
    """The request's card: its class and the pupils to choose from (None: no class)."""
    klass = await session.get(SchoolClass, request.class_id) if request.class_id else None
    if klass is None:
        return None
    return news.Card(request, klass.name, await candidates(session, request))


async def candidates(session: AsyncSession, request: LinkRequest) -> list[tuple[int, str]]:
    """The class's pupils (id, label) whose names match the description first; pupils who
    share a name are told apart (birth date, or the end of the student code)."""
    rows = (
        await session.execute(
            select(Student.id, Student.full_name, Student.birth_date, Student.student_code).where(
                Student.class_id == request.class_id, Student.status == StudentStatus.STUDYING
            )
        )
    ).all()
    pupils = [Pupil(row[0], row[1], row[2], row[3]) for row in rows]
    labels = rules.pupil_labels(pupils)
    words = set(search_key(request.description or "").split())
    ordered = sorted(pupils, key=lambda pupil: class_list_key(split_name(pupil.name)))
    matching = [pupil for pupil in ordered if words & set(search_key(pupil.name).split()[-1:])]
    chosen = matching or ordered
    return [(pupil.id, labels[pupil.id]) for pupil in chosen[:MAX_CANDIDATES]]


async def waiting(session: AsyncSession, school_id: int) -> list[LinkRequest]:
    """Every request of the school waiting for a decision, oldest first (for the reminder)."""
    found = await session.scalars(
        select(LinkRequest)
        .where(
            LinkRequest.school_id == school_id,
            LinkRequest.state == RequestState.PENDING,
            LinkRequest.class_id.is_not(None),
        )
        .order_by(LinkRequest.created_at, LinkRequest.id)
    )
    return list(found)
