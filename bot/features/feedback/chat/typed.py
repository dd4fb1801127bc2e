"""The typed answers of a feedback draft: the text (a long one is kept and offered to be
shortened or split, long.py), then a photo or file, taken by its file id (nothing is
downloaded): a photo is forwarded as a photo, any other file as a document."""

from __future__ import annotations

from telegram import Message

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.features.feedback.chat import long
from bot.features.feedback.chat.ask import DRAFT_KINDS, WAIT_PHOTO, WAIT_TEXT, ask
from bot.features.feedback.chat.sending import refusal, store
from bot.features.feedback.rules import Draft


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a typed answer of the draft; False if the draft asked for none."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in DRAFT_KINDS:
        return False
    _ = visit._
    if waiting.kind == WAIT_TEXT:
        if await long.take(message, visit, waiting, long.PARENT):
            return True
        problem = limits.text_problem(message.text)
        if problem is not None:
            visit.reply(refusal(visit, problem), as_html=False)
            return True
        draft = Draft.from_data(waiting.data)
        draft.text, draft.rest, draft.long, draft.long_at = message.text, None, None, None
        visit.reply(*await ask(visit, draft))
    elif waiting.kind == WAIT_PHOTO:
        visit.reply(_("Send a photo, or press “Send without a photo”."), as_html=False)
    else:
        visit.reply(_("Please answer with the buttons above."), as_html=False)
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take the photo or file of the draft (its caption is the text if none was typed)."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (WAIT_TEXT, WAIT_PHOTO):
        return False
    draft = Draft.from_data(waiting.data)
    if waiting.kind == WAIT_TEXT:
        if not message.caption:
            visit.reply(
                visit._("Please write your feedback first; add the photo after."), as_html=False
            )
            return True
        draft.text, draft.rest, draft.long = message.caption, None, None
    if message.photo:
        photo = message.photo[-1]
        media = ("photo", photo.file_id)
        problem = limits.file_problem(None, photo.file_size)
    elif message.document is not None:
        media = ("document", message.document.file_id)
        problem = limits.file_problem(message.document.file_name or "", message.document.file_size)
    else:
        return False
    problem = problem or limits.text_problem(draft.text)
    if problem is not None:
        visit.reply(refusal(visit, problem), as_html=False)
        return True
    visit.reply(await store(visit, context, draft, media))
    return True
