"""After an approval: the administrator's "changed in the official system", the three
confirmations of the principal, the administrator and the teacher, and the signed minutes (.docx)
kept with the evidence and queued in the outbox for all three.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable

from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.labels import CORRECTION_REASON_LABELS, ROLE_LABELS, SIGNER_LABELS
from bot.delivery.outbox import Audience, stored_document
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.corrections import documents as paper
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads, steps, texts
from bot.features.corrections.chat.buttons import Applied, Sign
from bot.features.corrections.chat.card import (
    card,
    news,
    outcome,
    refusal,
    show_card,
)
from bot.features.corrections.rules import Refused, Stale
from storage.models import CorrectionFile, CorrectionRequest, Role

# The sign buttons' labels (a button's label is one msgid, translated when it is sent).
SIGN_AS = {
    "principal": N_("Sign as principal"),
    "admin": N_("Sign as system administrator"),
    "teacher": N_("Sign as teacher"),
}


async def applied_pressed(press: Applied, visit: Visit, context: BotContext) -> None:
    """ "Đã cập nhật trên hệ thống": the administrator made the change; ask the three to sign."""
    try:
        request = await steps.apply(
            visit.session, visit.actor, press.request_id, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return
    await _ask_signatures(visit, request)
    visit.wake_sender()
    show_card(visit, await card(visit.session, request, visit._))


async def _ask_signatures(visit: Visit, request: CorrectionRequest) -> None:
    """Queue "Ký xác nhận" for each of the three, in the change's transaction (one message per
    person, with a button for each of their roles)."""
    people: dict[int, list[str]] = {}
    for account in await reads.linked_accounts(visit.session, [request.decided_by]):
        people.setdefault(account.id, []).append("principal")
    for account in await reads.linked_accounts(visit.session, [request.applied_by]):
        people.setdefault(account.id, []).append("admin")
    if request.requester_account is not None:
        people.setdefault(request.requester_account, []).append("teacher")
    texts = {}
    for code in LANGUAGES:
        tr = translator(code)
        ask = html.escape(tr("The change is made. Please confirm the minutes."))
        texts[code] = await card(visit.session, request, tr) + "\n\n" + ask
    for account_id, roles in people.items():
        buttons = [(SIGN_AS[role], Sign(request.id, role).data()) for role in roles]
        await news(visit, request, Audience.accounts(account_id), texts, buttons=buttons)


async def sign_pressed(press: Sign, visit: Visit, context: BotContext) -> None:
    """ "Ký xác nhận" for one role; the last of the three makes the minutes."""
    _ = visit._
    try:
        request, complete = await steps.sign(
            visit.session, visit.actor, press.request_id, press.role, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return
    # The minutes are made, kept and queued for the three in the third signature's own
    # transaction: a request is never signed by three without its minutes, and the outbox
    # retries their sending whatever Telegram does after the commit.
    if complete:
        await _send_minutes(visit, request, await _keep_minutes(visit, context, request))
    _drop_sign_button(visit)
    what = texts.what(request, await reads.request_facts(visit.session, request, _), _)
    signed = _("Signed as {role}: the correction of {what}.")
    visit.reply(html.escape(signed.format(role=_(SIGNER_LABELS[press.role]), what=what)))
    if complete:  # rung after the signer's own answer, so that the minutes come after it
        visit.later(_ring(context))


def _ring(context: BotContext) -> Callable[[], Awaitable[None]]:
    """A send that only rings the dispatcher (placed after the answers it must follow)."""

    async def ring() -> None:
        context.wake_sender()

    return ring


def _drop_sign_button(visit: Visit) -> None:
    """After the commit, the pressed "Ký xác nhận" loses its button (a failure harms nobody)."""
    if visit.query is not None:
        visit.edit_markup(None)


async def _keep_minutes(
    visit: Visit, context: BotContext, request: CorrectionRequest
) -> CorrectionFile:
    """Make the minutes and keep them with the evidence; the kept file (flushed).

    The facts are read here, on the event loop; the .docx is laid out in a worker thread.
    """
    facts = await _minutes(visit, context, request)
    content = await asyncio.to_thread(paper.build_minutes, facts, translator("vi"))
    return await corrections.keep_minutes(visit.session, request, content)


async def _send_minutes(visit: Visit, request: CorrectionRequest, minutes: CorrectionFile) -> None:
    """Queue the kept minutes for the three, in the signature's transaction: one notice, a
    delivery per person (a person holding two of the roles gets them once), the caption in
    each one's language; the dispatcher reads the file from the database when it sends."""
    people = await reads.linked_account_ids(visit.session, [request.decided_by, request.applied_by])
    if request.requester_account is not None:
        people.add(request.requester_account)
    captions = {}
    for code in LANGUAGES:
        tr = translator(code)
        what = texts.what(request, await reads.request_facts(visit.session, request, tr), tr)
        caption = tr("Minutes of the correction of {what}, signed by all three.")
        captions[code] = html.escape(caption.format(what=what))
    audience = Audience.accounts(*sorted(people))
    await news(visit, request, audience, captions, media=stored_document(minutes))


async def _minutes(visit: Visit, context: BotContext, request: CorrectionRequest) -> paper.Minutes:
    """What the minutes say, read from the database and rendered as Vietnamese text."""
    facts = await reads.minutes_facts(visit.session, request)
    tr = translator("vi")
    names, signed = facts.staff_names, facts.signatures
    item = Item(request.kind, request.item)
    deciding = (
        Role.VICE_PRINCIPAL if request.decided_role == Role.VICE_PRINCIPAL else Role.PRINCIPAL
    )
    settings = facts.school.settings or {}
    changed = request.outcome_before != request.outcome_after

    def act(role: str) -> paper.Act:
        return paper.Act(signed[role].name, tr(SIGNER_LABELS[role]), signed[role].signed_at)

    return paper.Minutes(
        school_name=facts.school.name,
        place=context.settings.school_place or str(settings.get("place", "")),
        day=context.today(visit.now),
        number=request.id,
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
        evidence=tuple(paper.EvidenceFile(f.name, f.size, f.sha256) for f in facts.evidence),
        requester=paper.Act(
            names.get(request.requested_by or 0, "?"), tr("Teacher"), request.created_at
        ),
        decision=paper.Decision(
            names.get(request.decided_by or 0, "?"),
            tr(ROLE_LABELS[deciding]),
            request.decided_at or visit.now,
            tr("Approved"),
        ),
        applied=paper.Applied(
            names.get(request.applied_by or 0, "?"), request.applied_at or visit.now
        ),
        confirmations=(act("principal"), act("admin"), act("teacher")),
        authority=context.settings.school_authority or settings.get("authority"),
        outcome_before=outcome(request.outcome_before, tr) if changed else None,
        outcome_after=outcome(request.outcome_after, tr) if changed else None,
        zone=context.settings.zone,
        born=facts.student.birth_date,
    )
