"""Urgent notices, step three, once the preview is shown: "Gửi ngay", "Hẹn giờ gửi" and its
times, "Hủy", and "Nhắc lại" under the confirmation."""

from __future__ import annotations

import html
from datetime import datetime

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.urgent import fates
from bot.features.urgent import queries as urgent
from bot.features.urgent.buttons import CancelDraft, RemindAgain, Schedule, SendAt, SendNow
from bot.features.urgent.chat.audience import EXPIRED, NOT_ALLOWED, NOT_FOR_YOU
from bot.features.urgent.queries import CONFIRM, Sent
from bot.features.urgent.rules import (
    ROUTINE_TITLE,
    SLOTS,
    URGENT_TITLE,
    Draft,
    Remind,
    Signature,
    slot_choices,
)

PASSED = N_("That time has already passed; please choose another.")
DROPPED = N_("This notice was already cancelled at {time} on {date}; nothing was sent.")
CLOSED = N_(
    "This preview is no longer open (it expired, or another task began); nothing was sent "
    "from it. Send /khan to write again."
)
REPLACED = N_("This preview was replaced by a newer message; nothing was sent from it.")
REMIND_REPLIES = {
    Remind.NOT_YOURS: NOT_FOR_YOU,
    Remind.ALL_READ: N_("Every family has already read this notice."),
    Remind.STILL_SENDING: N_("This notice is still being sent; please try again in a minute."),
}


async def send_now(press: SendNow, visit: Visit, context: BotContext) -> None:
    """ "Gửi ngay": the draft goes out as an urgent notice; a second press is refused."""
    await _send(visit, context, None, press.token)


async def send_at(press: SendAt, visit: Visit, context: BotContext) -> None:
    """A chosen time: the draft waits as a routine notice; a time gone by is refused."""
    data = await _waiting_draft(visit, context, press.token)
    if data is None:
        return
    slots = data.get("slots")
    chosen = slots.get(str(press.slot)) if isinstance(slots, dict) else None
    moment = datetime.fromisoformat(chosen) if isinstance(chosen, str) else None
    if moment is None or moment <= visit.now:
        visit.alert(visit._(EXPIRED if moment is None else PASSED))
        return
    await _send(visit, context, moment, press.token)


async def _send(visit: Visit, context: BotContext, moment: datetime | None, token: int) -> None:
    """Store the draft once (now, or for `moment`) and show what was done in the preview."""
    _ = visit._
    if await _waiting_draft(visit, context, token) is None:
        return
    draft = await urgent.take_draft(visit.session, visit.account.id, visit.now, token)
    if draft is None:
        visit.alert(_(EXPIRED))
        return
    sent = await urgent.send(visit.session, visit.actor, draft, visit.now, not_before=moment)
    if sent is None:
        visit.alert(_(NOT_ALLOWED))
        return
    visit.wake_sender()
    signed = await urgent.signature(visit.session, visit.actor)
    _confirm(visit, context, draft, sent, moment, signed)


def _confirm(
    visit: Visit,
    context: BotContext,
    draft: Draft,
    sent: Sent,
    moment: datetime | None,
    signed: Signature,
) -> None:
    _ = visit._
    title, markup = ROUTINE_TITLE, None
    line = _.ngettext(
        "Scheduled for {time} on {date}, to {count} family, as a routine notice.",
        "Scheduled for {time} on {date}, to {count} families, as a routine notice.",
        sent.count,
    )
    if moment is None:
        title, line = (
            URGENT_TITLE,
            _.ngettext(
                "Sending the urgent notice to {count} family; the delivery report follows.",
                "Sending the urgent notice to {count} families; the delivery report follows.",
                sent.count,
            ),
        )
        markup = keyboards.inline([[(_("Remind again"), RemindAgain(sent.notice.id).data())]])
    local = (moment or visit.now).astimezone(context.settings.zone)
    line = line.format(count=sent.count, time=f"{local:%H:%M}", date=f"{local:%d/%m}")
    done = f"<b>{html.escape(line)}</b>"
    text = done if draft.media else urgent.compose(draft.text, _(title), signed, _) + "\n\n" + done
    visit.edit(text, markup)


