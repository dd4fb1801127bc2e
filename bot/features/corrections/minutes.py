"""The signed minutes: numbered with the third signature, laid out with no transaction open,
kept once and queued for the three who signed.

The third signature's transaction marks the request signed and gives it its number (per school
and calendar year, `give_number`); after its commit, `produce` reads what the minutes say in one
short transaction, lays the .docx out in a worker thread with no transaction open, and keeps it
with its news in a second short one. A crash in between leaves a signed request without
minutes: `finish_signed` (after every signature, and on each morning's reminder run) makes
them. The unique index on a request's minutes keeps them from being made twice.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.core.labels import CORRECTION_REASON_LABELS, ROLE_LABELS, SIGNER_LABELS
from bot.delivery.outbox import Audience, enqueue_news, stored_document
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome
from bot.features.corrections import class_teacher, reads, rules, texts
from bot.features.corrections import documents as paper
from bot.features.corrections import evidence_kinds as kinds
from bot.features.corrections.queries import Evidence, add_files
from bot.features.corrections.settings import school_paper
from storage.models import (
    AssessmentKind,
    CorrectionFile,
    CorrectionRequest,
    CorrectionState,
    Role,
)

NEWS = "correction"  # the outbox kind of a request's news (chat/card.NEWS)
SCORE_EVIDENCE = (N_("the page of the quality-of-education record book"), N_("the pupil's test"))
Build = Callable[[paper.Minutes, Translator], bytes]


async def give_number(session: AsyncSession, request: CorrectionRequest, day: date) -> None:
    """Give the request the next minutes number of its school in `day`'s calendar year, once.

    Two signers completing two requests at the same moment cannot take the same number: the
    database refuses the second (unique per school and year) and it takes the next one.
    """
    if request.minutes_number is not None:
        return
    await session.flush()  # what the step changed stays, whatever happens to the savepoint
    school_id, request_id = request.school_id, request.id
    for _attempt in range(20):
        top = await session.scalar(
            select(func.max(CorrectionRequest.minutes_number)).where(
                CorrectionRequest.school_id == school_id,
                CorrectionRequest.minutes_year == day.year,
            )
        )
        try:
            async with session.begin_nested():
                await session.execute(
                    update(CorrectionRequest)
                    .where(CorrectionRequest.id == request_id)
                    .values(minutes_year=day.year, minutes_number=(top or 0) + 1)
                )
        except IntegrityError:
            continue
        await session.refresh(request)  # read back whole (a refused savepoint expires it)
        return
    raise RuntimeError("no minutes number could be given")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def keep_minutes(
    session: AsyncSession, request: CorrectionRequest, content: bytes
) -> CorrectionFile:
    """Keep the signed minutes (a .docx) with the evidence; the kept file, flushed (the outbox
    names it by its id)."""
    name = minutes_file_name(request)
    (kept,) = add_files(session, request, [Evidence(name, DOCX, content)], None, kind="minutes")
    await session.flush()
    return kept


def minutes_file_name(request: CorrectionRequest) -> str:
    """ "bien-ban-so-01-2027.docx": the minutes by their number and year, as people name them."""
    if request.minutes_number is None:
        return "bien-ban-sua-diem.docx"
    return f"bien-ban-so-{request.minutes_number:02d}-{request.minutes_year}.docx"


def _outcome(code: str | None, _: Translator) -> str:
    return "—" if code is None else _(OUTCOME_NAMES[Outcome(code)])


async def minutes_of(
    session: AsyncSession, request: CorrectionRequest, *, now: datetime, draft: bool = False
) -> paper.Minutes:
    """What the minutes (or their draft) say, read from the records in Vietnamese."""
    facts = await reads.minutes_facts(session, request)
    tr = translator("vi")
    item = Item(request.kind, request.item)
    acting = request.decided_role == Role.VICE_PRINCIPAL.value
    deciding = Role.VICE_PRINCIPAL if acting else Role.PRINCIPAL
    school = school_paper(facts.school)
    changed = request.outcome_before != request.outcome_after
    people = _signers(request, facts, tr(ROLE_LABELS[deciding]), tr)
    labels = texts.evidence_labels(facts.evidence, tr)
    zone = facts.zone
    day = (request.completed_at or now).astimezone(zone).date()
    return paper.Minutes(
        school_name=facts.school.name,
        place=school.place or "",
        day=day,
        number=rules.minutes_number(request.minutes_number, school.abbreviation),
        pupil=facts.student.full_name,
        student_code=facts.student.student_code,
        class_name=facts.klass.name,
        school_year=request.school_year,
        period=assessment.period_name(request.period, tr),
        item=item.name(tr),
        old_value=assessment.value_text(item, request.old_value, tr),
        new_value=assessment.value_text(item, request.new_value, tr),
        reason=tr(CORRECTION_REASON_LABELS[request.reason].formal),
        reason_text=request.reason_text,
        evidence=tuple(
            paper.EvidenceFile(f.name, f.size, f.sha256, label, _kind_words(f.evidence_kind, tr))
            for f, label in sorted(
                zip(facts.evidence, labels, strict=True),
                key=lambda pair: kinds.place(pair[0].evidence_kind),
            )
        ),
        evidence_kinds=tuple(tr(kind) for kind in evidence_kinds(request)),
        requester=paper.Act(people[2].name, tr("Teacher"), request.created_at),
        decision=paper.Decision(
            people[0].name, tr(ROLE_LABELS[deciding]), request.decided_at or now, tr("Approved")
        ),
        applied=paper.Applied(people[1].name, request.applied_at or now),
        confirmations=people,
        authority=school.governing_body,
        outcome_before=_outcome(request.outcome_before, tr) if changed else None,
        outcome_after=_outcome(request.outcome_after, tr) if changed else None,
        zone=zone,
        born=facts.student.birth_date,
        acting=acting,
        draft=draft,
    )


def _kind_words(kind: str | None, tr: Translator) -> str:
    return tr(kinds.WORDS[kind]) if kind in kinds.WORDS else ""


def _signers(
    request: CorrectionRequest, facts: reads.MinutesFacts, deciding: str, tr: Translator
) -> tuple[paper.Act, paper.Act, paper.Act]:
    """The deciding leader, the administrator and the teacher: name, role, when they signed
    (None for a draft's signature not given yet)."""
    names, signed = facts.staff_names, facts.signatures
    staff = {
        "principal": request.decided_by,
        "admin": request.applied_by,
        "teacher": request.requested_by,
    }

    def act(role: str) -> paper.Act:
        label = deciding if role == "principal" else tr(SIGNER_LABELS[role])
        done = signed.get(role)
        name = done.name if done else names.get(staff[role] or 0, "?")
        return paper.Act(name, label, done.signed_at if done else None)

    return act("principal"), act("admin"), act("teacher")


def evidence_kinds(request: CorrectionRequest) -> tuple[str, ...]:
    """The kinds of evidence a request carries, in words (msgids): a score correction both
    the record book's page and the pupil's test (Nguyễn Khuyến's regulation, Điều 11.2)."""
    if request.kind is AssessmentKind.SCORE:
        return SCORE_EVIDENCE
    return (SCORE_EVIDENCE[0],)


async def has_minutes(session: AsyncSession, request_id: int) -> bool:
    """Whether the request's minutes are kept."""
    found = await session.scalar(
        select(CorrectionFile.id).where(
            CorrectionFile.request_id == request_id, CorrectionFile.kind == "minutes"
        )
    )
    return found is not None


async def produce(
    sessions: async_sessionmaker[AsyncSession],
    request_id: int,
    now: datetime,
    build: Build | None = None,
) -> bool:
    """Make, keep and queue a signed request's minutes if they are not kept yet; True when
    this call made them. No transaction is open while the .docx is laid out."""
    async with sessions() as session, session.begin():
        request = await session.get(CorrectionRequest, request_id)
        if request is None or request.state is not CorrectionState.SIGNED:
            return False
        if await has_minutes(session, request_id):
            return False
        facts = await minutes_of(session, request, now=now)
    content = await asyncio.to_thread(build or paper.build_minutes, facts, translator("vi"))
    async with sessions() as session, session.begin():
        request = await session.get(CorrectionRequest, request_id)
        if request is None or await has_minutes(session, request_id):
            return False
        try:
            async with session.begin_nested():
                kept = await keep_minutes(session, request, content)
        except IntegrityError:  # made meanwhile by another run
            return False
        await _queue(session, request, kept, now)
    return True


SIGNED_CAPTION = N_("Minutes of the correction of {what}, signed by all three.")


async def _queue(
    session: AsyncSession,
    request: CorrectionRequest,
    minutes: CorrectionFile,
    now: datetime,
    caption: str = SIGNED_CAPTION,
) -> None:
    """Queue the kept minutes (or their draft) for the three: one notice, a delivery per person
    (a person holding two roles gets them once), the caption in each one's language."""
    people = await reads.linked_account_ids(session, [request.decided_by, request.applied_by])
    teacher = await class_teacher.teacher_account(session, request)
    if teacher is not None:
        people.add(teacher)
    captions = {}
    for code in LANGUAGES:
        tr = translator(code)
        what = texts.what(request, await reads.request_facts(session, request, tr), tr)
        captions[code] = html.escape(tr(caption).format(what=what))
    await enqueue_news(
        session,
        request.school_id,
        Audience.accounts(*sorted(people)),
        NEWS,
        captions,
        media=stored_document(minutes),
        now=now,
    )


DRAFT = "draft"  # the kind of the kept draft: never among the evidence, nor archived
# (session, request, the draft, now by the bot's clock)
Ask = Callable[[AsyncSession, CorrectionRequest, CorrectionFile, datetime], Awaitable[None]]


async def produce_draft(
    sessions: async_sessionmaker[AsyncSession],
    request_id: int,
    now: datetime,
    ask: Ask,
    build: Build | None = None,
) -> bool:
    """Make the draft minutes (DỰ THẢO) of an applied request and `ask` the three to sign with
    it, once; True when this call made it. No transaction is open while the .docx is laid out.
    The draft is kept as its own kind ("draft"), so that the outbox sends the same bytes after a
    retry; it is neither evidence nor minutes, and the archive leaves it out."""
    async with sessions() as session, session.begin():
        request = await session.get(CorrectionRequest, request_id)
        if request is None or request.state is not CorrectionState.APPLIED:
            return False
        if await reads.files_of(session, request_id, DRAFT):
            return False
        facts = await minutes_of(session, request, now=now, draft=True)
    content = await asyncio.to_thread(build or paper.build_minutes, facts, translator("vi"))
    async with sessions() as session, session.begin():
        request = await session.get(CorrectionRequest, request_id)
        if request is None or request.state is not CorrectionState.APPLIED:
            return False
        if await reads.files_of(session, request_id, DRAFT):
            return False  # made meanwhile by another run
        name = "du-thao-bien-ban-sua-diem.docx"
        (kept,) = add_files(session, request, [Evidence(name, DOCX, content)], None, kind=DRAFT)
        await session.flush()
        await ask(session, request, kept, now)
    return True


async def finish_applied(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime, ask: Ask
) -> int:
    """Ask for the signatures of every applied request of a school that has no draft yet (a
    crash after the administrator's change); how many were asked."""
    async with sessions() as session:
        drafted = select(CorrectionFile.request_id).where(CorrectionFile.kind == DRAFT)
        ids = list(
            await session.scalars(
                select(CorrectionRequest.id).where(
                    CorrectionRequest.school_id == school_id,
                    CorrectionRequest.state == CorrectionState.APPLIED,
                    CorrectionRequest.id.not_in(drafted),
                )
            )
        )
    made = 0
    for request_id in ids:
        made += await produce_draft(sessions, request_id, now, ask)
    return made


async def finish_signed(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> int:
    """Make the minutes of every signed request of a school that has none (a crash after the
    third signature); how many were made."""
    async with sessions() as session:
        kept = select(CorrectionFile.request_id).where(CorrectionFile.kind == "minutes")
        ids = list(
            await session.scalars(
                select(CorrectionRequest.id).where(
                    CorrectionRequest.school_id == school_id,
                    CorrectionRequest.state == CorrectionState.SIGNED,
                    CorrectionRequest.id.not_in(kept),
                )
            )
        )
    made = 0
    for request_id in ids:
        made += await produce(sessions, request_id, now)
    return made
