"""What the parent types or sends into the leave form: the days, the reason, a doctor's note
(a photo or a file, kept by its file id and forwarded as what it is). A text is taken only by
the question it answers: while the session is asked with buttons, only other days are read."""

from __future__ import annotations

from typing import Any

from telegram import Message

from bot.core import limits, long_text, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.calendar.queries import school_year
from bot.features.leave import rules
from bot.features.leave.chat import form, long
from bot.features.leave.chat.form import WAIT_CHILD, WAIT_DATES, WAIT_REASON
from bot.features.leave.chat.staff import WAIT_REFUSAL, typed_refusal

BUTTONS = N_("Please answer with the buttons above.")
NOTE_LATER = N_(
    "Please choose the days first; you can send the doctor's note after typing the reason."
)
NOTE_KEPT = N_("The doctor's note is attached. Now please type the reason for the leave.")


async def typed_dates(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """A typed day or range: checked, then the sessions. While the session is asked, a text
    that is not a date is not an answer."""
    assert message.text is not None
    today = context.today(visit.now)
    year = await school_year(visit.session, visit.actor.school_id, today)
    days = rules.parse_days(message.text, today, year)
    if days is rules.DayProblem.BAD_FORM and "first" in data:
        visit.reply(visit._(BUTTONS), as_html=False)
        return
    if isinstance(days, rules.DayProblem):
        visit.reply(rules.explain(days, visit._), as_html=False)
        return
    visit.reply(*await form.ask_part(visit, data, *days))


async def typed_reason(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """The typed reason: the whole request shown, with "Gửi" and "Huỷ". A reason over the
    limit, or the rest of one Telegram cut, is kept and offered shortened (long.py)."""
    if await long.take(message, visit, data):
        return
    problem = limits.text_problem(message.text)
    if problem is not None:
        visit.reply(rules.explain(problem, visit._), as_html=False)
        return
    assert message.text is not None
    draft = long_text.without_long(data) | {"reason": message.text.strip()}
    visit.reply(*await form.summary(visit, draft))


async def typed_choice(
    message: Message, visit: Visit, context: BotContext, data: dict[str, Any]
) -> None:
    """A text while the child is asked with buttons."""
    visit.reply(visit._(BUTTONS), as_html=False)


TAKERS = {
    WAIT_CHILD: typed_choice,
    WAIT_DATES: typed_dates,
    WAIT_REASON: typed_reason,
    WAIT_REFUSAL: typed_refusal,
}


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer this feature asked for; False if it asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in TAKERS:
        return False
    await TAKERS[waiting.kind](message, visit, context, dict(waiting.data))
    return True


def _note_of(message: Message) -> tuple[tuple[str, str] | None, str | None]:
    """The note a message carries, as (kind, file id), or why it is refused."""
    if message.photo:
        photo = message.photo[-1]
        return ("photo", photo.file_id), limits.file_problem(None, photo.file_size)
    if message.document is not None:
        document = message.document
        problem = limits.file_problem(document.file_name or "", document.file_size)
        return ("document", document.file_id), problem
    return None, None


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """A photo or file sent into the form: the doctor's note once the days are chosen (its
    caption is the reason if none was typed); before that, the parent is told when to send it."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_CHILD, WAIT_DATES, WAIT_REASON):
        return False
    _ = visit._
    if waiting.kind != WAIT_REASON:
        visit.reply(_(NOTE_LATER), as_html=False)
        return True
    note, problem = _note_of(message)
    if note is None:
        return False
    caption = (message.caption or "").strip()
    problem = problem or (limits.text_problem(caption) if caption else None)
    if problem is not None:
        visit.reply(rules.explain(problem, _), as_html=False)
        return True
    draft = dict(waiting.data) | {"note": list(note)}
    if caption:  # the caption is the reason: a long one kept before is dropped
        draft = long_text.without_long(draft) | {"reason": caption}
    if "reason" in draft:
        visit.reply(*await form.summary(visit, draft))
        return True
    await form.expect(visit, WAIT_REASON, draft)
    visit.reply(_(NOTE_KEPT), as_html=False)
    if draft.get("long"):  # a long reason is still kept: its offer again, under the note
        visit.reply(*long.offer(visit, draft))
    return True
