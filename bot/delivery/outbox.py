"""The outbox: a notice and one delivery row per recipient account, written in one transaction.

Features call `enqueue_notice` (one notice to an audience), `enqueue_per_pupil` (one notice per
pupil, in bulk) or `enqueue_news` (a step's news to the people it concerns); the dispatcher
(`bot/delivery/dispatcher.py`) sends the rows. Nothing here talks to Telegram. Who an audience
reaches is in bot/delivery/audience.py; counts, retries and receipts in bot/delivery/status.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.delivery.audience import REACHABLE, Audience, Recipients, guardians_reached, resolve
from bot.delivery.status import NoticeStatus, mark_read, notice_of, outbox_status, retry_failed
from storage.models import (
    AccountState,
    CorrectionFile,
    Delivery,
    DeliveryState,
    Notice,
)

__all__ = [
    "REACHABLE",
    "Audience",
    "NoticeStatus",
    "Recipients",
    "mark_read",
    "notice_of",
    "outbox_status",
    "resolve",
    "retry_failed",
]

# "Phản hồi" under a notice: opens the feedback flow about the notice's pupil
# (bot/features/feedback/chat/parent.py); "{delivery}" becomes the delivery's id.
REPLY = (N_("Respond"), "v1:fb:new:{delivery}")

# The media kind of a document whose name and bytes the database keeps (the notice's
# `media_file` is then a reference, "<source>:<id>", not a Telegram file_id).
STORED = "stored"
# A photo drawn when it is sent (a chart of the week): `media_file` is "<source>:<key>", and the
# source's drawer, registered by its feature (`draws`), reads the figures and writes the caption.
DRAWN = "drawn"
# Each file goes by its kind: Telegram refuses a document's file id in sendPhoto, and so on.
MEDIA_KINDS = ("photo", "document", "video", "voice", "audio", STORED, DRAWN)
# What a stored reference can name: the source's prefix and its table.
STORED_SOURCES: dict[str, type[CorrectionFile]] = {"correction_file": CorrectionFile}


@dataclass(frozen=True, slots=True)
class Drawing:
    """A photo to send: its caption (HTML, read now) and `draw`, which makes the PNG from the
    same figures (blocking: the sender runs it in a thread, with no session open)."""

    caption: str
    draw: Callable[[], bytes]


# (session, school id, key, language) -> the drawing, or None when the key names nothing.
Drawer = Callable[[AsyncSession, int, str, str], Awaitable[Drawing | None]]
_DRAWERS: dict[str, Drawer] = {}


def draws(source: str, drawer: Drawer) -> None:
    """Let `drawer` draw the photos of `source` (a feature registers it; delivery knows none)."""
    _DRAWERS[source] = drawer


def drawn_photo(source: str, key: str) -> tuple[str, str]:
    """The `media` of a notice whose photo `source`'s drawer draws when it is sent."""
    return DRAWN, f"{source}:{key}"


async def read_drawn(
    session: AsyncSession, school_id: int, reference: str, language: str
) -> Drawing | None:
    """The drawing a drawn photo's reference names, in the reader's language; None if its
    source draws nothing for it (or is not registered)."""
    source, _, key = reference.partition(":")
    drawer = _DRAWERS.get(source)
    return None if drawer is None else await drawer(session, school_id, key, language)


