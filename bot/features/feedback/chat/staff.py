"""Feedback, the school's side: "Trả lời" and "Đã xử lý" under a parent's message, the
leaders' list (/gopy_bgh) and a teacher's hours (/giolamviec).

Nobody's identity crosses over: staff see "Phụ huynh em X (lớp 1A)" (or only the class when
anonymous), parents see "Giáo viên chủ nhiệm lớp 1A" or "Ban giám hiệu".
"""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import Callable
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core import keyboards, limits, pending
from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator, choose_language, translator
from bot.core.presses import alert
from bot.core.split import split_html
from bot.features.feedback import queries as feedback
from bot.features.feedback.jobs import (
    HANDLED,
    REPLY,
    about,
    counts,
    queue_for_staff,
    recipient_accounts,
    school_overdue,
    staff_text,
)
from bot.features.feedback.queries import ANSWER_WITHIN, LEADERS, TOPICS, About
from storage.models import (
    AccountState,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    TelegramAccount,
)

log = logging.getLogger(__name__)

WAIT_REPLY = "feedback_reply"
OFF = ("tat", "tắt", "off")
EXCERPT = 80


async def send_safely(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    media: tuple[str, str] | None = None,
) -> bool:
    """Send to someone other than the presser; a blocked chat or a stale file is only logged."""
    try:
        if media is not None:
            send = bot.send_photo if media[0] == "photo" else bot.send_document
            await send(chat_id, media[1])
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except (Forbidden, BadRequest) as error:
        log.warning("feedback message to chat %s not sent: %s", chat_id, error)
        return False
    return True


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


async def deliver(
    context: BotContext,
    visit: Visit,
    item: Feedback,
    message: FeedbackMessage,
    info: About,
    heading: str,
) -> None:
    """Send a parent's message to the item's recipients now, or hold it for the teacher."""
    if item.deliver_at is not None and item.deliver_at > visit.now:
        await queue_for_staff(
            visit.session, item, message, info, heading, visit.now, item.deliver_at
        )
        return
    kind, file_id = message.media_kind, message.media_file
    for account in await recipient_accounts(visit.session, item):
        _ = translator(choose_language(account.language, None))
        markup = keyboards.inline(
            [[(_(REPLY), pack("fb", "reply", item.id)), (_(HANDLED), pack("fb", "done", item.id))]]
        )
        text = staff_text(item, message, info, _, heading)
        media = (kind, file_id) if kind and file_id else None
        await send_safely(context.bot, account.chat_id, text, markup, media)


async def tell_parent(
    context: BotContext,
    visit: Visit,
    item: Feedback,
    lines: Callable[[Translator], str],
    more: bool = False,
) -> bool:
    """Send the item's parent a message built in their language; False if unreachable."""
    account = await visit.session.get(TelegramAccount, item.account_id or 0)
    if account is None or account.state != AccountState.LINKED:
        return False
    _ = translator(choose_language(account.language, None))
    text = lines(_)
    markup = keyboards.inline([[(_(REPLY), pack("fb", "more", item.id))]]) if more else None
    return await send_safely(context.bot, account.chat_id, text, markup)


def _topic(item: Feedback, info: About, _: Translator) -> dict[str, str]:
    return {"child": info.student, "topic": _(TOPICS[item.topic])}


async def staff_pressed(
    query: CallbackQuery, visit: Visit, context: BotContext, press: Callback, item_id: int
) -> None:
    """Ask for the answer ("Trả lời"), or close the item and tell the parent ("Đã xử lý")."""
    _ = visit._
    item = await visit.session.get(Feedback, item_id)
    if item is None or not feedback.may_answer(visit.actor, item):
        await alert(query, _(feedback.NOT_YOURS))
        return
    if press.action == "reply":
        if item.state is FeedbackState.CLOSED:
            await alert(query, _(feedback.CLOSED))
            return
        data = {"feedback_id": item.id}
        account = visit.account
        await pending.expect(
            visit.session, account.id, account.school_id, WAIT_REPLY, data, visit.now
        )
        info = await about(visit.session, item)
        prompt = _(
            "Write your answer to feedback #{id}. The family gets it from “{sender}”, without "
            "your name or phone number."
        ).format(id=item.id, sender=feedback.school_label(item, info, _))
        cancel = keyboards.inline([[(_("Cancel"), pack("fb", "cancel"))]])
        await context.bot.send_message(
            visit.account.chat_id, _esc(prompt), reply_markup=cancel, parse_mode=ParseMode.HTML
        )
        return
    problem = feedback.close(visit.session, visit.actor, item, visit.now, visit.who)
    if problem is not None:
        await alert(query, _(problem))
        return
    info = await about(visit.session, item)

    def handled(_: Translator) -> str:
        return _esc(
            _(
                "{sender} has marked your feedback about {child} ({topic}) as handled. Thank "
                "you for writing to the school."
            ).format(sender=feedback.school_label(item, info, _), **_topic(item, info, _))
        )

    told = await tell_parent(context, visit, item, handled)
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    done = _("Feedback #{id} is marked as handled.").format(id=item.id)
    if not told:
        done += " " + _("The family cannot be reached through the bot now.")
    await context.bot.send_message(visit.account.chat_id, _esc(done), parse_mode=ParseMode.HTML)


