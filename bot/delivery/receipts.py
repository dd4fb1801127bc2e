"""Read receipts: "✅ Đã xem" under a notice records when its recipient read it."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import BadCallback, parse
from bot.core.context import BotContext
from bot.core.features import Features
from bot.core.presses import alert
from bot.delivery.buttons import READ_BUTTON, notice_markup
from bot.delivery.outbox import mark_read, notice_of


async def receipt_pressed(update: Update, context: BotContext) -> None:
    """Record the first press of "Seen" by the delivery's own recipient; show when."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        delivery_id = press.int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        delivery, first = await mark_read(visit.session, visit.account.id, delivery_id, visit.now)
        if delivery is None:
            await alert(query, _("This button is not for you."))
            return
        if first:
            await visit.save()
            dispatcher = context.services.dispatcher
            if dispatcher is not None:  # the sender's report shows the new count
                dispatcher.reports.touch(delivery.notice_id)
                dispatcher.wake()
        if press.action != "ok":
            return
        assert delivery.read_at is not None
        local = delivery.read_at.astimezone(context.settings.zone)
        label = READ_BUTTON + _("Seen at {time}, {date}").format(
            time=local.strftime("%H:%M"), date=local.strftime("%d/%m")
        )
        notice = await notice_of(visit.session, delivery)
        await query.edit_message_reply_markup(
            notice_markup(_, delivery.id, True, notice.buttons, seen_label=label)
        )


def register(features: Features) -> None:
    """Route the "Đã xem" presses."""
    features.press_prefix("rcpt", receipt_pressed)