async def enqueue_notice(
    session: AsyncSession,
    school_id: int,
    audience: Audience,
    kind: str,
    text: str,
    *,
    urgent: bool = False,
    requires_ack: bool = True,
    not_before: datetime | None = None,
    media: tuple[str, str] | None = None,
    created_by: int | None = None,
    report_to: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """Store a notice and its deliveries in the caller's transaction; return the notice.

    `text` is Telegram HTML, already escaped by the caller. `media` is ("photo" or "document",
    file_id), or `stored_document(file)` for a file the database keeps. A blocked account gets
    its row already marked unreachable, so reports count it. `report_to` is the chat that gets
    the delivery report (bot/delivery/report.py).
    """
    _check_media(media)
    now = now or datetime.now(UTC)
    recipients = await resolve(session, school_id, audience)
    notice = Notice(
        school_id=school_id,
        kind=kind,
        urgent=urgent,
        requires_ack=requires_ack,
        text=text,
        media_kind=media[0] if media else None,
        media_file=media[1] if media else None,
        created_by=created_by,
        not_before=not_before,
        audience=audience.describe() | {"not_linked": recipients.not_linked},
        report_chat_id=report_to,
        created_at=now,  # by the bot's clock: the report names when it was queued
    )
    session.add(notice)
    await session.flush()
    due = max(now, not_before) if not_before else now
    rows = [
        delivery_row(school_id, notice.id, account, chat, state, urgent=urgent, due=due)
        for account, (chat, state) in sorted(recipients.accounts.items())
    ]
    if rows:
        await session.execute(insert(Delivery), rows)
    return notice


def _check_media(media: tuple[str, str] | None) -> None:
    if media is not None and media[0] not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {media[0]!r}")
    if media is not None and media[0] == STORED:
        _stored_source(media[1])  # a bad reference fails here, not at every sending


def delivery_row(
    school_id: int,
    notice_id: int,
    account: int,
    chat: int,
    state: AccountState,
    *,
    urgent: bool,
    due: datetime,
) -> dict[str, object]:
    """One delivery row: queued for a linked account, already unreachable for a blocked one."""
    linked = state == AccountState.LINKED
    return {
        "school_id": school_id,
        "notice_id": notice_id,
        "account_id": account,
        "chat_id": chat,
        "urgent": urgent,
        "state": DeliveryState.QUEUED if linked else DeliveryState.UNREACHABLE,
        "attempts": 0,
        "due_at": due,
        "message_ids": [],
        "error": None if linked else "blocked",
    }


@dataclass(frozen=True, slots=True)
class Draft:
    """One pupil's own notice in a bulk send: the text, its translations and extra buttons."""

    kind: str
    text: str
    ref: str
    translations: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    urgent: bool = False
    requires_ack: bool = True


@dataclass(slots=True)
class BulkOutcome:
    """What a bulk send stored: notices and deliveries per pupil, and pupils nobody reaches."""

    notices: dict[int, int] = field(default_factory=dict)  # pupil -> notice id
    deliveries: dict[int, int] = field(default_factory=dict)  # pupil -> rows queued
    not_linked: list[int] = field(default_factory=list)  # pupils with no linked guardian


async def enqueue_per_pupil(
    session: AsyncSession,
    school_id: int,
    drafts: Mapping[int, Draft],
    *,
    created_by: int | None = None,
    now: datetime | None = None,
) -> BulkOutcome:
    """Store one notice per pupil for that pupil's guardians, in a fixed number of statements.

    Each draft's `ref` must be unique: the notices are found again by it, so that a whole
    school's weekly notices cost the same few queries as one class's.
    """
    now = now or datetime.now(UTC)
    outcome = BulkOutcome()
    if not drafts:
        return outcome
    reach = await guardians_reached(session, school_id, list(drafts))
    outcome.not_linked = [pupil for pupil in drafts if pupil not in reach]
    notice_rows: list[dict[str, Any]] = [
        {
            "school_id": school_id,
            "kind": draft.kind,
            "urgent": draft.urgent,
            "requires_ack": draft.requires_ack,
            "text": draft.text,
            "created_by": created_by,
            "audience": Audience.student(pupil).describe(),
            "translations": draft.translations,
            "buttons": [list(button) for button in draft.buttons],
            "ref": draft.ref,
            "created_at": now,  # by the bot's clock, as enqueue_notice
        }
        for pupil, draft in drafts.items()
        if pupil in reach
    ]
    if not notice_rows:
        return outcome
    await session.execute(insert(Notice), notice_rows)
    by_ref = {draft.ref: pupil for pupil, draft in drafts.items()}
    found = await session.execute(
        select(Notice.id, Notice.ref).where(
            Notice.school_id == school_id, Notice.ref.in_([row["ref"] for row in notice_rows])
        )
    )
    for notice_id, ref in found:
        outcome.notices[by_ref[str(ref)]] = notice_id
    delivery_rows = [
        delivery_row(
            school_id, notice_id, account, chat, state, urgent=drafts[pupil].urgent, due=now
        )
        for pupil, notice_id in outcome.notices.items()
        for account, (chat, state) in sorted(reach[pupil].items())
    ]
    outcome.deliveries = {pupil: len(reach[pupil]) for pupil in outcome.notices}
    await session.execute(insert(Delivery), delivery_rows)
    return outcome


async def enqueue_news(
    session: AsyncSession,
    school_id: int,
    audience: Audience,
    kind: str,
    texts: Mapping[str, str],
    *,
    buttons: Sequence[tuple[str, ...]] = (),
    media: tuple[str, str] | None = None,
    created_by: int | None = None,
    now: datetime | None = None,
    kept_until: datetime | None = None,
) -> Notice:
    """Queue news of a step for the people it concerns, in the step's own transaction.

    For a request's path (a decision to the teacher, a change to make to the administrators, a
    leave decision to the parent): what others learn must not depend on anything that happens
    after the step is stored, such as an edit of the pressed message. `texts` is the HTML by
    language code ("vi" is the default; with `media` it is the caption); `buttons` are (label
    msgid, callback data) pairs, or with a third element, the button's colour ("success",
    "danger": the Bot API's InlineKeyboardButton.style). The news answers something a person
    waits for, not a broadcast: it goes at once (urgent, so quiet hours do not hold it, as they
    did not when it was sent directly) and has no receipt button. With `kept_until`, people the
    audience reaches who link before that moment get it too (bot/delivery/kept.py): for what is
    addressed to a role nobody holds in the bot yet.
    """
    notice = await enqueue_notice(
        session,
        school_id,
        audience,
        kind,
        texts.get("vi") or next(iter(texts.values())),
        urgent=True,
        requires_ack=False,
        media=media,
        created_by=created_by,
        now=now,
    )
    notice.translations = dict(texts)
    notice.buttons = [list(button) for button in buttons]
    notice.kept_until = kept_until  # for those the audience reaches who join later
    return notice


def stored_document(file: CorrectionFile) -> tuple[str, str]:
    """The `media` of a notice that sends this kept file (flushed: it needs its id).

    The dispatcher reads the file's name and bytes when it sends, so the notice holds only a
    reference and every retry sends the same file.
    """
    if file.id is None:
        raise ValueError("a stored document needs a flushed row")
    return STORED, f"correction_file:{file.id}"


def _stored_source(reference: str) -> tuple[type[CorrectionFile], int]:
    source, _, number = reference.partition(":")
    table = STORED_SOURCES.get(source)
    if table is None or not number.isdigit():
        raise ValueError(f"unknown stored document {reference!r}")
    return table, int(number)


async def read_stored(
    session: AsyncSession, school_id: int, reference: str
) -> tuple[str, bytes] | None:
    """The file name and bytes of a stored document of this school; None if it is gone."""
    table, number = _stored_source(reference)
    row = (
        await session.execute(
            select(table.name, table.content).where(
                table.id == number, table.school_id == school_id
            )
        )
    ).first()
    return None if row is None else (row[0], row[1])
