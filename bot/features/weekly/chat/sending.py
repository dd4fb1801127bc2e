"""Weekly comments, the homeroom teacher's last step: a preview of one family's notice with the
counts ("Xem trước và gửi"), then "Gửi ngay" for the class."""

from __future__ import annotations

from telegram import CallbackQuery
from telegram.constants import ParseMode

from bot.core import keyboards
from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.presses import alert
from bot.features.calendar.queries import TeachingWeek
from bot.features.weekly import queries as weekly
from bot.features.weekly.chat.class_list import HOMEROOM, refusal
from bot.features.weekly.jobs import tell_teachers
from bot.features.weekly.notices import compose, drafts_for, gather, send_week
from storage.queries import unlinked_families


async def preview(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    """Show one family's notice and how many are ready, held back or unreachable."""
    _ = visit._
    (batch,) = await gather(visit.session, visit.actor.school_id, week, [class_id])
    if batch.sent:
        await alert(query, refusal(weekly.Saved.ALREADY_SENT, _))
        return
    drafts, held = drafts_for(batch, week)
    sample = next((p for p in batch.pupils if p.homeroom), None) or (
        batch.pupils[0] if batch.pupils else None
    )
    _total, unlinked = await unlinked_families(visit.session, class_id)
    lines = [
        _("Preview of the notice to one family (each family sees only its own child):"),
        "",
        compose(sample, batch, week, _) if sample else "",
        "",
        "<b>"
        + _(
            "Notices ready for {count} pupils; held back: {held}; families not linked: {unlinked}."
        ).format(count=len(drafts), held=len(held), unlinked=len(unlinked))
        + "</b>",
    ]
    assert query.message is not None
    await context.bot.send_message(
        query.message.chat.id,
        "\n".join(lines),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.inline(
            [
                [
                    (_("Send now"), pack("wk", "send", class_id)),
                    (_("Edit"), pack("wk", "l", class_id, HOMEROOM)),
                ]
            ]
        ),
    )


async def send_now(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    """Send the class's notices now; a second press finds the week already sent."""
    _ = visit._
    (result,) = await send_week(
        visit.session,
        visit.actor.school_id,
        week,
        class_ids=[class_id],
        by=visit.account.id,
        now=visit.now,
    )
    if result.already_sent:
        await query.edit_message_reply_markup(None)
        await alert(query, refusal(weekly.Saved.ALREADY_SENT, _))
        return
    await tell_teachers(visit.session, visit.actor.school_id, week, [result], visit.now)
    await visit.save()
    context.wake_sender()
    await query.edit_message_reply_markup(None)