async def _waiting_draft(visit: Visit, context: BotContext, token: int) -> dict[str, object] | None:
    """The draft the pressed preview shows, still waiting; else the press is answered with
    what became of it (sent, scheduled or cancelled, and when; expired; or replaced by a newer
    draft) and changes nothing."""
    draft, replaced = await urgent.waiting_draft(visit.session, visit.account.id, visit.now, token)
    if draft is None:  # what the pressed preview did comes first: a newer draft may follow it
        fate = await fates.fate(visit.session, visit.actor, token)
        told = _late(fate, token, visit, context)
        visit.alert(visit._(REPLACED) if fate is None and replaced else told)
        return None
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    return dict(waiting.data) if waiting is not None and waiting.kind == CONFIRM else None


def _late(fate: fates.Fate | None, token: int, visit: Visit, context: BotContext) -> str:
    """What a press on a preview that no longer waits finds (an alert's plain text); a button
    sent before previews named their draft (token 0) cannot tell which draft it was."""
    _ = visit._
    if fate is None:
        return _(CLOSED if token else EXPIRED)
    zone = context.settings.zone
    local = (fate.not_before or fate.at).astimezone(zone)
    when = {"time": f"{local:%H:%M}", "date": short(local.date())}
    if fate.cancelled:
        return _(DROPPED).format(**when)
    if fate.not_before is not None:
        told = _.ngettext(
            "This notice was already scheduled for {time} on {date}, to {count} family; nothing "
            "more was done.",
            "This notice was already scheduled for {time} on {date}, to {count} families; "
            "nothing more was done.",
            fate.count,
        )
    else:
        told = _.ngettext(
            "This notice was already sent at {time} on {date} to {count} family; nothing more "
            "was done.",
            "This notice was already sent at {time} on {date} to {count} families; nothing "
            "more was done.",
            fate.count,
        )
    return told.format(count=fate.count, **when)


async def schedule(press: Schedule, visit: Visit, context: BotContext) -> None:
    """ "Hẹn giờ gửi": keep the offered times in the draft and show them as buttons."""
    _ = visit._
    data = await _waiting_draft(visit, context, press.token)
    if data is None:
        return
    zone = context.settings.zone
    choices = slot_choices(visit.now, zone)
    data["slots"] = {str(index): moment.isoformat() for index, moment in choices}
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, CONFIRM, data, visit.now
    )
    buttons = [
        (
            _(SLOTS[index][0]).format(time=moment.astimezone(zone).strftime("%H:%M")),
            SendAt(index, press.token).data(),
        )
        for index, moment in choices
    ]
    cancel = [(_("Cancel"), CancelDraft(press.token).data())]
    visit.edit_markup(keyboards.choices(buttons, per_row=1, extra=cancel))


async def cancel_draft(press: CancelDraft, visit: Visit, context: BotContext) -> None:
    """Drop the draft; nothing is sent (an older preview's "Hủy" drops nothing). Pressed
    again, or after the notice went, it says so, and when."""
    if await _waiting_draft(visit, context, press.token) is None:
        return
    fates.dropped(visit.session, visit.actor, press.token, visit.now)
    await pending.clear(visit.session, visit.account.id)
    visit.edit(html.escape(visit._("Cancelled. Nothing was sent.")))


async def remind_again(press: RemindAgain, visit: Visit, context: BotContext) -> None:
    """ "Nhắc lại": send the notice again to the families that have not read it."""
    _ = visit._
    outcome, sent = await urgent.remind_unread(
        visit.session, visit.actor, press.notice_id, visit.now
    )
    if sent is None:
        visit.alert(_(REMIND_REPLIES[outcome]))
        return
    visit.wake_sender()
    told = _.ngettext(
        "Sent again to {count} family that has not read the notice yet.",
        "Sent again to {count} families that have not read the notice yet.",
        sent.count,
    ).format(count=sent.count)
    visit.reply(told, as_html=False)
