"""After an approval: the administrator's "changed in the official system", the three
confirmations of the principal, the administrator and the teacher, and the signed minutes (.docx)
kept with the evidence and queued in the outbox for all three.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from telegram import CallbackQuery

from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.labels import CORRECTION_REASON_LABELS, ROLE_LABELS, SIGNER_LABELS
from bot.core.presses import cosmetic
from bot.delivery.outbox import Audience, enqueue_news, stored_document
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.corrections import documents as paper
from bot.features.corrections import queries as corrections
from bot.features.corrections import steps as correction_steps
from bot.features.corrections.chat.card import (
    FEATURE,
    HTML,
    accounts,
    card,
    outcome,
    refusal,
)
from bot.features.corrections.queries import Evidence, Refused, Stale
from storage.models import (
    CorrectionFile,
    CorrectionRequest,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
)

# The sign buttons' labels (a button's label is one msgid, translated when it is sent).
SIGN_AS = {
    "principal": N_("Sign as principal"),
    "admin": N_("Sign as system administrator"),
    "teacher": N_("Sign as teacher"),
}
NEWS = "correction"  # the outbox kind of the news of a request's steps


async def on_applied(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Đã cập nhật trên hệ thống": the administrator made the change; ask the three to sign."""
    try:
        request = await correction_steps.apply(
            visit.session, visit.actor, p.int_arg(0), now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await refusal(query, visit, error)
        return
    await _ask_signatures(visit, request)
    await visit.save()
    context.wake_sender()
    text = await card(visit, request, visit._)
    await cosmetic(query.edit_message_text(text, parse_mode=HTML), "show the applied card")


async def _ask_signatures(visit: Visit, request: CorrectionRequest) -> None:
    """Queue "Ký xác nhận" for each of the three, in the change's transaction (one message per
    person, with a button for each of their roles)."""
    people: dict[int, list[str]] = {}
    for account in await accounts(visit, [request.decided_by]):
        people.setdefault(account.id, []).append("principal")
    for account in await accounts(visit, [request.applied_by]):
        people.setdefault(account.id, []).append("admin")
    if request.requester_account is not None:
        people.setdefault(request.requester_account, []).append("teacher")
    texts = {}
    for code in LANGUAGES:
        tr = translator(code)
        texts[code] = (
            await card(visit, request, tr)
            + "\n\n"
            + tr("The change is made. Please confirm the minutes.")
        )
    for account_id, roles in people.items():
        await enqueue_news(
            visit.session,
            request.school_id,
            Audience.accounts(account_id),
            NEWS,
            texts,
            buttons=[(SIGN_AS[role], pack(FEATURE, "sign", request.id, role)) for role in roles],
            created_by=visit.account.id,
            now=visit.now,
        )


async def on_sign(query: CallbackQuery, visit: Visit, context: BotContext, p: Callback) -> None:
    """ "Ký xác nhận" for one role; the last of the three makes the minutes."""
    _ = visit._
    role = p.args[1] if len(p.args) > 1 else ""
    try:
        request, complete = await correction_steps.sign(
            visit.session, visit.actor, p.int_arg(0), role, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await refusal(query, visit, error)
        return
    # The minutes are made, kept and queued for the three in the third signature's own
    # transaction: a request is never signed by three without its minutes, and the outbox
    # retries their sending whatever Telegram does after the commit.
    if complete:
        await _send_minutes(visit, request, await _keep_minutes(visit, context, request))
    await visit.save()
    try:
        await cosmetic(query.edit_message_reply_markup(None), "remove the sign button")
        await context.bot.send_message(
            visit.account.chat_id,
            _("Signed as {role} for request no. {number}.").format(
                role=_(SIGNER_LABELS[role]), number=request.id
            ),
        )
    finally:
        if complete:  # after the signer's own answer, so that the minutes come after it
            context.wake_sender()


async def _keep_minutes(
    visit: Visit, context: BotContext, request: CorrectionRequest
) -> CorrectionFile:
    """Make the minutes and keep them with the evidence; the kept file (flushed).

    The facts are read here, on the event loop; the .docx is laid out in a worker thread.
    """
    facts = await _minutes(visit, context, request)
    content = await asyncio.to_thread(paper.build_minutes, facts, translator("vi"))
    name = f"bien-ban-sua-diem-{request.id}.docx"
    (kept,) = corrections.add_files(
        visit.session,
        request,
        [
            Evidence(
                name,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                content,
            )
        ],
        None,
        kind="minutes",
    )
    await visit.session.flush()
    return kept


async def _send_minutes(visit: Visit, request: CorrectionRequest, minutes: CorrectionFile) -> None:
    """Queue the kept minutes for the three, in the signature's transaction: one notice, a
    delivery per person (a person holding two of the roles gets them once), the caption in
    each one's language; the dispatcher reads the file from the database when it sends."""
    people = {a.id for a in await accounts(visit, [request.decided_by, request.applied_by])}
    if request.requester_account is not None:
        people.add(request.requester_account)
    captions = {}
    for code in LANGUAGES:
        tr = translator(code)
        captions[code] = tr("Minutes of correction no. {number}, signed by all three.").format(
            number=request.id
        )
    await enqueue_news(
        visit.session,
        request.school_id,
        Audience.accounts(*sorted(people)),
        NEWS,
        captions,
        media=stored_document(minutes),
        created_by=visit.account.id,
        now=visit.now,
    )


async def _minutes(visit: Visit, context: BotContext, request: CorrectionRequest) -> paper.Minutes:
    """What the minutes say, read from the database and rendered as Vietnamese text."""
    session = visit.session
    tr = translator("vi")
    school = await session.get(School, request.school_id)
    student = await session.get(Student, request.student_id)
    klass = await session.get(SchoolClass, request.class_id)
    assert school is not None and student is not None and klass is not None
    names = {
        s.id: s.full_name
        for s in await session.scalars(select(Staff).where(Staff.school_id == school.id))
    }
    signed = await correction_steps.signatures(session, request.id)
    files = await corrections.files_of(session, request.id)
    item = Item(request.kind, request.item)
    deciding = (
        Role.VICE_PRINCIPAL if request.decided_role == Role.VICE_PRINCIPAL else Role.PRINCIPAL
    )
    decided_role = tr(ROLE_LABELS[deciding])
    settings = school.settings or {}

    def act(role: str) -> paper.Act:
        return paper.Act(signed[role].name, tr(SIGNER_LABELS[role]), signed[role].signed_at)

    return paper.Minutes(
        school_name=school.name,
        place=context.settings.school_place or str(settings.get("place", "")),
        day=context.today(visit.now),
        number=request.id,
        pupil=student.full_name,
        student_code=student.student_code,
        class_name=klass.name,
        school_year=request.school_year,
        period=assessment.period_name(request.period, tr),
        item=item.name(tr),
        old_value=assessment.value_text(item, request.old_value, tr),
        new_value=assessment.value_text(item, request.new_value, tr),
        reason=tr(CORRECTION_REASON_LABELS[request.reason].formal),
        reason_text=request.reason_text,
        evidence=tuple(paper.EvidenceFile(f.name, f.size, f.sha256) for f in files),
        requester=paper.Act(
            names.get(request.requested_by or 0, "?"), tr("Teacher"), request.created_at
        ),
        decision=paper.Decision(
            names.get(request.decided_by or 0, "?"),
            decided_role,
            request.decided_at or visit.now,
            tr("Approved"),
        ),
        applied=paper.Applied(
            names.get(request.applied_by or 0, "?"), request.applied_at or visit.now
        ),
        confirmations=(act("principal"), act("admin"), act("teacher")),
        authority=context.settings.school_authority or settings.get("authority"),
        outcome_before=outcome(request.outcome_before, tr)
        if request.outcome_before != request.outcome_after
        else None,
        outcome_after=outcome(request.outcome_after, tr)
        if request.outcome_before != request.outcome_after
        else None,
        zone=context.settings.zone,
    )
