"""Urgent messages (/khan): whom to (leaders choose), the message, a preview with the number of
families; "Gửi ngay", "Hẹn giờ gửi" and "Nhắc lại" are in bot/features/urgent/chat/sending.py."""

from __future__ import annotations

import html

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards, limits, pending
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.presses import alert
from bot.delivery.dispatcher import CAPTION_LIMIT
from bot.delivery.outbox import Audience
from bot.features.urgent import queries as urgent
from bot.features.urgent.chat import sending as urgent_send
from bot.features.urgent.chat.sending import EXPIRED, NOT_ALLOWED, NOT_FOR_YOU
from bot.features.urgent.queries import CONFIRM, PICK, TEXT, Draft
from storage.queries import school_classes

PRIVATE = filters.ChatType.PRIVATE
Media = tuple[str, str] | None


async def _ask_message(visit: Visit, audience: Audience) -> str:
    """Wait for the message to this audience; return the prompt."""
    _ = visit._
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        TEXT,
        {"audience": audience.describe()},
        visit.now,
    )
    label = await urgent.audience_label(visit.session, visit.actor.school_id, audience, _)
    return (
        _("Urgent notice to {audience}.").format(audience=label)
        + "\n"
        + _(
            "Send the message now: a text, or a photo or a document with a caption. "
            "You will see a preview before anything is sent."
        )
    )


async def urgent_command(update: Update, context: BotContext) -> None:
    """Start an urgent notice: leaders choose whom to; a homeroom teacher writes to the class."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if urgent.is_leader(visit.actor):
            grades = await urgent.grades(visit.session, visit.actor.school_id)
            rows = [
                [(_("Whole school"), pack("urg", "all"))],
                [(_("Grade {grade}").format(grade=g), pack("urg", "grade", g)) for g in grades],
                [(_("Choose classes"), pack("urg", "cls"))],
            ]
            await message.reply_text(
                _("Who is the urgent notice for?"), reply_markup=keyboards.inline(rows)
            )
            return
        audience = urgent.own_audience(visit.actor)
        if audience is None:
            await message.reply_text(_(NOT_ALLOWED))
            return
        await message.reply_text(await _ask_message(visit, audience))


async def pressed(update: Update, context: BotContext) -> None:
    """Every "urg" button; each press re-reads the wait or the notice and re-checks rights."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
        argument = press.int_arg(0) if press.args else 0
    except BadCallback:
        return
    async with context.visit(update) as visit:
        if press.action in ("all", "grade", "cls", "tog", "done"):
            await _scope(query, visit, press.action, argument)
        elif press.action in ("send", "at"):
            await urgent_send.send(
                query, visit, context, argument if press.action == "at" else None
            )
        elif press.action == "later":
            await urgent_send.later(query, visit, context)
        elif press.action == "cancel":
            await urgent_send.cancel(query, visit)
        elif press.action == "again":
            await urgent_send.again(query, visit, context, argument)


