"""Routers that run before every feature: an answer the bot asked for, and files sent in chat.

They sit in an earlier handler group. When a feature takes the update, the router stops it
there (ApplicationHandlerStop); otherwise the update goes on to group 0 as if nothing happened:
a typed menu label, an invitation code, a roster file for the administrator.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.features import Features
from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.pending import peek
from bot.core.problems import describe
from storage import files
from storage.models import Role
from storage.roster.problems import FileRefused

PRIVATE = filters.ChatType.PRIVATE
TEXT_ONLY = N_("This step takes a typed answer; the photo or file was not used.")
OUTSIDE_PARENT = N_(
    "The photo or file was not sent to anyone. To send it to the teacher, use /gopy "
    "(feedback, with a photo) or /xinnghi (a leave request, with a doctor's note)."
)
OUTSIDE_STAFF = N_(
    "The photo or file was not used: send it within a task, for example the evidence of "
    "/suadiem, or a filled class spreadsheet."
)
OUTSIDE_UNLINKED = N_("Please send /start to link your account first; the file was not used.")
# Voice notes, videos, music and stickers: the bot can neither play nor forward them as a message
# to the school, so it says so instead of staying silent.
SPOKEN_TYPED = N_(
    "The bot cannot listen to voice notes or watch videos; this step takes a typed answer. "
    "Please type it."
)
SPOKEN_PARENT = N_(
    "The bot cannot listen to voice notes, watch videos or read stickers, so nothing was sent "
    "to anyone. Please type your message: /gopy to write to the teacher, /xinnghi for a leave "
    "request."
)
SPOKEN_STAFF = N_(
    "The bot cannot listen to voice notes, watch videos or read stickers; nothing was sent. "
    "Please type, or send a photo or a file within a task."
)
SPOKEN_UNLINKED = N_("Please send /start to link your account first, then type your message.")
SPOKEN = filters.VOICE | filters.VIDEO | filters.VIDEO_NOTE | filters.AUDIO | filters.Sticker.ALL
GROUP = -1
SHEETS = (".xlsx", ".csv")
MEGABYTES = files.MAX_FILE_BYTES // (1024 * 1024)


async def answer_typed(update: Update, context: BotContext) -> None:
    """Give a typed text to the feature waiting for its kind; a menu tap cancels the wait."""
    message = update.effective_message
    assert message is not None and message.text is not None
    features = context.features
    async with context.visit(update) as visit:
        waiting = await peek(visit.session, visit.account.id, visit.now)
        if waiting is None:
            return
        if message.text in menu_labels(features):
            await pending.clear(visit.session, visit.account.id)
            return
        take = features.inputs[waiting.kind].text if waiting.kind in features.inputs else None
        taken = take is not None and await take(message, visit, context)
    if taken:
        raise ApplicationHandlerStop


async def media_received(update: Update, context: BotContext) -> None:
    """Give a photo or file to the feature waiting for one, else offer a spreadsheet; a photo
    or a file nothing waits for is answered, never passed over in silence."""
    message = update.effective_message
    assert message is not None
    features = context.features
    async with context.visit(update) as visit:
        waiting = await peek(visit.session, visit.account.id, visit.now)
        kind = features.inputs.get(waiting.kind) if waiting is not None else None
        taken = False
        if kind is not None and kind.media is not None:
            taken = await kind.media(message, visit, context)
        elif _spreadsheet(message) or (message.document and visit.actor.has(Role.ADMIN)):
            pass  # offered to the features below (the list import explains any other file)
        elif waiting is not None:  # a question waits for typed text: say so, keep waiting
            visit.reply(visit._(TEXT_ONLY), as_html=False)
            taken = True
        else:
            visit.reply(not_used(visit), as_html=False)
            taken = True
    if taken:
        raise ApplicationHandlerStop
    if message.document is not None:
        await file_received(update, context)


async def spoken_received(update: Update, context: BotContext) -> None:
    """A voice note, video, music or sticker: never passed over in silence, nothing stored; a
    question waiting for typed text keeps waiting."""
    async with context.visit(update) as visit:
        waiting = await peek(visit.session, visit.account.id, visit.now)
        if waiting is not None:
            answer = SPOKEN_TYPED
        elif visit.actor.has(Role.PARENT):
            answer = SPOKEN_PARENT
        elif visit.actor.linked:
            answer = SPOKEN_STAFF
        else:
            answer = SPOKEN_UNLINKED
        visit.reply(visit._(answer), as_html=False)
    raise ApplicationHandlerStop


def _spreadsheet(message: Message) -> bool:
    document = message.document
    return document is not None and (document.file_name or "").lower().endswith(SHEETS)


def not_used(visit: Visit) -> str:
    """What a photo or file sent outside any flow can be used for, for this person."""
    _ = visit._
    if visit.actor.has(Role.PARENT):
        return _(OUTSIDE_PARENT)
    if visit.actor.linked:
        return _(OUTSIDE_STAFF)
    return _(OUTSIDE_UNLINKED)


async def file_received(update: Update, context: BotContext) -> None:
    """Offer a spreadsheet to the features of the sender's roles before the list import.

    Three steps, so that no transaction is open while the file travels: a first visit checks who
    sent it and its announced size, the file is downloaded and checked with none open, and a
    second visit offers it to the features (each queues its answer).
    """
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "file"
    if not name.lower().endswith(SHEETS):
        return
    too_big = (document.file_size or 0) > files.MAX_FILE_BYTES  # refused before downloading
    async with context.visit(update) as visit:
        allowed = visit.actor.has(Role.HOMEROOM, Role.MEDICAL, Role.ADMIN)
        if allowed and too_big:
            _refuse(visit, FileRefused(files.TOO_BIG, megabytes=MEGABYTES))
    if not allowed:  # the list import answers who may send the school's spreadsheets
        return
    if not too_big and not await _offer(update, context, document.file_id, name):
        return
    raise ApplicationHandlerStop


async def _offer(update: Update, context: BotContext, file_id: str, name: str) -> bool:
    """Download a spreadsheet, check it is safe to open, and offer it to the features."""
    message = update.effective_message
    assert message is not None
    with tempfile.TemporaryDirectory(prefix="schoolbot-") as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        refused: FileRefused | None = None
        try:
            await asyncio.to_thread(files.check_upload, path)
        except FileRefused as error:
            refused = error
        async with context.visit(update) as visit:
            if refused is not None:
                _refuse(visit, refused)
                return True
            for take in context.features.ordered_sheets():
                if await take(message, visit, context, path, name, file_id):
                    return True
        return False


def _refuse(visit: Visit, refused: FileRefused) -> None:
    """Tell the sender why a file was not opened; nothing is stored."""
    visit.reply(str(describe(refused.problem, visit._)["reason"]), as_html=False)


def menu_labels(features: Features) -> frozenset[str]:
    """Every translation of every menu button: a tap on one cancels a pending question."""
    labels = [button.label for button in features.menu]
    return frozenset(translator(code)(label) for label in labels for code in LANGUAGES)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return the routers, to be added in group GROUP."""
    return [
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answer_typed),
        MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL), media_received),
        MessageHandler(PRIVATE & SPOKEN, spoken_received),
    ]
