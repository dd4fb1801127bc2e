"""/canhbao: a health notice to every family of the school, from the nurse or the principal,
written, previewed with the number of families, then sent or cancelled."""

from __future__ import annotations

import html

from telegram import Message, Update

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.health import queries as health
from bot.features.health.buttons import DropAlert, SendAlert
from bot.features.health.chat.entry import typed
from bot.features.health.notices import alert_html
from bot.features.health.rules import (
    ALERT_LIMIT,
    EXPIRED,
    NOT_FOR_YOU,
    alert_problem,
    may_alert,
)

ALERT, ALERT_OK = "health_alert", "health_alert_ok"  # pending kinds: the text, the preview
NURSE_OR_PRINCIPAL = N_("This is for the school nurse and the principal.")


async def alert_command(update: Update, context: BotContext) -> None:
    """Ask the nurse or the principal for a health notice to every family of the school."""
    async with context.visit(update) as visit:
        _ = visit._
        if not may_alert(visit.actor):
            visit.reply(_(NURSE_OR_PRINCIPAL), as_html=False)
            return
        await pending.expect(
            visit.session, visit.account.id, visit.actor.school_id, ALERT, {}, visit.now
        )
        prompt = _(
            "Write the health notice for every family of the school in one message "
            "(at most {limit} characters)."
        ).format(limit=ALERT_LIMIT)
        visit.reply(prompt, as_html=False)


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Show the typed notice as families will read it; False if no notice was asked for."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (ALERT, ALERT_OK) or not typed(message):
        return False
    _ = visit._
    text = message.text or ""
    if not may_alert(visit.actor):
        await pending.clear(visit.session, visit.account.id)
        visit.reply(_(NURSE_OR_PRINCIPAL), as_html=False)
        return True
    problem = alert_problem(text)
    if problem is not None:
        reason, params = problem
        visit.reply(_(reason).format(**params) + "\n" + _("Please send it again."), as_html=False)
        return True
    token = message.message_id  # the preview's buttons name the message the notice was in
    data = {"text": text, "token": token}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, ALERT_OK, data, visit.now
    )
    families = await health.school_families(visit.session, visit.actor.school_id)
    question = _.ngettext(
        "This notice will go to {count} family. Send it?",
        "This notice will go to {count} families. Send it?",
        families,
    ).format(count=families)
    markup = keyboards.inline(
        [[(_("Send"), SendAlert(token).data()), (_("Cancel"), DropAlert(token).data())]]
    )
    signed = await health.alert_signature(visit.session, visit.actor)
    shown = alert_html(text, _, signed)
    visit.reply(shown + "\n\n" + html.escape(question), markup)
    return True


async def send_alert(press: SendAlert, visit: Visit, context: BotContext) -> None:
    """ "Gửi": queue the notice for every family of the school."""
    await _answer(visit, press.token, confirmed=True)


async def drop_alert(press: DropAlert, visit: Visit, context: BotContext) -> None:
    """ "Hủy": nothing is sent."""
    await _answer(visit, press.token, confirmed=False)


async def _answer(visit: Visit, token: int, *, confirmed: bool) -> None:
    _ = visit._
    if not may_alert(visit.actor):
        visit.alert(_(NOT_FOR_YOU))
        return
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    shown = waiting.data.get("token") if waiting is not None else None
    if waiting is None or waiting.kind != ALERT_OK or token not in (0, shown):
        await _late(visit, token)
        return
    text = str(waiting.data.get("text", ""))
    await pending.clear(visit.session, visit.account.id)
    if not confirmed:
        visit.edit(html.escape(_("Cancelled. Nothing was sent.")))
        return
    families = await health.school_families(visit.session, visit.actor.school_id)
    stored = await health.school_alert(
        visit.session, visit.actor, text, visit.now, token=int(shown or 0)
    )
    if stored is None:
        visit.edit(html.escape(_(EXPIRED)))
        return
    visit.wake_sender()
    done = _.ngettext(
        "The health notice is being sent to {count} family. The delivery report will follow here.",
        "The health notice is being sent to {count} families. The delivery report will "
        "follow here.",
        families,
    ).format(count=families)
    visit.edit(html.escape(done))


async def _late(visit: Visit, token: int) -> None:
    """A press under a preview no longer waiting: say what became of it, change nothing."""
    _ = visit._
    if await health.sent_alert(visit.session, visit.actor, token) is not None:
        visit.alert(_("This notice was already sent; nothing more was sent."))
    else:
        visit.alert(_("Nothing was sent: this notice was cancelled, replaced or has expired."))
