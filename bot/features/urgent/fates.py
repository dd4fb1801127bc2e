"""What became of an urgent notice's draft once its preview no longer waits: a late or second
press of "Gửi ngay", "Hẹn giờ gửi", a time or "Hủy" is answered with it (cancelled at a time,
sent to so many families, or scheduled), read from the audit events that keep the preview's
token (queries: session first, never a commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from storage.models import AuditEvent, Notice
from storage.queries import audit

DROPPED = "urgent.cancelled"  # the audit action of a draft cancelled with "Hủy"
SENT = ("urgent.sent", "notice.scheduled")  # queries.py audits a sent draft with its token


@dataclass(frozen=True, slots=True)
class Fate:
    """What became of a draft whose preview no longer waits: cancelled, or sent (urgent, or
    scheduled for `not_before`) to `count` families; `at` is when, by the bot's clock."""

    cancelled: bool
    at: datetime
    count: int = 0
    not_before: datetime | None = None


def dropped(session: AsyncSession, actor: Actor, token: int, now: datetime) -> None:
    """Record that the person cancelled the draft of preview `token` ("Hủy")."""
    audit(
        session,
        school_id=actor.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action=DROPPED,
        entity="notice_draft",
        entity_id=token,
        after={"draft": token, "at": now.isoformat()},
    )


async def fate(session: AsyncSession, actor: Actor, token: int) -> Fate | None:
    """What became of the draft of preview `token` (among the person's last 100 urgent steps);
    None when nothing was done with it (it expired, or another task replaced it)."""
    if not token:
        return None
    rows = await session.execute(
        select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.after)
        .where(
            AuditEvent.school_id == actor.school_id,
            AuditEvent.actor == f"tg:{actor.account.telegram_user_id}",
            AuditEvent.action.in_((*SENT, DROPPED)),
        )
        .order_by(AuditEvent.id.desc())
        .limit(100)
    )
    for action, entity_id, after in rows:
        facts = after or {}
        if facts.get("draft") != token:
            continue
        if action == DROPPED:
            return Fate(True, datetime.fromisoformat(str(facts["at"])))
        notice = await session.get(Notice, int(entity_id)) if entity_id else None
        if notice is not None:
            return Fate(False, notice.created_at, int(facts.get("count") or 0), notice.not_before)
    return None
