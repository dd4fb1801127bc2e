"""The teacher's answer to the leader's "Cần bổ sung": "Bổ sung đề nghị" opens an addition, the
teacher types text and sends files (evidence.py), and "Gửi bổ sung" attaches them to the request
and queues the card for the deciding leaders again.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.corrections import reads, rules, steps, texts
from bot.features.corrections.chat import kinds
from bot.features.corrections.chat.buttons import AddToRequest, SendAddition
from bot.features.corrections.chat.card import (
    add_done_button,
    expect,
    open_draft,
    refusal,
    state_text,
)
from bot.features.corrections.chat.deciding import send_to_deciders
from bot.features.corrections.chat.evidence import WAIT_ADD, download
from bot.features.corrections.rules import Refused, Stale

ADDING = N_(
    "The addition is open ({files} file(s) so far): type it and/or send the files, then press "
    "“Send the addition”."
)
SENDING = N_("The addition is being sent.")
NOT_FETCHED = N_(
    "The files could not be fetched from Telegram just now; nothing was sent. Please press "
    "“Send the addition” again."
)


async def add_pressed(press: AddToRequest, visit: Visit, context: BotContext) -> None:
    """ "Bổ sung đề nghị": only the requester, only while the leader waits for more; pressed
    again while the addition is open, it keeps what was typed and sent so far."""
    _ = visit._
    try:
        await steps.open_addition(visit.session, visit.actor, press.request_id)
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return
    draft = await open_draft(visit, WAIT_ADD)
    if draft is not None and int(draft["request"]) == press.request_id:
        still = _(ADDING).format(files=len(draft.get("files", [])))
        visit.reply(still, add_done_button(_, press.request_id), as_html=False)
        return
    kept = await reads.files_of(visit.session, press.request_id)
    photos = sum(1 for file in kept if texts.is_photo(file))
    await expect(
        visit, WAIT_ADD, {"request": press.request_id, "text": "", "files": [], "photos": photos}
    )
    ask = _("Please type the addition and/or send the files, then press “Send the addition”.")
    visit.reply(ask, add_done_button(_, press.request_id), as_html=False)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Typed text joins the addition."""
    draft = await open_draft(visit, WAIT_ADD)
    if draft is None:
        return False
    _ = visit._
    draft["text"] = (str(draft.get("text", "")) + "\n" + (message.text or "")).strip()
    problem = limits.text_problem(draft["text"])
    if problem is not None:
        visit.reply(limits.fill(problem, _(problem)), as_html=False)
        return True
    await expect(visit, WAIT_ADD, draft)
    noted = _("Noted. Send files too if needed, then press “Send the addition”.")
    visit.reply(noted, add_done_button(_, int(draft["request"])), as_html=False)
    return True


async def send_pressed(press: SendAddition, visit: Visit, context: BotContext) -> None:
    """ "Gửi bổ sung": the files are downloaded after this visit, attached in the next."""
    draft = await open_draft(visit, WAIT_ADD)
    if draft is None or int(draft["request"]) != press.request_id:
        await _not_open(visit, press.request_id)
        return
    if draft.get("sending"):
        visit.toast(visit._(SENDING))
        return
    try:
        await steps.open_addition(visit.session, visit.actor, press.request_id)
        rules.check_addition_content(str(draft.get("text", "")), len(draft.get("files", [])))
    except Stale as stale:
        await pending.clear(visit.session, visit.account.id)
        visit.alert(texts.alert_sized(await state_text(visit.session, stale.request, visit._)))
        return
    except Refused as refused:
        visit.alert(refused.message(visit._))
        return
    if not await kinds.ready(visit, draft, WAIT_ADD):
        return
    sending = draft | {"sending": True}
    await expect(visit, WAIT_ADD, sending)
    update = visit.update
    visit.later(lambda: _attach(update, context, sending))


async def _not_open(visit: Visit, request_id: int) -> None:
    """ "Gửi bổ sung" with no addition open for the request (sent, or pressed late): where the
    request stands; nothing changes."""
    try:
        request = await steps.open_addition(visit.session, visit.actor, request_id)
    except (Refused, Stale) as error:
        await refusal(visit, error)
        return
    visit.alert(texts.alert_sized(await state_text(visit.session, request, visit._)))


async def _attach(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    """Download the files (no transaction open), then attach the addition and queue the card
    for the leaders again, if the addition is still there to send."""
    try:
        evidence = await download(context, draft.get("files", []))
    except TelegramError:
        async with context.visit(update) as visit:
            if await open_draft(visit, WAIT_ADD) == draft:
                await expect(visit, WAIT_ADD, draft | {"sending": False})
                visit.reply(visit._(NOT_FETCHED), as_html=False)
        return
    async with context.visit(update) as visit:
        _ = visit._
        if await open_draft(visit, WAIT_ADD) != draft:
            return
        try:
            request = await steps.supplement(
                visit.session,
                visit.actor,
                int(draft["request"]),
                text=str(draft.get("text", "")),
                evidence=evidence,
                who=visit.who,
            )
        except Refused as refused:
            visit.reply(refused.message(_), as_html=False)
            return
        except Stale as stale:
            await pending.clear(visit.session, visit.account.id)
            visit.reply(await state_text(visit.session, stale.request, _), as_html=False)
            return
        await pending.clear(visit.session, visit.account.id)
        await send_to_deciders(visit, context, request)
        what = texts.what(request, await reads.request_facts(visit.session, request, _), _)
        sent = _("The addition to the correction of {what} was sent to the principal.")
        visit.edit(html.escape(sent.format(what=what)))
