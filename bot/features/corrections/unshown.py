"""An evidence file Telegram refused to show a deciding leader, reported at once.

The dispatcher calls `evidence_refused` (registered with `bot.delivery.dispatcher.on_failure`
for the news of corrections) in the transaction that records the failed delivery. The first
time, the file goes again to that leader as its kept bytes (an upload Telegram cannot mistake
for another kind), and the leader and the teacher are told which file, named as people name it
("ảnh 2", "tệp PDF 1"), and what happens next. If even the kept bytes are refused, both are told
to have the file sent again (the leader asks with "Cần bổ sung", the teacher sends it with the
addition).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_news, stored_document
from bot.delivery.replies import caption
from bot.features.corrections import class_teacher, reads, texts
from storage.models import CorrectionFile, CorrectionRequest

if TYPE_CHECKING:  # the dispatcher sends (Telegram); this module only queues
    from bot.delivery.dispatcher import Failure

NEWS = "correction"  # the outbox kind of a request's news (chat/card.NEWS)
EVIDENCE = N_("Evidence for the correction of {what}: {label}")
RESENT = N_(
    "Telegram could not show you {file} of the request to correct {what}; it is sent again "
    "below as a file. Please look at it before deciding."
)
RESENT_TO_TEACHER = N_(
    "Telegram could not show the principal {file} of your request to correct {what}; the bot "
    "sent its kept copy again. If the principal asks for it, please send the file again as a "
    "photo or a PDF."
)
LOST = N_(
    "Telegram could not show you {file} of the request to correct {what}, even as a file. "
    "Please press “Needs more” on the request to ask the teacher to send it again."
)
LOST_TO_TEACHER = N_(
    "Telegram could not show the principal {file} of your request to correct {what}. Please "
    "send the file again (a photo or a PDF) when the principal asks for more."
)


def parse_ref(ref: str | None) -> tuple[int, int, bool] | None:
    """ "correction:12:file:34[:again]" -> (12, 34, again); None for any other notice."""
    if not ref:
        return None
    parts = ref.split(":")
    if len(parts) not in (4, 5) or parts[0] != "correction" or parts[2] != "file":
        return None
    if not (parts[1].isdigit() and parts[3].isdigit()):
        return None
    return int(parts[1]), int(parts[3]), len(parts) == 5


async def evidence_refused(session: AsyncSession, failure: Failure) -> None:
    """The failure hook of the news of corrections: only an evidence file's delivery counts."""
    parsed = parse_ref(failure.ref)
    if parsed is None:
        return
    request_id, file_id, again = parsed
    request = await session.get(CorrectionRequest, request_id)
    if request is None or request.school_id != failure.school_id:
        return
    kept = await reads.files_of(session, request.id)
    file = next((f for f in kept if f.id == file_id), None)
    if file is None:
        return
    labels, whats = {}, {}
    for code in LANGUAGES:
        tr = translator(code)
        labels[code] = texts.evidence_labels(kept, tr)[kept.index(file)]
        whats[code] = texts.what(request, await reads.request_facts(session, request, tr), tr)
    if not again:
        await _send_again(session, request, file, failure, labels, whats)
    to_leader, to_teacher = (LOST, LOST_TO_TEACHER) if again else (RESENT, RESENT_TO_TEACHER)
    await _tell(
        session, request, failure, Audience.accounts(failure.account_id), to_leader, labels, whats
    )
    teacher = await class_teacher.teacher_account(session, request)
    if teacher is not None and teacher != failure.account_id:
        await _tell(
            session, request, failure, Audience.accounts(teacher), to_teacher, labels, whats
        )


async def _send_again(
    session: AsyncSession,
    request: CorrectionRequest,
    file: CorrectionFile,
    failure: Failure,
    labels: dict[str, str],
    whats: dict[str, str],
) -> None:
    """The file again, as its kept bytes, to the leader it did not reach."""
    told = {
        code: html.escape(
            caption(translator(code)(EVIDENCE).format(what=whats[code], label=labels[code]))
        )
        for code in LANGUAGES
    }
    notice = await enqueue_news(
        session,
        request.school_id,
        Audience.accounts(failure.account_id),
        NEWS,
        told,
        media=stored_document(file),
        now=failure.at,
    )
    notice.ref = reads.evidence_ref(request.id, file.id) + ":again"


async def _tell(
    session: AsyncSession,
    request: CorrectionRequest,
    failure: Failure,
    audience: Audience,
    message: str,
    labels: dict[str, str],
    whats: dict[str, str],
) -> None:
    """One person told which file could not be shown and what to do, in each language."""
    told = {
        code: html.escape(translator(code)(message).format(file=labels[code], what=whats[code]))
        for code in LANGUAGES
    }
    await enqueue_news(session, request.school_id, audience, NEWS, told, now=failure.at)
