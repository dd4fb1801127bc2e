"""The administrator's change in the official system: applied to the book, the item locked
again, the three asked to sign (in the change's transaction), the card shown as it is now."""

from __future__ import annotations

import html

from bot.core.context import Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience
from bot.features.corrections import reads, steps
from bot.features.corrections.chat.buttons import Sign
from bot.features.corrections.chat.card import card, news, refusal, show_card, state_text
from bot.features.corrections.rules import Refused, Stale
from storage.models import CorrectionRequest

# The sign buttons' labels (a button's label is one msgid, translated when it is sent).
SIGN_AS = {
    "principal": N_("Sign as principal"),
    "admin": N_("Sign as system administrator"),
    "teacher": N_("Sign as teacher"),
}


async def apply_change(visit: Visit, request_id: int, message_id: int | None = None) -> None:
    """Apply the change to the book, ask the three to sign, and show the card as it is now (in
    place of the pressed message, or of the card `message_id`)."""
    try:
        request = await steps.apply(
            visit.session, visit.actor, request_id, now=visit.now, who=visit.who
        )
    except (Refused, Stale) as error:
        if visit.query is None:
            visit.reply(html.escape(await _told(visit, error)))
        else:
            await refusal(visit, error)
        return
    await _ask_signatures(visit, request)
    visit.wake_sender()
    shown = await card(visit.session, request, visit._)
    if visit.query is None and message_id is None:
        visit.reply(shown)
    else:
        show_card(visit, shown, message_id=message_id)


async def _told(visit: Visit, error: Refused | Stale) -> str:
    """A refusal as plain text (for a typed answer, where no press waits for an alert)."""
    if isinstance(error, Stale):
        return await state_text(visit.session, error.request, visit._)
    return error.message(visit._)


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
