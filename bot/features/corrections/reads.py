"""What the correction chat, the card and the minutes read: a request's files, the people it
concerns, the facts its card and its minutes show. Reads only, `session` first, never a commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import Translator
from bot.features.calendar.queries import Calendar, load_calendar
from bot.features.corrections.rules import Pupil, classes_in_scope, told_apart
from storage.models import (
    AccountState,
    AuditEvent,
    CorrectionFile,
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    Delivery,
    DeliveryState,
    Notice,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentStatus,
    TelegramAccount,
)
from storage.names import class_list_key, split_name


async def files_of(
    session: AsyncSession, request_id: int, kind: str = "evidence"
) -> list[CorrectionFile]:
    """A request's kept files of one kind, in the order they came."""
    rows = await session.scalars(
        select(CorrectionFile)
        .where(CorrectionFile.request_id == request_id, CorrectionFile.kind == kind)
        .order_by(CorrectionFile.id)
    )
    return list(rows)


def evidence_ref(request_id: int, file_id: int) -> str:
    """The ref of the notice that carries one evidence file to the deciding leaders."""
    return f"correction:{request_id}:file:{file_id}"


async def unshown_evidence(
    session: AsyncSession, request: CorrectionRequest, account_id: int
) -> list[CorrectionFile]:
    """The evidence files Telegram refused to show this person (every sending of them to the
    person failed; one on its way or sent counts as shown), in the order they came."""
    prefix = f"correction:{request.id}:file:"
    rows = await session.execute(
        select(Notice.ref, Delivery.state)
        .join(Delivery, Delivery.notice_id == Notice.id)
        .where(
            Notice.school_id == request.school_id,
            Notice.ref.startswith(prefix),
            Delivery.account_id == account_id,
        )
    )
    failed: set[int] = set()
    shown: set[int] = set()
    for ref, state in rows:
        file_id, *again = str(ref).removeprefix(prefix).split(":")
        # Sent again as its kept bytes and refused even so: reported already, not asked again.
        refused = state is DeliveryState.FAILED and not again
        (failed if refused else shown).add(int(file_id))
    return [file for file in await files_of(session, request.id) if file.id in failed - shown]


async def corrections_this_year(session: AsyncSession, staff_id: int | None, year: str) -> int:
    """How many requests a teacher filed this school year (all states)."""
    if staff_id is None:
        return 0
    count = await session.scalar(
        select(func.count(CorrectionRequest.id)).where(
            CorrectionRequest.requested_by == staff_id, CorrectionRequest.school_year == year
        )
    )
    return int(count or 0)


async def filed_between(
    session: AsyncSession, school_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, str | None]]:
    """Requests filed from `start` to before `end`: when, and by which teacher (the leaders'
    dashboard counts them per month and per teacher)."""
    filed = CorrectionRequest.created_at
    rows = await session.execute(
        select(filed, Staff.full_name)
        .outerjoin(Staff, Staff.id == CorrectionRequest.requested_by)
        .where(CorrectionRequest.school_id == school_id, filed >= start, filed < end)
    )
    return [(created, name) for created, name in rows]


async def waiting(
    session: AsyncSession, school_id: int, states: Sequence[CorrectionState]
) -> list[CorrectionRequest]:
    """Requests of a school in these states, oldest first."""
    rows = await session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.school_id == school_id, CorrectionRequest.state.in_(states))
        .order_by(CorrectionRequest.id)
    )
    return list(rows)


async def filed_by(
    session: AsyncSession, school_id: int, account_id: int, states: Sequence[CorrectionState]
) -> list[CorrectionRequest]:
    """The requests one account filed that are in these states, oldest first."""
    return [
        request
        for request in await waiting(session, school_id, states)
        if request.requester_account == account_id
    ]


async def filed_from(session: AsyncSession, who: str, flow: str) -> CorrectionRequest | None:
    """The request a person filed from the /suadiem form `flow` (its audit event keeps the
    flow), if any: among their last filings."""
    rows = await session.execute(
        select(AuditEvent.entity_id, AuditEvent.after)
        .where(AuditEvent.action == "correction.request", AuditEvent.actor == who)
        .order_by(AuditEvent.id.desc())
        .limit(100)
    )
    for entity_id, after in rows:
        if (after or {}).get("flow") == flow and entity_id and entity_id.isdigit():
            return await session.get(CorrectionRequest, int(entity_id))
    return None


def snapshot(request: CorrectionRequest) -> Mapping[str, Any]:
    """The request as plain values (for the index, logs and tests)."""
    return {
        "id": request.id,
        "state": request.state.value,
        "item": f"{request.kind.value}.{request.item}",
        "old": request.old_value,
        "new": request.new_value,
    }


# The teacher's draft ---------------------------------------------------------------------------


async def pupil_in_scope(
    session: AsyncSession, actor: Actor, student_id: int
) -> tuple[Student, SchoolClass] | None:
    """The pupil and their class, if the teacher may ask corrections for them."""
    student = await session.get(Student, student_id)
    if student is None or student.class_id not in classes_in_scope(actor):
        return None
    klass = await session.get(SchoolClass, student.class_id)
    return None if klass is None else (student, klass)