async def take_reply(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> bool:
    """Store a typed answer, send it to the parent with "Trả lời", and confirm."""
    _ = visit._
    item = await visit.session.get(Feedback, int(data["feedback_id"]))
    if item is None:
        await pending.clear(visit.session, visit.account.id)
        await message.reply_text(_(feedback.NOT_YOURS))
        return True
    text = message.text or ""
    result = await feedback.reply(visit.session, visit.actor, item, text, visit.now, visit.who)
    if isinstance(result, str):
        if result not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):  # else try again
            await pending.clear(visit.session, visit.account.id)
        await message.reply_text(limits.fill(result, _(result)))
        return True
    await pending.clear(visit.session, visit.account.id)
    info = await about(visit.session, item)

    def answer(_: Translator) -> str:
        heading = _("The school replies to your feedback about {child} ({topic}):")
        sender = feedback.school_label(item, info, _)
        return "\n".join(
            [
                "<b>" + _esc(heading.format(**_topic(item, info, _))) + "</b>",
                "<i>" + _esc(sender) + "</i>",
                _esc(text),
            ]
        )

    told = await tell_parent(context, visit, item, answer, more=True)
    await message.reply_text(
        _("Your answer was sent to the family.")
        if told
        else _("Your answer is saved, but the family cannot be reached through the bot now.")
    )
    return True


async def list_command(update: Update, context: BotContext) -> None:
    """The leaders' list: counts per class and topic, and items waiting too long."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(*LEADERS):
            await message.reply_text(_("Only the principal and the vice principal see this list."))
            return
        school_id = visit.actor.school_id
        lines = ["<b>" + _esc(_("Feedback per class and topic")) + "</b>"]
        for klass, counter in (await counts(visit.session, school_id)).items():
            topics = [f"{_(label)} {counter[t]}" for t, label in TOPICS.items() if counter[t]]
            lines.append(_esc(f"{klass}: " + ", ".join(topics)))
        if len(lines) == 1:
            lines.append(_esc(_("No feedback yet.")))
        title = _("Unanswered for more than {days} working days").format(days=ANSWER_WITHIN)
        lines += ["", "<b>" + _esc(title) + "</b>"]
        waiting = await school_overdue(visit.session, school_id, visit.now)
        for entry in waiting:
            item, text = entry.item, entry.last.text
            short = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
            line = _("#{id} · {sender} → {recipient} · {topic} · since {date}: “{text}”").format(
                id=item.id,
                sender=feedback.parent_label(item, entry.about, _),
                recipient=feedback.school_label(item, entry.about, _),
                topic=_(TOPICS[item.topic]),
                date=entry.since.astimezone(context.settings.zone).strftime("%d/%m"),
                text=short,
            )
            lines.append(_esc(line))
        if not waiting:
            lines.append(_esc(_("None: every feedback was answered in time.")))
    for part in split_html("\n".join(lines)):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


async def hours_command(update: Update, context: BotContext) -> None:
    """/giolamviec 06:30 21:00 sets the hours parents' messages reach a teacher; "tat" removes."""
    message = update.effective_message
    assert message is not None
    args = context.args or []
    async with context.visit(update) as visit:
        _ = visit._
        usage = _(
            "To set them: /giolamviec 06:30 21:00 (the start before the end). To remove them: "
            "/giolamviec tat"
        )
        if not args:
            staff = visit.account.staff_id
            hours = await feedback.staff_hours(visit.session, staff) if staff else None
            current = (
                _("Your hours: {start}–{end}.").format(start=hours[0], end=hours[1])
                if hours
                else _("You have not set hours: parents' messages reach you at once.")
            )
            await message.reply_text(current + "\n" + usage)
            return
        off = args[0].lower() in OFF and len(args) == 1
        hours = None if off else feedback.parse_hours(" ".join(args))
        if not off and hours is None:
            await message.reply_text(usage)
            return
        if not await feedback.set_hours(visit.session, visit.actor, hours, visit.who):
            await message.reply_text(_("Only the school's staff set their hours."))
            return
        if hours is None:
            done = _("Your hours are removed: parents' messages reach you at once.")
        else:
            done = _(
                "Your hours are {start}–{end}. Parents' messages sent outside them wait until "
                "{start}, and the parent is told when you will see them. Urgent school notices "
                "are not affected."
            ).format(start=hours[0], end=hours[1])
        await message.reply_text(done)
