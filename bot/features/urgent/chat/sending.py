"""Urgent messages, once the preview is shown: "Gửi ngay", "Hẹn giờ gửi" and its times, "Hủy",
and "Nhắc lại" under the confirmation. The composing is in bot/features/urgent/chat/compose.py."""

from __future__ import annotations

import html
from datetime import datetime

from telegram import CallbackQuery
from telegram.constants import ParseMode

from bot.core import keyboards, pending
from bot.core.callbacks import pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.presses import alert
from bot.features.urgent import queries as urgent
from bot.features.urgent.queries import CONFIRM, Remind

NOT_FOR_YOU = N_("This button is not for you.")
EXPIRED = N_("This was already sent or cancelled, or it has expired.")
PASSED = N_("That time has already passed; please choose another.")
NOT_ALLOWED = N_(
    "Urgent notices are sent by homeroom teachers to their class and by the principal or "
    "vice principals."
)
REMIND_REPLIES = {
    Remind.NOT_YOURS: NOT_FOR_YOU,
    Remind.ALL_READ: N_("Every family has already read this notice."),
    Remind.STILL_SENDING: N_("This notice is still being sent; please try again in a minute."),
}


async def send(query: CallbackQuery, visit: Visit, context: BotContext, slot: int | None) -> None:
    """ "Gửi ngay" (no slot) or a chosen time: the draft is stored once, a second press refused."""
    _ = visit._
    moment = None
    if slot is not None:
        slots = (await _waiting_draft(visit) or {}).get("slots")
        chosen = slots.get(str(slot)) if isinstance(slots, dict) else None
        moment = datetime.fromisoformat(chosen) if isinstance(chosen, str) else None
        if moment is None or moment <= visit.now:
            await alert(query, _(EXPIRED if moment is None else PASSED))
            return
    draft = await urgent.take_draft(visit.session, visit.account.id, visit.now)
    if draft is None:
        await alert(query, _(EXPIRED))
        return
    sent = await urgent.send(visit.session, visit.actor, draft, visit.now, not_before=moment)
    if sent is None:
        await alert(query, _(NOT_ALLOWED))
        return
    await visit.save()
    context.wake_sender()
    title, markup = urgent.ROUTINE_TITLE, None
    line = _.ngettext(
        "Scheduled for {time} on {date}, to {count} family, as a routine notice.",
        "Scheduled for {time} on {date}, to {count} families, as a routine notice.",
        sent.count,
    )
    if moment is None:
        title, line = (
            urgent.URGENT_TITLE,
            _.ngettext(
                "Sending the urgent notice to {count} family; the delivery report follows.",
                "Sending the urgent notice to {count} families; the delivery report follows.",
                sent.count,
            ),
        )
        markup = keyboards.inline([[(_("Remind again"), pack("urg", "again", sent.notice.id))]])
    local = (moment or visit.now).astimezone(context.settings.zone)
    line = line.format(count=sent.count, time=f"{local:%H:%M}", date=f"{local:%d/%m}")
    done = f"<b>{html.escape(line)}</b>"
    text = done if draft.media else urgent.compose(draft.text, _(title)) + "\n\n" + done
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _waiting_draft(visit: Visit) -> dict[str, object] | None:
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    return dict(waiting.data) if waiting is not None and waiting.kind == CONFIRM else None


async def later(query: CallbackQuery, visit: Visit, context: BotContext) -> None:
    """ "Hẹn giờ gửi": keep the offered times in the draft and show them as buttons."""
    _ = visit._
    data = await _waiting_draft(visit)
    if data is None:
        await alert(query, _(EXPIRED))
        return
    zone = context.settings.zone
    choices = urgent.slot_choices(visit.now, zone)
    data["slots"] = {str(index): moment.isoformat() for index, moment in choices}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, CONFIRM, data, visit.now
    )
    buttons = [
        (
            _(urgent.SLOTS[index][0]).format(time=moment.astimezone(zone).strftime("%H:%M")),
            pack("urg", "at", index),
        )
        for index, moment in choices
    ]
    await query.edit_message_reply_markup(
        keyboards.choices(buttons, per_row=1, extra=[(_("Cancel"), pack("urg", "cancel"))])
    )


async def cancel(query: CallbackQuery, visit: Visit) -> None:
    """Drop the draft; nothing is sent."""
    if await _waiting_draft(visit) is None:
        await alert(query, visit._(EXPIRED))
        return
    await pending.clear(visit.session, visit.account.id)
    await query.edit_message_text(visit._("Cancelled. Nothing was sent."))


async def again(query: CallbackQuery, visit: Visit, context: BotContext, notice_id: int) -> None:
    """ "Nhắc lại": send the notice again to the families that have not read it."""
    _ = visit._
    outcome, sent = await urgent.remind_unread(visit.session, visit.actor, notice_id, visit.now)
    if sent is None:
        await alert(query, _(REMIND_REPLIES[outcome]))
        return
    await visit.save()
    context.wake_sender()
    await context.bot.send_message(
        visit.account.chat_id,
        _.ngettext(
            "Sent again to {count} family that has not read the notice yet.",
            "Sent again to {count} families that have not read the notice yet.",
            sent.count,
        ).format(count=sent.count),
    )
