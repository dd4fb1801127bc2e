"""The staff inbox (/hopthu, menu "Hộp thư"): a heading with the counts, then each waiting item
as its own card with the same buttons as the card it came as (a feedback's "Trả lời" and "Đã xử
lý", a leave request's "Xác nhận" and "Từ chối", a link request's pupils and "Từ chối"), and its
photo or file sent as what it is. The presses go to the features that own the cards."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence

from telegram import InlineKeyboardMarkup, Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.accounts import news as link_news
from bot.features.accounts.link_requests import card_for
from bot.features.feedback import news as feedback_news
from bot.features.feedback.rules import capital, title
from bot.features.inbox import queries, rules
from bot.features.inbox.buttons import ShowMore
from bot.features.inbox.queries import Entry
from bot.features.leave import news as leave_news
from storage.models import FeedbackState

MENU_INBOX = N_("Inbox")
EMPTY = N_("Inbox: nothing is waiting for you.")
COUNTS = N_("Feedback: {feedback} · Leave requests: {leave} · Link requests: {links}")
ANSWERED = N_("Answered; waiting to be marked as handled.")
SHOWN = N_("Showing {shown} of {count}.")
MORE = N_("Show more")

Card = tuple[str, InlineKeyboardMarkup | None, tuple[str, str, str] | None]  # text, markup, file


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _markup(visit: Visit, buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """Buttons as the card had them, one row each (labels are msgids or pupils' names)."""
    if not buttons:
        return None
    return keyboards.choices([(visit._(label), data) for label, data in buttons], per_row=2)


async def inbox_command(update: Update, context: BotContext) -> None:
    """The heading and the first page of what waits for this person."""
    async with context.visit(update) as visit:
        await show(visit, context, 0)


async def more_pressed(press: ShowMore, visit: Visit, context: BotContext) -> None:
    """ "Xem thêm": the next page, read again (items may have been handled since)."""
    visit.edit_markup(None)
    await show(visit, context, press.offset)


async def show(visit: Visit, context: BotContext, offset: int) -> None:
    """Reply with the heading (on the first page) and the cards of one page."""
    _ = visit._
    if not rules.may_open(visit.actor):
        visit.reply(_(rules.NOT_STAFF), as_html=False)
        return
    found = await queries.entries(visit.session, visit.actor)
    if not found:
        visit.reply(_(EMPTY), as_html=False)
        return
    if offset == 0:
        visit.reply(_heading(visit, found))
    start, end = rules.page(len(found), offset)
    for entry in found[start:end]:
        text, markup, attached = await _card(visit, context, entry)
        visit.reply(text, markup)
        if attached is not None:
            _send_file(visit, *attached)
    if end < len(found):
        more = keyboards.inline([[(_(MORE), ShowMore(end).data())]])
        visit.reply(_esc(_(SHOWN).format(shown=end, count=len(found))), more)


def _heading(visit: Visit, found: list[Entry]) -> str:
    _ = visit._
    count = len(found)
    top = _.ngettext(
        "Inbox: {count} item waiting for you", "Inbox: {count} items waiting for you", count
    ).format(count=count)
    counts = _(COUNTS).format(
        feedback=sum(entry.feedback is not None for entry in found),
        leave=sum(entry.leave is not None for entry in found),
        links=sum(entry.link is not None for entry in found),
    )
    return "<b>" + _esc(top) + "</b>\n" + _esc(counts)


async def _card(visit: Visit, context: BotContext, entry: Entry) -> Card:
    """The item as its card: text, buttons, and its file (kind, file id, caption)."""
    if entry.feedback is not None:
        return _feedback_card(visit, context, entry)
    if entry.leave is not None:
        return await _leave_card(visit, entry)
    return await _link_card(visit, entry)


def _feedback_card(visit: Visit, context: BotContext, entry: Entry) -> Card:
    waiting, zone = entry.feedback, context.settings.zone
    assert waiting is not None
    item, last = waiting.item, waiting.last
    text = feedback_news.staff_text(item, last, waiting.about, visit._, None, zone)
    if item.state is FeedbackState.ANSWERED:
        text += "\n\n<i>" + _esc(visit._(ANSWERED)) + "</i>"
    attached = None
    if last.media_kind and last.media_file:
        caption = _esc(capital(title(item, zone, visit._)))
        attached = (last.media_kind, last.media_file, caption)
    return text, _markup(visit, feedback_news.staff_buttons(item.id)), attached


async def _leave_card(visit: Visit, entry: Entry) -> Card:
    request = entry.leave
    assert request is not None
    note = await queries.attachment(visit.session, request.school_id, f"leave_note:{request.id}")
    name, klass = await leave_news.staff_pupil(visit.session, request.student_id)
    text = leave_news.request_text(name, klass, request, visit._, attached=note is not None)
    attached = None
    if note is not None:
        attached = (*note, _esc(leave_news.note_caption(name, request, visit._)))
    return text, _markup(visit, leave_news.request_buttons(request)), attached


async def _link_card(visit: Visit, entry: Entry) -> Card:
    request = entry.link
    assert request is not None
    card = await card_for(visit.session, request)
    assert card is not None
    text = link_news.request_text(card, visit._)
    return text, _markup(visit, link_news.card_buttons(card)), None


def _send_file(visit: Visit, kind: str, file_id: str, caption: str) -> None:
    """Send a card's photo or file after the commit, as the kind it is."""
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    send: Callable[[], Awaitable[object]]
    if kind == "photo":

        def send() -> Awaitable[object]:
            return bot.send_photo(chat_id, file_id, caption=caption)

    else:

        def send() -> Awaitable[object]:
            return bot.send_document(chat_id, file_id, caption=caption)

    visit.later(send)
