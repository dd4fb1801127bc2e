"""The steps after a request is filed: the leader's decision, the teacher's supplement, the
administrator's change in the official system, and the three confirmations of the minutes.

Each step reads the request FOR UPDATE, checks the rules (rules.py) with the actor passed in,
writes and audits; a refused press is audited too. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections import class_teacher, news, rules
from bot.features.corrections.deciders import deciding_role
from bot.features.corrections.minutes import give_number
from bot.features.corrections.queries import Evidence, add_files, load
from bot.features.corrections.reads import signatures as signatures
from bot.features.corrections.rules import (
    NOT_ADMIN,
    NOT_DECIDER,
    NOT_SIGNER,
    SIGNERS,
    Refused,
    Stale,
)
from bot.features.corrections.rules import Decision as Decision
from storage.models import (
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    Role,
    School,
    Staff,
)
from storage.queries import audit, audit_refusal


async def _refused_press(
    session: AsyncSession, request: CorrectionRequest, who: str, note: str
) -> None:
    """Audit a press by someone the step is not for."""
    await audit_refusal(
        session,
        school_id=request.school_id,
        actor=who,
        action="correction.refused_press",
        entity="correction_request",
        entity_id=request.id,
        reason=note,
    )


async def check_decider(
    session: AsyncSession, actor: Actor, request: CorrectionRequest, today: date, who: str
) -> Role:
    """The presser's deciding role; a press by anyone else is refused and audited."""
    role = await deciding_role(session, request.school_id, today)
    if not rules.may_decide(actor, role):
        await _refused_press(session, request, who, f"not the deciding {role.value}")
        raise Refused(NOT_DECIDER)
    return role


async def open_decision(
    session: AsyncSession, actor: Actor, request_id: int, *, today: date, who: str
) -> CorrectionRequest:
    """ "Từ chối" or "Cần bổ sung" pressed: may this person decide on this request now? (The
    decision itself waits for the typed reason or question.)"""
    request = await load(session, actor.school_id, request_id)
    await check_decider(session, actor, request, today, who)
    rules.check_decidable(request)
    return request


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
    rules.check_decidable(request)
    state = rules.decided_state(decision, note)
    before = request.state.value
    request.decided_by = actor.account.staff_id
    request.decided_role = role.value
    request.decided_at = now
    request.decision_note = (note or "").strip() or None
    request.state = state
    if state is CorrectionState.REJECTED:
        request.open_key = None
        request.completed_at = now
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


async def open_addition(session: AsyncSession, actor: Actor, request_id: int) -> CorrectionRequest:
    """ "Bổ sung đề nghị" pressed: only the requester, only while the leader waits for more."""
    request = await load(session, actor.school_id, request_id)
    rules.check_addition(actor, request)
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
    rules.check_addition(actor, request)
    rules.check_addition_content(text, len(evidence))
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
    if not rules.may_apply(actor):
        await _refused_press(session, request, who, "not an administrator")
        raise Refused(NOT_ADMIN)
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
    if changed:  # a result the families may have read: they are told
        await news.tell_families(session, request, by=actor.account.id, now=now)
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


async def signer_roles(
    session: AsyncSession, actor: Actor, request: CorrectionRequest
) -> list[str]:
    """Which of the three confirmations this person gives for this request: as the class's
    teacher, only the account `class_teacher.teacher_account` names (not a teacher who left)."""
    roles = [role for role in rules.signer_roles(actor, request) if role != "teacher"]
    if actor.account.id == await class_teacher.teacher_account(session, request):
        roles.append("teacher")
    return roles


async def sign(
    session: AsyncSession,
    actor: Actor,
    request_id: int,
    role: str,
    *,
    now: datetime,
    who: str,
) -> tuple[CorrectionRequest, bool]:
    """Confirm the minutes in one role; True when this was the third confirmation, which also
    gives the minutes their number (the minutes themselves are made after the commit:
    minutes.produce)."""
    request = await load(session, actor.school_id, request_id, lock=True)
    if role not in SIGNERS or role not in await signer_roles(session, actor, request):
        await _refused_press(session, request, who, f"not the {role} of this request")
        raise Refused(NOT_SIGNER)
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
    complete = rules.complete([*done, role])
    if complete:
        request.state = CorrectionState.SIGNED
        request.open_key = None
        request.completed_at = now
        school = await session.get(School, request.school_id)
        zone = ZoneInfo(school.timezone if school else "Asia/Ho_Chi_Minh")
        await give_number(session, request, now.astimezone(zone).date())
    await session.flush()
    return request, complete
