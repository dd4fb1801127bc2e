"""The three asked to sign: one message per person carrying the draft minutes (DỰ THẢO) they
read before they sign, its caption and a "Ký xác nhận" button for each of their roles; queued in
the transaction that keeps the draft (minutes.produce_draft)."""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_news, stored_document
from bot.delivery.replies import caption
from bot.features.corrections import class_teacher, reads
from bot.features.corrections.chat.buttons import Sign
from bot.features.corrections.texts import what as what_of
from storage.models import CorrectionFile, CorrectionRequest

NEWS = "correction"  # the outbox kind of a request's news (chat/card.NEWS)
# The sign buttons' labels (a button's label is one msgid, translated when it is sent).
SIGN_AS = {
    "principal": N_("Sign as principal"),
    "admin": N_("Sign as system administrator"),
    "teacher": N_("Sign as teacher"),
}
ASK = N_(
    "The change to {what} is made in the official system. Please read the draft minutes "
    "attached, then confirm them with the button."
)


async def ask_signatures(
    session: AsyncSession, request: CorrectionRequest, draft: CorrectionFile, now: datetime
) -> None:
    """Queue "Ký xác nhận" for each of the three with the draft minutes (the document, its
    caption and the buttons in one message per person, a button for each of their roles)."""
    people: dict[int, list[str]] = {}
    for account in await reads.linked_accounts(session, [request.decided_by]):
        people.setdefault(account.id, []).append("principal")
    for account in await reads.linked_accounts(session, [request.applied_by]):
        people.setdefault(account.id, []).append("admin")
    teacher = await class_teacher.teacher_account(session, request)
    if teacher is not None:
        people.setdefault(teacher, []).append("teacher")
    texts = {}
    for code in LANGUAGES:
        tr = translator(code)
        what = what_of(request, await reads.request_facts(session, request, tr), tr)
        texts[code] = html.escape(caption(tr(ASK).format(what=what)))
    for account_id, roles in people.items():
        buttons = [(SIGN_AS[role], Sign(request.id, role).data()) for role in roles]
        await enqueue_news(
            session,
            request.school_id,
            Audience.accounts(account_id),
            NEWS,
            texts,
            buttons=buttons,
            media=stored_document(draft),
            now=now,  # the bot's clock, as every step's news
        )
