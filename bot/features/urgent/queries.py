"""Urgent messages (and class notices scheduled for later): how many families a message
reaches, the draft taken once, the send itself, and "Nhắc lại" to those who have not read it.
Who may send to whom is in bot/features/urgent/rules.py, checked here with the actor."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import pending
from bot.core.access import Actor
from bot.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, translator
from bot.delivery.audience import Audience, resolve
from bot.delivery.outbox import REPLY, enqueue_notice
from bot.features.urgent.rules import (
    ROUTINE_TITLE,
    URGENT_TITLE,
    Draft,
    Remind,
    Signature,
    audience_from,
    may_send,
    reminder_ref,
    signature_of,
    text_problem,
)
from storage.models import (
    Delivery,
    DeliveryState,
    Notice,
    PendingInput,
    School,
    SchoolClass,
    Staff,
)
from storage.queries import audit

PICK, TEXT, CONFIRM = "urgent_pick", "urgent_text", "urgent_confirm"  # pending kinds
KIND, ROUTINE_KIND = "urgent", "notice"


def compose(
    text: str, title: str, signature: Signature | None = None, _: Translator | None = None
) -> str:
    """The message as families get it (Telegram HTML): the bold title, the school and the
    sender, then the escaped text."""
    head = f"<b>{html.escape(title)}</b>"
    if signature is not None and _ is not None:
        head += f"\n{html.escape(signature.school)}\n<i>{html.escape(signature.sender(_))}</i>"
    return f"{head}\n\n{html.escape(text.strip())}" if text.strip() else head


async def signature(session: AsyncSession, actor: Actor) -> Signature:
    """Who the actor's notice is from: the school's name, and the leaders or the teacher."""
    school = await session.get(School, actor.school_id)
    class_name, name = "", ""
    if actor.homeroom_classes:
        names = await class_names(session, actor.school_id, actor.homeroom_classes)
        class_name = ", ".join(names.values())
    if actor.account.staff_id is not None:
        staff = await session.get(Staff, actor.account.staff_id)
        name = staff.full_name if staff is not None else ""
    return signature_of(actor, school.name if school else "", class_name, name)


async def grades(session: AsyncSession, school_id: int) -> list[int]:
    """The grades that have classes in the school."""
    found = await session.scalars(
        select(SchoolClass.grade).where(SchoolClass.school_id == school_id).distinct()
    )
    return sorted(found)


async def class_names(session: AsyncSession, school_id: int, class_ids: Any) -> dict[int, str]:
    """The names of those of these classes that belong to the school."""
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id == school_id, SchoolClass.id.in_(list(class_ids)))
        .order_by(SchoolClass.grade, SchoolClass.name)
    )
    return {class_id: name for class_id, name in rows}


async def audience_label(
    session: AsyncSession, school_id: int, audience: Audience, _: Translator
) -> str:
    """Whom a message is for, in words: the whole school, grade 3, class 1A, 2B."""
    if audience.kind == "school":
        return _("the whole school")
    if audience.kind == "grade":
        return _("grade {grade}").format(grade=", ".join(str(g) for g in audience.ids))
    names = await class_names(session, school_id, audience.ids)
    return _("class {name}").format(name=", ".join(names.values()))


async def reach(session: AsyncSession, school_id: int, audience: Audience) -> tuple[int, int]:
    """How many distinct guardian accounts an audience reaches, and pupils with no linked family."""
    found = await resolve(session, school_id, audience)
    return len(found.accounts), len(found.not_linked)


async def waiting_draft(
    session: AsyncSession, account_id: int, now: datetime, token: int
) -> tuple[Draft | None, bool]:
    """The draft waiting for "Gửi ngay", if the pressed preview shows it; and whether a newer
    draft replaced the pressed one (which then acts on nothing)."""
    row = await pending.peek(session, account_id, now)
    draft = Draft.from_data(row.data) if row is not None and row.kind == CONFIRM else None
    if draft is not None and not draft.shown_by(token):
        return None, True
    return draft, False


async def take_draft(
    session: AsyncSession, account_id: int, now: datetime, token: int = 0
) -> Draft | None:
    """End the person's confirmation wait and return its draft; None if already ended (or
    if the pressed preview showed an older draft)."""
    draft, _replaced = await waiting_draft(session, account_id, now, token)
    if draft is None:
        return None
    # Deleting is the claim: of two presses at once, only one deletes the row.
    result = await session.execute(
        delete(PendingInput).where(
            PendingInput.account_id == account_id, PendingInput.kind == CONFIRM
        )
    )
    return draft if getattr(result, "rowcount", 0) else None


@dataclass(frozen=True, slots=True)
class Sent:
    """A stored notice and how many families it goes to."""

    notice: Notice
    count: int


def _translations(text: str, title: str, signed: Signature) -> dict[str, str]:
    return {
        code: compose(text, translator(code)(title), signed, translator(code)) for code in LANGUAGES
    }


async def _store(
    session: AsyncSession,
    actor: Actor,
    audience: Audience,
    texts: dict[str, str],
    media: tuple[str, str] | None,
    now: datetime,
    *,
    not_before: datetime | None = None,
    report_to: int | None = None,
    ref: str | None = None,
    draft: int = 0,
) -> Sent:
    urgent = not_before is None
    notice = await enqueue_notice(
        session,
        actor.school_id,
        audience,
        KIND if urgent else ROUTINE_KIND,
        texts[DEFAULT_LANGUAGE],
        urgent=urgent,
        media=media,
        created_by=actor.account.id,
        report_to=report_to if report_to is not None else actor.account.chat_id,
        not_before=not_before,
        now=now,
    )
    notice.translations = {code: text for code, text in texts.items() if code != DEFAULT_LANGUAGE}
    notice.ref = ref
    notice.buttons = [list(REPLY)]
    count = await session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.notice_id == notice.id)
    )
    after = {"audience": audience.describe(), "count": int(count or 0), "ref": ref}
    if draft:  # the preview it was sent from, so that its late buttons can tell
        after["draft"] = draft
    if not_before is not None:
        after["not_before"] = not_before.isoformat()
    audit(
        session,
        school_id=actor.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action="urgent.sent" if urgent else "notice.scheduled",
        entity="notice",
        entity_id=notice.id,
        after=after,
    )
    return Sent(notice, int(count or 0))


async def send(
    session: AsyncSession,
    actor: Actor,
    draft: Draft,
    now: datetime,
    *,
    not_before: datetime | None = None,
) -> Sent | None:
    """Queue a draft: urgent now, or as a routine notice at `not_before`; None if refused."""
    problem = text_problem(draft.text, caption=draft.media is not None)
    if not may_send(actor, draft.audience) or problem is not None:
        return None
    if not_before is not None and not_before <= now:
        return None
    title = URGENT_TITLE if not_before is None else ROUTINE_TITLE
    texts = _translations(draft.text, title, await signature(session, actor))
    return await _store(
        session,
        actor,
        draft.audience,
        texts,
        draft.media,
        now,
        not_before=not_before,
        draft=draft.token,
    )


async def unread_accounts(session: AsyncSession, notice_id: int) -> list[int]:
    """The accounts that got the notice and have read neither it nor one of its reminders."""
    read_reminder = (
        select(Delivery.account_id)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Notice.ref == reminder_ref(notice_id), Delivery.read_at.is_not(None))
    )
    found = await session.scalars(
        select(Delivery.account_id)
        .where(
            Delivery.notice_id == notice_id,
            Delivery.state == DeliveryState.SENT,
            Delivery.read_at.is_(None),
            Delivery.account_id.not_in(read_reminder),
        )
        .order_by(Delivery.account_id)
    )
    return list(found)


async def _in_flight(session: AsyncSession, notice_id: int) -> bool:
    reminders = select(Notice.id).where(Notice.ref == reminder_ref(notice_id))
    waiting = await session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(
            (Delivery.notice_id == notice_id) | Delivery.notice_id.in_(reminders),
            Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.SENDING)),
        )
    )
    return bool(waiting)


async def remind_unread(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime
) -> tuple[Remind, Sent | None]:
    """Send an urgent notice again to those who have not read it; only its sender may."""
    original = await session.get(Notice, notice_id)
    if (
        original is None
        or original.school_id != actor.school_id
        or original.created_by != actor.account.id
        or original.kind != KIND
        or original.ref is not None
    ):
        return Remind.NOT_YOURS, None
    audience = audience_from(original.audience)
    if audience is None or not may_send(actor, audience):
        return Remind.NOT_YOURS, None
    if await _in_flight(session, notice_id):
        return Remind.STILL_SENDING, None
    unread = await unread_accounts(session, notice_id)
    if not unread:
        return Remind.ALL_READ, None
    texts = {DEFAULT_LANGUAGE: original.text, **original.translations}
    media = (
        (original.media_kind, original.media_file)
        if original.media_kind and original.media_file
        else None
    )
    sent = await _store(
        session,
        actor,
        Audience.accounts(*unread),
        texts,
        media,
        now,
        report_to=original.report_chat_id,
        ref=reminder_ref(notice_id),
    )
    return Remind.SENT, sent
