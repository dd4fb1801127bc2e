"""The evidence a teacher sends, for a draft or for an addition: each photo or file is checked
(size, kind, that its bytes are what its name says) and noted in the pending input; the files
are downloaded again when the request or the addition is sent, and kept with it.

No file is downloaded while a visit's transaction is open: the intake notes what came in one
visit, downloads after its commit, and keeps the file in a second visit.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.features.corrections import evidence_kinds as kinds
from bot.features.corrections import reads, texts
from bot.features.corrections.chat.buttons import (
    CancelDraft,
    EvidenceDone,
    EvidenceKind,
    SendAddition,
)
from bot.features.corrections.chat.card import expect
from bot.features.corrections.chat.late import WAIT_FILES
from bot.features.corrections.queries import Evidence
from bot.features.corrections.rules import MAX_FILES, TOO_MANY_FILES

WAIT_ADD = "corr_add"  # the addition waits for its text and files
TAKING = (WAIT_FILES, WAIT_ADD)
RECEIVED = N_("{file} received. What does it show? Then send more, or press the button below.")


def done_button(_: Translator, flow: str) -> InlineKeyboardMarkup:
    """ "Xong" and "Hủy" of this form under the evidence."""
    return keyboards.choices(
        [(_("Done"), EvidenceDone(flow).data()), (_("Cancel"), CancelDraft(flow).data())]
    )


async def download(context: BotContext, files: Sequence[dict[str, Any]]) -> list[Evidence]:
    """Download the files a teacher sent, to keep them with the request (outside any visit)."""
    kept = []
    for entry in files:
        telegram_file = await context.bot.get_file(str(entry["id"]))
        content = bytes(await telegram_file.download_as_bytearray())
        kind = entry.get("kind")
        kept.append(
            Evidence(str(entry["name"]), entry.get("mime"), content, str(entry["id"]), kind)
        )
    return kept


def _entry(message: Message) -> tuple[dict[str, Any] | None, str | None]:
    """The file a message carries as a draft entry, or the reason it is refused."""
    entry: dict[str, Any]
    if message.photo:
        photo = message.photo[-1]
        # Named "anh-<n>.jpg" when it is kept (a photo has no name in Telegram).
        entry = {"id": photo.file_id, "name": "anh.jpg", "mime": "image/jpeg", "photo": True}
        return entry, limits.file_problem(None, photo.file_size)
    if message.document is not None:
        doc = message.document
        entry = {"id": doc.file_id, "name": doc.file_name or "tep", "mime": doc.mime_type}
        return entry, limits.file_problem(doc.file_name or "", doc.file_size)
    return None, None


def _say(visit: Visit, problem: str) -> None:
    """Tell the teacher why a file was not taken (plain text)."""
    if problem == TOO_MANY_FILES:
        text = visit._(problem).format(limit=MAX_FILES)
    else:
        text = limits.fill(problem, visit._(problem))
    visit.reply(text, as_html=False)


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """A photo or document sent as evidence (or as an addition): refused at once when its size,
    kind or number is wrong; else checked after this visit and kept in the next."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in TAKING:
        return False
    entry, problem = _entry(message)
    if entry is None:
        return False
    if problem is None and len(waiting.data.get("files", [])) >= MAX_FILES:
        problem = TOO_MANY_FILES
    if problem is not None:
        _say(visit, problem)
        return True
    update, kind = visit.update, waiting.kind
    visit.later(lambda: _check_and_keep(update, context, kind, entry))
    return True


async def _check_and_keep(
    update: Update, context: BotContext, kind: str, entry: dict[str, Any]
) -> None:
    """Download the file (no transaction open), refuse it if its bytes are not what its name
    says, else add it to the draft or the addition, if that still waits for files."""
    telegram_file = await context.bot.get_file(str(entry["id"]))
    data = bytes(await telegram_file.download_as_bytearray())
    problem = limits.content_problem(str(entry["name"]), data)
    async with context.visit(update) as visit:
        if problem is not None:
            _say(visit, problem)
            return
        waiting = await pending.peek(visit.session, visit.account.id, visit.now)
        if waiting is None or waiting.kind != kind:
            return  # sent, cancelled or expired meanwhile: nothing to add to
        draft = dict(waiting.data)
        files = list(draft.get("files", []))
        if len(files) >= MAX_FILES:
            _say(visit, TOO_MANY_FILES)
            return
        if entry.get("photo"):  # "ảnh 3": counted with the photos the request holds already
            number = int(draft.get("photos", 0)) + sum(1 for f in files if f.get("photo")) + 1
            entry = entry | {"name": f"anh-{number}.jpg", "number": number}
        files.append(entry)
        await expect(visit, kind, draft | {"files": files})
        label = await file_label(visit, draft | {"files": files}, len(files) - 1)
        request_id = 0 if kind == WAIT_FILES else int(draft["request"])
        markup = kind_buttons(visit._, len(files) - 1, str(draft.get("flow", "")), request_id)
        text = visit._(RECEIVED).format(file=label)
        visit.reply(html.escape(text[:1].upper() + text[1:]), markup)


async def file_label(visit: Visit, draft: dict[str, Any], index: int) -> str:
    """A draft's or an addition's file as people name it ("ảnh 2", "tệp PDF 1"), numbered
    after the files the request keeps already (an addition)."""
    kept = await reads.files_of(visit.session, int(draft["request"])) if "request" in draft else []
    return texts.draft_labels(draft.get("files", []), visit._, kept)[index]


def tail_row(_: Translator, flow: str, request_id: int) -> list[tuple[str, str]]:
    """ "Xong" and "Hủy" of a draft, or "Gửi bổ sung" of an addition."""
    if request_id:
        return [(_("Send the addition"), SendAddition(request_id).data())]
    return [(_("Done"), EvidenceDone(flow).data()), (_("Cancel"), CancelDraft(flow).data())]


def kind_buttons(_: Translator, index: int, flow: str, request_id: int) -> InlineKeyboardMarkup:
    """What the file shows (one button per kind), then the form's own buttons."""
    rows = [
        [(_(kinds.BUTTONS[kind]), EvidenceKind(index, kind, flow, request_id).data())]
        for kind in kinds.KINDS
    ]
    return keyboards.inline([*rows, tail_row(_, flow, request_id)])
