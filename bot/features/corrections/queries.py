"""Correction requests (domain-vn.md section 0): request, decision, change, three signatures.

A teacher asks to correct one locked item of the assessment book with evidence; the deciding
leader (the principal, or the vice principal while the principal is recorded absent) approves,
rejects with a reason, or asks for more; the administrator changes the official system and
confirms, which applies the change to the book and locks the item again; the leader, the
administrator and the teacher each confirm the minutes. Every step is audited.

This module files a request; steps.py takes it along its path, reads.py reads what the chat
and the minutes show, rules.py holds the rules, checked here on every step from the stored
records: callers pass who acts, never what they may do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Calendar
from bot.features.corrections import evidence_kinds, rules
from bot.features.corrections.rules import NO_EVIDENCE as NO_EVIDENCE
from bot.features.corrections.rules import NO_REASON, NO_REQUEST
from bot.features.corrections.rules import NOT_DECIDER as NOT_DECIDER
from bot.features.corrections.rules import NOT_YOURS as NOT_YOURS
from bot.features.corrections.rules import OPEN as OPEN
from bot.features.corrections.rules import SAME_VALUE as SAME_VALUE
from bot.features.corrections.rules import SIGNERS as SIGNERS
from bot.features.corrections.rules import Refused as Refused
from bot.features.corrections.rules import Stale as Stale
from bot.features.corrections.rules import classes_in_scope as classes_in_scope
from bot.features.corrections.rules import may_request as may_request
from storage.models import (
    CorrectionFile,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    School,
    SchoolClass,
    Student,
)
from storage.queries import audit

Codes = tuple[str, ...]  # subject codes


@dataclass(frozen=True, slots=True)
class Evidence:
    """A file the teacher sent, downloaded: kept with the request."""

    name: str
    mime: str | None
    content: bytes
    telegram_file_id: str | None = None
    kind: str | None = None  # evidence_kinds: "book", "test", "other", as the teacher marked it


# Scope -----------------------------------------------------------------------------------------


def items_in_scope(
    actor: Actor, klass: SchoolClass, period: Period, optional: tuple[str, ...] = ()
) -> list[Item]:
    """The items of a period a teacher may ask to correct in a class (with the `optional`
    subjects its school teaches in the grade: assessment.optional_subjects)."""
    return [
        item
        for item in assessment.items_for(klass.grade, period, optional)
        if may_request(actor, klass.id, item)
    ]


def open_key(student_id: int, school_year: str, period: Period, item: Item) -> str:
    """The key that makes a second open request for the same item impossible."""
    return rules.open_key(student_id, school_year, period.value, item.key)


# The request -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """What a request is about, with the value the book holds now."""

    student: Student
    klass: SchoolClass
    school_year: str
    period: Period
    item: Item
    old_value: str | None


async def check_target(
    session: AsyncSession,
    actor: Actor,
    *,
    student_id: int,
    school_year: str,
    period: Period,
    item: Item,
    today: date,
    calendar: Calendar,
) -> Target:
    """Check that a request for this item may be filed now; Refused says why not."""
    student = await session.get(Student, student_id)
    klass = None if student is None else await session.get(SchoolClass, student.class_id)
    if student is None or klass is None or klass.school_id != actor.school_id:
        raise Refused(NOT_YOURS)
    if not may_request(actor, klass.id, item):
        raise Refused(NOT_YOURS)
    optional = await assessment.optional_subjects(session, klass)
    if item not in assessment.items_for(klass.grade, period, optional):
        raise Refused(
            N_("{item} is not assessed in grade {grade} at {period}."),
            item=item,
            grade=klass.grade,
            period=period.value.upper(),
        )
    results = await assessment.pupil_results(session, student.id, school_year, period)
    row = results.get(item)
    if not await assessment.item_locked(session, klass.school_id, school_year, period, klass, row):
        raise Refused(
            N_(
                "This result is not locked: no request is needed. Please change it directly in "
                "the class summary (/sodiem)."
            )
        )
    last = await assessment.deadline(session, klass.school_id, school_year, period, calendar)
    if rules.too_late(today, last):
        raise Refused(
            N_(
                "The last day for correction requests of this period was {day}. Please ask the "
                "principal to unlock it."
            ),
            day=last.strftime("%d/%m/%Y"),
        )
    waiting = await session.scalar(
        select(CorrectionRequest.created_at).where(
            CorrectionRequest.open_key == open_key(student.id, school_year, period, item)
        )
    )
    if waiting is not None:
        zone = await session.scalar(select(School.timezone).where(School.id == klass.school_id))
        raise Refused(
            N_(
                "A correction of this item filed on {day} is still open; a second one is not "
                "possible."
            ),
            day=waiting.astimezone(ZoneInfo(zone or "Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y"),
        )
    return Target(student, klass, school_year, period, item, row.value if row else None)


async def outcome_change(
    session: AsyncSession, target: Target, new_value: str
) -> tuple[str | None, str | None]:
    """The end-of-year outcome before and after, for a CN item (None where it cannot be said)."""
    if target.period is not Period.CN:
        return None, None
    book = await assessment.class_results(session, target.klass.id, target.school_year, Period.CN)
    values = dict(book.get(target.student.id, {}))
    before = assessment.outcome_or_none(values, target.klass.grade)
    values[target.item] = new_value
    after = assessment.outcome_or_none(values, target.klass.grade)
    return before, after


async def outcome_now(session: AsyncSession, target: Target) -> str | None:
    """The pupil's end-of-year outcome as the book holds it (None before the end of the year,
    or where it cannot be said yet): what decides whether Điều 11 applies."""
    if target.period is not Period.CN:
        return None
    book = await assessment.class_results(session, target.klass.id, target.school_year, Period.CN)
    return assessment.outcome_or_none(dict(book.get(target.student.id, {})), target.klass.grade)


def checked_value(
    item: Item, text: str, *, grade: int, period: Period, recorded: str | None, optional: Codes = ()
) -> str:
    """The stored form of a new value: RuleError when it is not valid, Refused when it is the
    value the book holds already."""
    value = assessment.parse_value(item, text, grade=grade, period=period, optional=optional)
    if value == recorded:
        raise Refused(SAME_VALUE)
    return value


async def submit(
    session: AsyncSession,
    actor: Actor,
    *,
    staff_id: int,
    student_id: int,
    school_year: str,
    period: Period,
    item: Item,
    new_text: str,
    reason: CorrectionReason,
    reason_text: str,
    evidence: Sequence[Evidence],
    now: datetime,
    today: date,
    calendar: Calendar,
    who: str,
    flow: str = "",
) -> CorrectionRequest:
    """File a request from the /suadiem form `flow`; Refused or RuleError says why not."""
    target = await check_target(
        session,
        actor,
        student_id=student_id,
        school_year=school_year,
        period=period,
        item=item,
        today=today,
        calendar=calendar,
    )
    optional, old = await assessment.optional_subjects(session, target.klass), target.old_value
    new_value = checked_value(
        item, new_text, grade=target.klass.grade, period=period, recorded=old, optional=optional
    )
    if not reason_text.strip() or not evidence:
        raise Refused(NO_EVIDENCE if reason_text.strip() else NO_REASON)
    before, after = await outcome_change(session, target, new_value)
    rules.check_reason(reason, item.kind, period.value, before)
    request = CorrectionRequest(
        school_id=actor.school_id,
        school_year=school_year,
        student_id=target.student.id,
        class_id=target.klass.id,
        period=period.value,
        kind=item.kind,
        item=item.code,
        old_value=target.old_value,
        new_value=new_value,
        reason=reason,
        reason_text=reason_text.strip(),
        state=CorrectionState.PENDING,
        open_key=open_key(target.student.id, school_year, period, item),
        outcome_before=before,
        outcome_after=after,
        requested_by=staff_id,
        requester_account=actor.account.id,
        created_at=now,
    )
    await _store(session, request, evidence, who, flow)
    return request


async def _store(
    session: AsyncSession,
    request: CorrectionRequest,
    evidence: Sequence[Evidence],
    who: str,
    flow: str,
) -> None:
    """Insert a new request with its files, audited; Refused when another one for the same
    item is open (the unique open key, should two be filed at the same moment), or when the
    evidence lacks a kind the correction needs (a score: the book's page and the test)."""
    evidence_kinds.check(request.kind, [file.kind for file in evidence])
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        raise Refused(
            N_("A request for this item is already open; a second one is not possible.")
        ) from None
    add_files(session, request, evidence, request.requester_account)
    audit(
        session,
        school_id=request.school_id,
        actor=who,
        action="correction.request",
        entity="correction_request",
        entity_id=request.id,
        before={"value": request.old_value, "outcome": request.outcome_before},
        after={"value": request.new_value, "outcome": request.outcome_after, "flow": flow},
        note=_describe(request),
    )
    await session.flush()


def add_files(
    session: AsyncSession,
    request: CorrectionRequest,
    files: Sequence[Evidence],
    account_id: int | None,
    kind: str = "evidence",
) -> list[CorrectionFile]:
    """Keep files with a request (their bytes, size and SHA-256)."""
    rows = [
        CorrectionFile(
            school_id=request.school_id,
            request_id=request.id,
            kind=kind,
            name=file.name[:200],
            mime=file.mime,
            size=len(file.content),
            sha256=hashlib.sha256(file.content).hexdigest(),
            content=file.content,
            telegram_file_id=file.telegram_file_id,
            evidence_kind=file.kind if kind == "evidence" else None,
            added_by=account_id,
        )
        for file in files
    ]
    session.add_all(rows)
    return rows


def _describe(request: CorrectionRequest) -> str:
    return (
        f"student {request.student_id} {request.school_year} {request.period} "
        f"{request.kind.value}.{request.item}: {request.old_value} -> {request.new_value}"
    )


async def load(
    session: AsyncSession, school_id: int, request_id: int, *, lock: bool = False
) -> CorrectionRequest:
    """A request of this school; Refused when there is none.

    With `lock`, the row is read FOR UPDATE (on PostgreSQL; SQLite has a single writer) and
    freshly: a step that changes the request's state holds the row until it commits, so a
    second press at the same moment waits and then finds the state it left.
    """
    request = await session.get(
        CorrectionRequest, request_id, with_for_update=lock, populate_existing=lock
    )
    if request is None or request.school_id != school_id:
        raise Refused(NO_REQUEST)
    return request
