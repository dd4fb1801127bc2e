"""The steps after a request is filed: the leader's decision, the teacher's supplement, the
administrator's change in the official system, and the three confirmations of the minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections.deciders import deciding_role
from bot.features.corrections.queries import (
    NOT_DECIDER,
    SIGNERS,
    Evidence,
    Refused,
    Stale,
    add_files,
    load,
)
from storage.models import (
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    Role,
    Staff,
)
from storage.queries import audit


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    MORE = "more"


async def check_decider(
    session: AsyncSession, actor: Actor, request: CorrectionRequest, today: date, who: str
) -> Role:
    """The presser's deciding role; a press by anyone else is refused and audited."""
    role = await deciding_role(session, request.school_id, today)
    if actor.account.staff_id is None or not actor.has(role):
        audit(
            session,
            school_id=request.school_id,
            actor=who,
            action="correction.refused_press",
            entity="correction_request",
            entity_id=request.id,
            note=f"not the deciding {role.value}",
        )
        await session.flush()
        raise Refused(NOT_DECIDER)
    return role


async def decide(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    decision: str,
    *,
    note: str | None,
    now: datetime,
    today: date,
    who: str,
) -> CorrectionRequest:
    """Approve, reject (with a reason) or ask for more (with a question); Stale if decided."""
    request = await load(session, actor.school_id, request_id, lock=True)
    role = await check_decider(session, actor, request, today, who)
    if request.state is not CorrectionState.PENDING:
        raise Stale(request)
    if decision != Decision.APPROVE and not (note or "").strip():
        raise Refused(N_("Please write the reason."))
    before = request.state.value
    request.decided_by = actor.account.staff_id
    request.decided_role = role.value
    request.decided_at = now
    request.decision_note = (note or "").strip() or None
    if decision == Decision.APPROVE:
        request.state = CorrectionState.APPROVED
    elif decision == Decision.REJECT:
        request.state = CorrectionState.REJECTED
        request.open_key = None
        request.completed_at = now
    else:
        request.state = CorrectionState.NEEDS_INFO
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action=f"correction.{decision}",
        entity="correction_request",
        entity_id=request.id,
        before={"state": before},
        after={"state": request.state.value, "role": role.value},
        note=request.decision_note,
    )
    await session.flush()
    return request


async def supplement(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    *,
    text: str,
    evidence: Sequence[Evidence],
    who: str,
) -> CorrectionRequest:
    """The teacher answers "Cần bổ sung": more text and files; the request waits again."""
    request = await load(session, actor.school_id, request_id, lock=True)
    if request.requester_account != actor.account.id:
        raise Refused(N_("Only the teacher who filed this request can add to it."))
    if request.state is not CorrectionState.NEEDS_INFO:
        raise Stale(request)
    if not text.strip() and not evidence:
        raise Refused(N_("Please write an answer or send a file first."))
    if text.strip():
        request.reason_text = f"{request.reason_text}\n\n{text.strip()}"
    add_files(session, request, evidence, actor.account.id)
    request.state = CorrectionState.PENDING
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action="correction.supplement",
        entity="correction_request",
        entity_id=request.id,
        before={"state": CorrectionState.NEEDS_INFO.value},
        after={"state": request.state.value, "files": len(evidence)},
        note=text.strip() or None,
    )
    await session.flush()
    return request


async def apply(
    session: AsyncSession, actor: Actor, request_id: int, *, now: datetime, who: str
) -> CorrectionRequest:
    """The administrator changed the official system: apply to the book and lock the item."""
    request = await load(session, actor.school_id, request_id, lock=True)
    if not actor.has(Role.ADMIN) or actor.account.staff_id is None:
        audit(
            session,
            school_id=request.school_id,
            actor=who,
            action="correction.refused_press",
            entity="correction_request",
            entity_id=request.id,
            note="not an administrator",
        )
        await session.flush()
        raise Refused(N_("Only the system administrator confirms the change in the system."))
    if request.state is not CorrectionState.APPROVED:
        raise Stale(request)
    item = Item(request.kind, request.item)
    changed = await assessment.record(
        session,
        school_id=request.school_id,
        student_id=request.student_id,
        class_id=request.class_id,
        school_year=request.school_year,
        period=Period(request.period),
        values={item: request.new_value},
        by=actor.account.id,
        relock=True,
    )
    request.state = CorrectionState.APPLIED
    request.applied_by = actor.account.staff_id
    request.applied_at = now
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action="correction.applied",
        entity="assessment_result",
        entity_id=f"{request.student_id}:{request.school_year}:{request.period}:{item.key}",
        before={"value": request.old_value},
        after={"value": request.new_value, "request": request.id, "relocked": True},
        note=None if changed else "the book already held the new value",
    )
    await session.flush()
    return request


async def signer_roles(actor: Actor, request: CorrectionRequest) -> list[str]:
    """Which of the three confirmations this person gives for this request."""
    roles = []
    staff = actor.account.staff_id
    if staff is not None and staff == request.decided_by:
        roles.append("principal")
    if staff is not None and staff == request.applied_by:
        roles.append("admin")
    if actor.account.id == request.requester_account:
        roles.append("teacher")
    return roles


async def signatures(session: AsyncSession, request_id: int) -> dict[str, CorrectionSignature]:
    """The confirmations given so far, by role."""
    rows = await session.scalars(
        select(CorrectionSignature).where(CorrectionSignature.request_id == request_id)
    )
    return {row.role: row for row in rows}


async def sign(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    role: str,
    *,
    now: datetime,
    who: str,
) -> tuple[CorrectionRequest, bool]:
    """Confirm the minutes in one role; True when this was the third confirmation."""
    request = await load(session, actor.school_id, request_id, lock=True)
    if role not in SIGNERS or role not in await signer_roles(actor, request):
        audit(
            session,
            school_id=request.school_id,
            actor=who,
            action="correction.refused_press",
            entity="correction_request",
            entity_id=request.id,
            note=f"not the {role} of this request",
        )
        await session.flush()
        raise Refused(N_("This confirmation is not yours to give."))
    if request.state is not CorrectionState.APPLIED:
        raise Stale(request)
    done = await signatures(session, request.id)
    if role in done:
        raise Stale(request)
    staff = await session.get(Staff, actor.account.staff_id) if actor.account.staff_id else None
    session.add(
        CorrectionSignature(
            request_id=request.id,
            role=role,
            staff_id=actor.account.staff_id,
            name=staff.full_name if staff else who,
            signed_at=now,
        )
    )
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action="correction.signed",
        entity="correction_request",
        entity_id=request.id,
        after={"role": role},
    )
    complete = len(done) + 1 == len(SIGNERS)
    if complete:
        request.state = CorrectionState.SIGNED
        request.open_key = None
        request.completed_at = now
    await session.flush()
    return request, complete