async def class_pupils(
    session: AsyncSession, class_id: int, _: Translator
) -> list[tuple[int, str]]:
    """(id, label) of a class's pupils in class-list order, namesakes told apart."""
    rows = await session.execute(
        select(Student.id, Student.full_name, Student.birth_date, Student.student_code).where(
            Student.class_id == class_id, Student.status == StudentStatus.STUDYING
        )
    )
    pupils = sorted((Pupil(*row) for row in rows), key=lambda p: class_list_key(split_name(p.name)))
    labels = told_apart(pupils, _)
    return [(pupil.id, labels[pupil.id]) for pupil in pupils]


async def pupil_label(session: AsyncSession, student: Student, _: Translator) -> str:
    """The pupil's name, told apart from a classmate of the same name."""
    rows = await session.execute(
        select(Student.id, Student.full_name, Student.birth_date, Student.student_code).where(
            Student.class_id == student.class_id,
            Student.full_name == student.full_name,
            Student.status == StudentStatus.STUDYING,
        )
    )
    pupils = [Pupil(*row) for row in rows]
    if student.id not in {p.id for p in pupils}:  # a pupil who left: among the others
        pupils.append(
            Pupil(student.id, student.full_name, student.birth_date, student.student_code)
        )
    return told_apart(pupils, _)[student.id]


async def school(session: AsyncSession, school_id: int) -> School:
    """The school (it exists: the actor belongs to it)."""
    found = await session.get(School, school_id)
    assert found is not None
    return found


async def school_calendar(session: AsyncSession, school_id: int, today: date) -> Calendar:
    """The school's calendar around today."""
    school = await session.get(School, school_id)
    assert school is not None
    return await load_calendar(session, school, today)


# The people a request concerns -----------------------------------------------------------------


async def linked_accounts(
    session: AsyncSession, staff_ids: Iterable[int | None]
) -> list[TelegramAccount]:
    """The linked accounts of these members of staff, in the order of their ids."""
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return []
    rows = await session.scalars(
        select(TelegramAccount)
        .where(TelegramAccount.staff_id.in_(ids), TelegramAccount.state == AccountState.LINKED)
        .order_by(TelegramAccount.id)
    )
    return list(rows)


async def linked_account_ids(session: AsyncSession, staff_ids: Iterable[int | None]) -> set[int]:
    """The ids of those accounts."""
    return {account.id for account in await linked_accounts(session, staff_ids)}


# What the card and the minutes show ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What names a request to people: the pupil (told apart from namesakes), the class, and
    the day it was filed in the school's time zone."""

    pupil: str
    class_name: str
    filed: date


async def request_facts(
    session: AsyncSession, request: CorrectionRequest, _: Translator
) -> RequestFacts:
    """The pupil's label, the class's name and the day the request was filed."""
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    school = await session.get(School, request.school_id)
    zone = ZoneInfo(school.timezone if school is not None else "Asia/Ho_Chi_Minh")
    return RequestFacts(
        pupil=await pupil_label(session, student, _) if student else "?",
        class_name=klass.name if klass else "?",
        filed=request.created_at.astimezone(zone).date(),
    )


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What a leader's card says about the people and the files of a request."""

    request: RequestFacts
    teacher: str
    asked_this_year: int
    files: list[CorrectionFile]


async def card_facts(session: AsyncSession, request: CorrectionRequest, _: Translator) -> CardFacts:
    """The names, the teacher's count of requests this year and the evidence files."""
    teacher = await session.get(Staff, request.requested_by) if request.requested_by else None
    return CardFacts(
        request=await request_facts(session, request, _),
        teacher=teacher.full_name if teacher else "?",
        asked_this_year=await corrections_this_year(
            session, request.requested_by, request.school_year
        ),
        files=await files_of(session, request.id),
    )


@dataclass(frozen=True, slots=True)
class MinutesFacts:
    """The records the minutes are written from."""

    school: School
    student: Student
    klass: SchoolClass
    staff_names: dict[int, str]
    signatures: dict[str, CorrectionSignature]
    evidence: list[CorrectionFile]
    zone: ZoneInfo


async def signatures(session: AsyncSession, request_id: int) -> dict[str, CorrectionSignature]:
    """The confirmations given so far, by role."""
    rows = await session.scalars(
        select(CorrectionSignature).where(CorrectionSignature.request_id == request_id)
    )
    return {row.role: row for row in rows}


async def minutes_facts(session: AsyncSession, request: CorrectionRequest) -> MinutesFacts:
    """The school, the pupil, the class, the staff's names, the signatures and the evidence."""
    school = await session.get(School, request.school_id)
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    assert school is not None and student is not None and klass is not None
    staff = await session.scalars(select(Staff).where(Staff.school_id == school.id))
    return MinutesFacts(
        school=school,
        student=student,
        klass=klass,
        staff_names={s.id: s.full_name for s in staff},
        signatures=await signatures(session, request.id),
        evidence=await files_of(session, request.id),
        zone=ZoneInfo(school.timezone or "Asia/Ho_Chi_Minh"),
    )
