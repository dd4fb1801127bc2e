"""The card's way to the deciding leaders: the card with its buttons, then each evidence file
by its kind (a photo as a photo, a file as a document, a file Telegram refused as its kept
bytes), each captioned with what it is and what it is for; and, before a decision, the files
Telegram refused to show the leader, sent again and reported to both.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, stored_document
from bot.delivery.replies import caption
from bot.features.corrections import class_teacher, reads, texts
from bot.features.corrections import deciders as absences
from bot.features.corrections.chat.card import card_messages, decision_pairs, news
from bot.features.corrections.evidence_kinds import evidence_media
from storage.models import CorrectionFile, CorrectionRequest

EVIDENCE = N_("Evidence for the correction of {what}: {label}")
UNSHOWN = N_(
    "Not decided yet: Telegram could not show you {files}; it is sent again below as a file. "
    "Please look at it, then decide."
)
UNSHOWN_TO_TEACHER = N_(
    "Telegram could not show the principal {files} of your request to correct {what}; the bot "
    "sent it again as a file."
)


async def send_to_deciders(visit: Visit, context: BotContext, request: CorrectionRequest) -> int:
    """Queue the card with its buttons, then each evidence file, for today's deciding leaders;
    how many of them have a linked account (0: nobody will get it)."""
    staff = await absences.deciders(visit.session, request.school_id, context.today(visit.now))
    accounts = await reads.linked_accounts(visit.session, [s.id for s in staff])
    by_language: dict[str, list[int]] = {}
    for account in accounts:
        by_language.setdefault(account.language or "vi", []).append(account.id)
    for code, ids in sorted(by_language.items()):
        *before, last = await card_messages(visit.session, request, translator(code))
        for text in before:
            await news(visit, request, Audience.accounts(*ids), {code: text})
        buttons = decision_pairs(request.id)
        await news(visit, request, Audience.accounts(*ids), {code: last}, buttons=buttons)
    if accounts:
        everyone = Audience.accounts(*(account.id for account in accounts))
        await send_evidence(visit, request, everyone)
    visit.wake_sender()
    return len(accounts)


async def send_evidence(
    visit: Visit,
    request: CorrectionRequest,
    audience: Audience,
    files: Sequence[CorrectionFile] | None = None,
    *,
    again: bool = False,
) -> None:
    """Queue each evidence file (or these) by its kind, captioned with what it is and what it is
    for; `again`: as its kept bytes, for a file Telegram refused to show."""
    kept = await reads.files_of(visit.session, request.id)
    labels = {code: texts.evidence_labels(kept, translator(code)) for code in LANGUAGES}
    whats = {
        code: texts.what(
            request,
            await reads.request_facts(visit.session, request, translator(code)),
            translator(code),
        )
        for code in LANGUAGES
    }
    for index, file in enumerate(kept):
        if files is not None and file not in files:
            continue
        told = {
            code: html.escape(
                caption(
                    translator(code)(EVIDENCE).format(what=whats[code], label=labels[code][index])
                )
            )
            for code in LANGUAGES
        }
        media = stored_document(file) if again else evidence(file)
        notice = await news(visit, request, audience, told, media=media)
        notice.ref = reads.evidence_ref(request.id, file.id) + (":again" if again else "")


def evidence(file: CorrectionFile) -> tuple[str, str]:
    """An evidence file's media: a photo as a photo, a file as a document (a JPEG sent as a
    file too), a file of unknown kind as its kept bytes."""
    kind = evidence_media(file.telegram_file_id)
    if kind == "photo" and file.telegram_file_id:
        return ("photo", file.telegram_file_id)
    if kind == "document" and file.telegram_file_id:
        return ("document", file.telegram_file_id)
    return stored_document(file)


async def _captions(
    visit: Visit, request: CorrectionRequest, kept: Sequence[CorrectionFile], code: str
) -> list[str]:
    """Each file's caption in one language: "Minh chứng cho đề nghị sửa …: ảnh 1"."""
    _ = translator(code)
    what = texts.what(request, await reads.request_facts(visit.session, request, _), _)
    return [
        html.escape(caption(_(EVIDENCE).format(what=what, label=label)))
        for label in texts.evidence_labels(kept, _)
    ]


async def all_shown(visit: Visit, request: CorrectionRequest) -> bool:
    """Whether every evidence file reached the deciding leader pressing; if Telegram refused
    some, they are sent again as files, the leader and the teacher are told, and nothing is
    decided yet."""
    missing = await reads.unshown_evidence(visit.session, request, visit.account.id)
    if not missing:
        return True
    await send_evidence(visit, request, Audience.accounts(visit.account.id), missing, again=True)
    kept = await reads.files_of(visit.session, request.id)
    _ = visit._
    visit.alert(texts.alert_sized(_(UNSHOWN).format(files=_labels(kept, missing, _))))
    teacher = await class_teacher.teacher_account(visit.session, request)
    if teacher is not None:
        told = {}
        for code in LANGUAGES:
            tr = translator(code)
            what = texts.what(request, await reads.request_facts(visit.session, request, tr), tr)
            files = _labels(kept, missing, tr)
            told[code] = html.escape(tr(UNSHOWN_TO_TEACHER).format(files=files, what=what))
        await news(visit, request, Audience.accounts(teacher), told)
    visit.wake_sender()
    return False


def _labels(
    kept: Sequence[CorrectionFile], missing: Sequence[CorrectionFile], _: Translator
) -> str:
    """ "ảnh 2, tệp bai.pdf": the missing files as the card names them."""
    labels = texts.evidence_labels(kept, _)
    return ", ".join(label for file, label in zip(kept, labels, strict=True) if file in missing)
