"""Phones missing from the lists: the parent asks, the homeroom teacher or administrator links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.accounts import news, rules
from bot.features.accounts import queries as accounts
from bot.features.accounts.rules import Decision
from storage.models import (
    AccountState,
    Guardian,
    LinkRequest,
    Relation,
    RequestState,
    Role,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    TelegramAccount,
)
from storage.names import class_list_key, nfc, search_key, split_name
from storage.queries import audit, class_by_name

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


async def describe(session: AsyncSession, request: LinkRequest, text: str, now: datetime) -> bool:
    """Take "child's name and class" from the parent, then queue the request for the class's
    homeroom teacher and the administrators; False if no known class is named."""
    text = nfc(text)
    match = _CLASS.search(text)
    if match is None:
        return False
    klass = await class_by_name(session, request.school_id, match.group(1))
    if klass is None:
        return False
    request.description = text[:200]
    request.class_id = klass.id
    request.state = RequestState.PENDING
    options = await candidates(session, request)
    deciding = [account.id for account in await deciders(session, request)]
    await news.queue_request(session, request, deciding, options, now)
    return True


async def deciders(session: AsyncSession, request: LinkRequest) -> list[TelegramAccount]:
    """Return the linked accounts that may decide: the class's homeroom teacher and admins."""
    staff_ids = select(Staff.id).where(
        Staff.school_id == request.school_id, Staff.homeroom_class_id == request.class_id
    )
    admin_ids = select(StaffRole.staff_id).where(StaffRole.role == Role.ADMIN)
    return list(
        await session.scalars(
            select(TelegramAccount).where(
                TelegramAccount.school_id == request.school_id,
                TelegramAccount.state == AccountState.LINKED,
                TelegramAccount.staff_id.in_(staff_ids) | TelegramAccount.staff_id.in_(admin_ids),
            )
        )
    )


async def candidates(session: AsyncSession, request: LinkRequest) -> list[tuple[int, str]]:
    """Return the class's pupils (id, name) whose names match the description first."""
    rows = (
        await session.execute(
            select(Student.id, Student.full_name).where(Student.class_id == request.class_id)
        )
    ).all()
    words = set(search_key(request.description or "").split())
    ordered = sorted(rows, key=lambda row: class_list_key(split_name(row.full_name)))
    matching = [row for row in ordered if words & set(search_key(row.full_name).split()[-1:])]
    chosen = matching or ordered
    return [(row.id, row.full_name) for row in chosen[:MAX_CANDIDATES]]


@dataclass(frozen=True, slots=True)
class DecisionResult:
    """What a press on a request's button did (the request and pupil when it was done)."""

    decision: Decision
    request: LinkRequest | None = None
    student_name: str | None = None


async def decide(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    student_id: int | None,
    now: datetime,
) -> DecisionResult:
    """Approve (with the chosen child) or reject a pending request, after checking the scope;
    the parent's news of the decision is queued in the same transaction."""
    request = await session.get(LinkRequest, request_id, with_for_update=True)
    verdict = rules.may_decide(actor, request)
    if verdict is not Decision.DONE or request is None:
        return DecisionResult(verdict)
    student = await session.get(Student, student_id) if student_id is not None else None
    if student_id is not None and not rules.may_link_pupil(
        request, student.class_id if student else None
    ):
        return DecisionResult(Decision.NOT_ALLOWED)
    request.decided_by = actor.account.id
    request.decided_at = now
    if student is None:
        request.state = RequestState.REJECTED
        _audit(session, actor, request, "link_request.reject")
    else:
        await _link_parent(session, actor, request, student)
    parent = await session.get(TelegramAccount, request.account_id)
    assert parent is not None
    name = student.full_name if student else None
    await news.queue_decision(session, parent, name, actor.account.id, now)
    return DecisionResult(Decision.DONE, request, name)


async def _link_parent(
    session: AsyncSession, actor: Actor, request: LinkRequest, student: Student
) -> None:
    """Add the parent to the lists as the pupil's guardian and link their account."""
    guardian = await session.scalar(
        select(Guardian).where(
            Guardian.school_id == request.school_id, Guardian.phone == request.phone
        )
    )
    if guardian is None:
        guardian = Guardian(
            school_id=request.school_id, full_name=request.name, phone=request.phone
        )
        session.add(guardian)
        await session.flush()
    linked = await session.get(StudentGuardian, (student.id, guardian.id))
    if linked is None:
        session.add(
            StudentGuardian(
                student_id=student.id, guardian_id=guardian.id, relation=Relation.GUARDIAN
            )
        )
    account = await session.get(TelegramAccount, request.account_id)
    assert account is not None
    await accounts.link(
        session, account, guardian.id, None, f"tg:{actor.account.telegram_user_id}", via="request"
    )
    request.state = RequestState.APPROVED
    request.student_id = student.id
    _audit(session, actor, request, "link_request.approve")


def _audit(session: AsyncSession, actor: Actor, request: LinkRequest, action: str) -> None:
    audit(
        session,
        school_id=request.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action=action,
        entity="link_request",
        entity_id=request.id,
        after={"student_id": request.student_id, "phone": request.phone},
    )