async def _scope(query: CallbackQuery, visit: Visit, action: str, argument: int) -> None:
    """The leaders' choice: the school, a grade, or classes toggled one by one, then "Xong"."""
    _ = visit._
    if not urgent.is_leader(visit.actor):
        await alert(query, _(NOT_FOR_YOU))
        return
    school_id = visit.actor.school_id
    if action == "all":
        audience = Audience.school()
    elif action == "grade":
        if argument not in await urgent.grades(visit.session, school_id):
            await alert(query, _(EXPIRED))
            return
        audience = Audience.grade(argument)
    else:
        waiting = await pending.peek(visit.session, visit.account.id, visit.now)
        picked = waiting.data.get("classes") if waiting and waiting.kind == PICK else None
        chosen = [] if action == "cls" else picked
        if not isinstance(chosen, list) or (
            action == "tog" and not await urgent.class_names(visit.session, school_id, [argument])
        ):
            await alert(query, _(EXPIRED))
            return
        if action == "done" and not chosen:
            await alert(query, _("Choose at least one class."))
            return
        if action != "done":
            chosen = sorted(set(chosen) ^ {argument}) if action == "tog" else []
            await pending.expect(
                visit.session, visit.account.id, school_id, PICK, {"classes": chosen}, visit.now
            )
            buttons = [
                (("✓ " if class_id in chosen else "") + name, pack("urg", "tog", class_id))
                for class_id, name in await school_classes(visit.session, school_id)
            ]
            await query.edit_message_text(
                _("Choose the classes, then press Done."),
                reply_markup=keyboards.choices(
                    buttons, per_row=4, extra=[(_("Done"), pack("urg", "done"))]
                ),
            )
            return
        audience = Audience.classes(*(int(c) for c in chosen))
    await query.edit_message_text(await _ask_message(visit, audience))


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take the urgent message the person was asked for; False if none was asked."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != TEXT or message.text is None:
        return False
    await _take(message, visit, urgent.audience_from(waiting.data.get("audience")), message.text)
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document (with an optional caption) as the urgent message."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != TEXT:
        return False
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        media = ("photo", largest.file_id)
    elif message.document is not None:
        document = message.document
        problem = limits.file_problem(document.file_name, document.file_size)
        if problem is not None:
            _ = visit._
            await message.reply_text(
                limits.fill(problem, _(problem)) + "\n" + _("Please send it again.")
            )
            return True
        media = ("document", document.file_id)
    else:
        return False
    audience = urgent.audience_from(waiting.data.get("audience"))
    await _take(message, visit, audience, message.caption or "", media)
    return True


async def _take(
    message: Message, visit: Visit, audience: Audience | None, text: str, media: Media = None
) -> None:
    """Check the message; keep it as a draft and show the preview, or ask again."""
    _ = visit._
    if audience is None or not urgent.may_send(visit.actor, audience):
        await pending.clear(visit.session, visit.account.id)
        await message.reply_text(_(NOT_ALLOWED))
        return
    problem = urgent.text_problem(text, caption=media is not None)
    if problem is not None:  # the wait stays: the next message is taken instead
        limit = urgent.CAPTION_LIMIT if media else urgent.TEXT_LIMIT
        await message.reply_text(_(problem).format(limit=limit) + "\n" + _("Please send it again."))
        return
    draft = Draft(audience, text.strip(), media)
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, CONFIRM, draft.data(), visit.now
    )
    await _preview(message, visit, draft)


async def _preview(message: Message, visit: Visit, draft: Draft) -> None:
    """The message as families will see it, the number of families, and the choices."""
    _ = visit._
    shown = urgent.compose(draft.text, _(urgent.URGENT_TITLE))
    school_id = visit.actor.school_id
    families, unlinked = await urgent.reach(visit.session, school_id, draft.audience)
    label = await urgent.audience_label(visit.session, school_id, draft.audience, _)
    count = _.ngettext("Send to {count} family", "Send to {count} families", families)
    lines = [
        html.escape(_("To: {audience}").format(audience=label)),
        "<b>" + html.escape(count.format(count=families)) + "</b>",
    ]
    if unlinked:
        lines.append(
            html.escape(
                _.ngettext(
                    "{count} pupil has no linked family yet and will not get it.",
                    "{count} pupils have no linked family yet and will not get it.",
                    unlinked,
                ).format(count=unlinked)
            )
        )
    markup = keyboards.inline(
        [
            [(_("Send now"), pack("urg", "send")), (_("Schedule for later"), pack("urg", "later"))],
            [(_("Cancel"), pack("urg", "cancel"))],
        ]
    )
    summary = "\n".join(lines)
    if draft.media is None:
        await message.reply_text(
            shown + "\n\n" + summary, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return
    kind, file_id = draft.media
    caption = shown if len(shown) <= CAPTION_LIMIT else None  # as the dispatcher will send it
    if kind == "photo":
        await message.reply_photo(file_id, caption=caption, parse_mode=ParseMode.HTML)
    else:
        await message.reply_document(file_id, caption=caption, parse_mode=ParseMode.HTML)
    if caption is None:
        await message.reply_text(shown, parse_mode=ParseMode.HTML)
    await message.reply_text(summary, parse_mode=ParseMode.HTML, reply_markup=markup)
