"""What families are told of a correction: when the book changes a result the school had already
published to them, the pupil's guardians get the item, the value before and after, and the kind
of reason (not the teacher's explanation), queued in the change's own transaction.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.core.labels import CORRECTION_REASON_LABELS
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome, Period
from bot.features.corrections import reads
from storage.models import CorrectionRequest, School

KIND = "result_corrected"
CORRECTED = N_(
    "Dear parents of {pupil} (class {class_name}): the school has corrected a result it had "
    "published."
)
SEE_ALL = N_("Send /ketqua to see all the results.")


async def published(session: AsyncSession, request: CorrectionRequest) -> bool:
    """Whether the request's period was published to families."""
    shown = await assessment.published(session, request.school_id, request.school_year)
    return Period(request.period) in shown


def _outcome(code: str | None, _: Translator) -> str:
    return "—" if code is None else _(OUTCOME_NAMES[Outcome(code)])


async def family_text(
    session: AsyncSession, request: CorrectionRequest, school: School, _: Translator
) -> str:
    """The family's notice in one language (HTML): who sends it, what changed and why."""
    facts = await reads.request_facts(session, request, _)
    item = Item(request.kind, request.item)
    period = assessment.period_name(request.period, _)
    old = assessment.value_text(item, request.old_value, _)
    new = assessment.value_text(item, request.new_value, _)
    change = f"{item.name(_)}, {period}: {old} → {new}"
    lines = [
        f"<b>{html.escape(school.name)}</b>",
        html.escape(_(CORRECTED).format(pupil=facts.pupil, class_name=facts.class_name)),
        html.escape(change),
        html.escape(
            _("Reason: {reason}").format(reason=_(CORRECTION_REASON_LABELS[request.reason].chat))
        ),
    ]
    if request.outcome_before != request.outcome_after:
        outcome = _("End-of-year outcome: {before} → {after}").format(
            before=_outcome(request.outcome_before, _), after=_outcome(request.outcome_after, _)
        )
        lines.append(html.escape(outcome))
    lines.append(html.escape(_(SEE_ALL)))
    return "\n".join(lines)


async def tell_families(
    session: AsyncSession, request: CorrectionRequest, *, by: int | None, now: datetime
) -> bool:
    """Queue the notice for the pupil's guardians if the corrected result had been published
    (quiet hours hold it like any notice); whether it was queued."""
    if not await published(session, request):
        return False
    school = await session.get(School, request.school_id)
    assert school is not None
    texts = {
        code: await family_text(session, request, school, translator(code)) for code in LANGUAGES
    }
    notice = await enqueue_notice(
        session,
        request.school_id,
        Audience.student(request.student_id),
        KIND,
        texts["vi"],
        requires_ack=False,
        created_by=by,
        now=now,
    )
    notice.translations = texts
    notice.ref = f"correction:{request.id}:family"
    return True
