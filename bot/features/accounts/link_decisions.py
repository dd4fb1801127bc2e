"""The decision on a link request: the homeroom teacher (or an administrator) chooses the
child, confirms after calling the parent, or refuses. Every step re-reads the request and
re-checks the presser (rules.may_decide); the parent's news goes through the outbox in the
decision's transaction, and the outcome is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.accounts import news, rules
from bot.features.accounts import queries as accounts
from bot.features.accounts.link_requests import card_for
from bot.features.accounts.rules import Decision
from storage.models import (
    Guardian,
    LinkRequest,
    RequestState,
    SchoolClass,
    Student,
    StudentGuardian,
    TelegramAccount,
)
from storage.queries import audit


@dataclass(frozen=True, slots=True)
class Choice:
    """A pupil chosen for a request, before the second confirmation."""

    decision: Decision
    request: LinkRequest | None = None
    pupil: Student | None = None
    class_name: str = ""


@dataclass(frozen=True, slots=True)
class DecisionResult:
    """What a decision did (the pupil's name when a parent was linked)."""

    decision: Decision
    student_name: str | None = None
    kept: int = 0  # kept notices the newly linked parent is now given


@dataclass(frozen=True, slots=True)
class Closed:
    """What became of a request that no longer waits, for a late press: its state, when it
    was decided, and the pupil the parent was linked to."""

    state: RequestState
    decided_at: datetime | None = None
    student_name: str | None = None


async def closed(session: AsyncSession, actor: Actor, request_id: int) -> Closed | None:
    """The request as it stands, if it no longer waits and this person may decide its
    class's requests (None: unknown, another school's or class's, or still open)."""
    request = await session.get(LinkRequest, request_id)
    if request is None or request.state in (RequestState.PENDING, RequestState.DESCRIBING):
        return None
    if request.school_id != actor.school_id or request.class_id is None:
        return None
    if not actor.can_manage_class_accounts(request.class_id):
        return None
    student = await session.get(Student, request.student_id) if request.student_id else None
    return Closed(request.state, request.decided_at, student.full_name if student else None)


async def _open(
    session: AsyncSession, actor: Actor, request_id: int, *, lock: bool = False
) -> tuple[Decision, LinkRequest | None]:
    request = await session.get(LinkRequest, request_id, with_for_update=lock)
    verdict = rules.may_decide(actor, request)
    return verdict, request if verdict is Decision.DONE else None


async def choose(session: AsyncSession, actor: Actor, request_id: int, student_id: int) -> Choice:
    """The pupil chosen for a waiting request (nothing changes until it is confirmed)."""
    verdict, request = await _open(session, actor, request_id)
    if request is None:
        return Choice(verdict)
    pupil = await session.get(Student, student_id)
    if pupil is None or not rules.may_link_pupil(request, pupil.class_id):
        return Choice(Decision.NOT_ALLOWED)
    klass = await session.get(SchoolClass, pupil.class_id)
    return Choice(Decision.DONE, request, pupil, klass.name if klass else "")


async def reopen(
    session: AsyncSession, actor: Actor, request_id: int
) -> tuple[Decision, news.Card | None]:
    """The request's card again ("Back" from the confirmation), while it waits."""
    verdict, request = await _open(session, actor, request_id)
    if request is None:
        return verdict, None
    return verdict, await card_for(session, request)


async def confirm(
    session: AsyncSession, actor: Actor, request_id: int, student_id: int, now: datetime
) -> DecisionResult:
    """Link the parent to the chosen pupil (the second confirmation), once."""
    verdict, request = await _open(session, actor, request_id, lock=True)
    if request is None:
        return DecisionResult(verdict)
    student = await session.get(Student, student_id)
    if student is None or not rules.may_link_pupil(request, student.class_id):
        return DecisionResult(Decision.NOT_ALLOWED)
    _decided(request, actor, now)
    kept = await _link_parent(session, actor, request, student, now)
    await _tell_parent(session, actor, request, student.full_name, now)
    return DecisionResult(Decision.DONE, student.full_name, kept)


async def refuse(
    session: AsyncSession, actor: Actor, request_id: int, now: datetime
) -> DecisionResult:
    """Refuse a waiting request, once; the parent is told to contact the teacher."""
    verdict, request = await _open(session, actor, request_id, lock=True)
    if request is None:
        return DecisionResult(verdict)
    _decided(request, actor, now)
    request.state = RequestState.REJECTED
    _audit(session, actor, request, "link_request.reject")
    await _tell_parent(session, actor, request, None, now)
    return DecisionResult(Decision.DONE)


def _decided(request: LinkRequest, actor: Actor, now: datetime) -> None:
    request.decided_by = actor.account.id
    request.decided_at = now


async def _tell_parent(
    session: AsyncSession,
    actor: Actor,
    request: LinkRequest,
    student_name: str | None,
    now: datetime,
) -> None:
    await news.stop_keeping(session, request)
    parent = await session.get(TelegramAccount, request.account_id)
    assert parent is not None
    await news.queue_decision(session, parent, student_name, actor.account.id, now)


async def _link_parent(
    session: AsyncSession, actor: Actor, request: LinkRequest, student: Student, now: datetime
) -> int:
    """Add the parent to the lists as the pupil's guardian (with the relation they claimed)
    and link their account; return how many kept notices they are now given."""
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
        relation = rules.stored_relation(news.claim_of(request))
        session.add(
            StudentGuardian(student_id=student.id, guardian_id=guardian.id, relation=relation)
        )
    account = await session.get(TelegramAccount, request.account_id)
    assert account is not None
    result = await accounts.link(
        session,
        account,
        guardian.id,
        None,
        f"tg:{actor.account.telegram_user_id}",
        via="request",
        now=now,
    )
    request.state = RequestState.APPROVED
    request.student_id = student.id
    _audit(session, actor, request, "link_request.approve")
    return result.kept


def _audit(session: AsyncSession, actor: Actor, request: LinkRequest, action: str) -> None:
    audit(
        session,
        school_id=request.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action=action,
        entity="link_request",
        entity_id=request.id,
        after={
            "student_id": request.student_id,
            "class_id": request.class_id,
            "phone": request.phone,
            "claimed_relation": news.claim_of(request),
            "confirmed_after_check": action == "link_request.approve",
        },
    )
