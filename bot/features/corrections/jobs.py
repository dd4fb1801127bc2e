"""The daily reminder of correction requests that wait: decisions for today's deciding leader
(the principal, or the vice principal during the principal's absence), changes in the official
system for the administrators.

It runs on school days (schedule `correction_reminder`, 07:45 by default), once a day: the
notice's ref "corr_reminder:<date>" tells a second run that today's reminder went already.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import schedules
from bot.core.datefmt import short
from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.calendar.queries import load_calendar
from bot.features.corrections import deciders as absences
from bot.features.corrections import minutes, reads
from bot.features.corrections.chat import signatures
from storage.models import (
    CorrectionRequest,
    CorrectionState,
    Notice,
    Role,
    School,
    Staff,
)
from storage.queries import staff_by_role

KIND = "corr_reminder"
SCHEDULE = "correction_reminder"
WAITING = N_("Correction requests waiting for your decision: {count}")
TO_APPLY = N_("Approved corrections waiting for the change in the official system: {count}")
LINE = N_("{pupil} ({class_name}), {item} ({period}): {old} → {new}, filed on {day}")
DECIDE = N_("Please decide with /duyet.")
APPLY = N_(
    'After the change in the official system, press "Updated in the official system" under '
    "each request (/duyet)."
)


async def _lines(
    session: AsyncSession, requests: list[CorrectionRequest], zone: ZoneInfo, _: Translator
) -> list[str]:
    lines = []
    for request in requests:
        facts = await reads.request_facts(session, request, _)
        item = Item(request.kind, request.item)
        lines.append(
            "• "
            + _(LINE).format(
                pupil=html.escape(facts.pupil),
                class_name=html.escape(facts.class_name),
                item=item.name(_),
                period=assessment.period_name(request.period, _),
                old=assessment.value_text(item, request.old_value, _),
                new=assessment.value_text(item, request.new_value, _),
                day=short(request.created_at.astimezone(zone).date()),
            )
        )
    return lines


async def _queue(
    session: AsyncSession,
    school_id: int,
    staff: list[Staff],
    requests: list[CorrectionRequest],
    title: str,
    closing: str,
    ref: str,
    zone: ZoneInfo,
    now: datetime,
) -> bool:
    if not staff or not requests:
        return False
    texts = {}
    for code in LANGUAGES:
        _ = translator(code)
        lines = [_(title).format(count=len(requests)), *await _lines(session, requests, zone, _)]
        texts[code] = "\n".join([*lines, _(closing)])
    notice = await enqueue_notice(
        session,
        school_id,
        Audience.staff_members(*(s.id for s in staff)),
        KIND,
        texts["vi"],
        requires_ack=False,
        now=now,
    )
    notice.translations, notice.ref = texts, ref
    return True


async def remind_waiting(
    sessions: async_sessionmaker[AsyncSession], school_id: int, now: datetime
) -> int:
    """Queue today's reminders (to the deciders, to the administrators); how many were queued.

    First, the minutes of a request signed by all three but left without them (a crash after
    the third signature) are made (minutes.finish_signed)."""
    await minutes.finish_signed(sessions, school_id, now)
    await minutes.finish_applied(sessions, school_id, now, signatures.ask_signatures)
    async with sessions() as session, session.begin():
        school = await session.get(School, school_id)
        assert school is not None
        zone = ZoneInfo(school.timezone)
        today = now.astimezone(zone).date()
        calendar = await load_calendar(session, school, today)
        if today.weekday() >= 5 or calendar.break_on(today) is not None:
            return 0
        ref = f"{KIND}:{today.isoformat()}"
        done = await session.scalar(
            select(Notice.id).where(Notice.school_id == school_id, Notice.ref.startswith(ref))
        )
        if done is not None:
            return 0
        pending = await reads.waiting(session, school_id, [CorrectionState.PENDING])
        approved = await reads.waiting(session, school_id, [CorrectionState.APPROVED])
        deciders = await absences.deciders(session, school_id, today)
        admins = await staff_by_role(session, school_id, Role.ADMIN)
        queued = await _queue(
            session, school_id, deciders, pending, WAITING, DECIDE, ref, zone, now
        )
        queued_admin = await _queue(
            session, school_id, admins, approved, TO_APPLY, APPLY, f"{ref}:admin", zone, now
        )
    return int(queued) + int(queued_admin)


def register() -> None:
    """Tell the scheduler what the daily reminder does."""
    schedules.register(SCHEDULE, schedules.job(remind_waiting))
