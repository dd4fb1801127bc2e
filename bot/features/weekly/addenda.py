"""After a class's week went out, what changes still reaches the families: a short addendum.

A comment added or corrected, an absence entered or changed, or the class-wide note rewritten
after the notice went out is stored like any other, and the family is sent the part as it now
reads ("Bổ sung sổ liên lạc tuần 13"), under the school's and the teacher's names. An addendum
waits `DELAY` in the outbox, so a teacher who corrects twice in a row sends the family one
addendum: a newer one of the same part replaces one not sent yet. Nothing is sent when the part
reads as the family was last told. A pupil who got no notice (held back for want of a comment)
gets the week's notice itself once the homeroom comment is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, translator
from bot.delivery.audience import guardians_reached
from bot.delivery.outbox import REPLY, Audience, enqueue_notice, enqueue_per_pupil
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly.notice_text import (
    HEALTH_PART,
    HOMEROOM_PART,
    NOTE_PART,
    ClassBatch,
    PupilWeek,
    addendum,
    as_told,
    buttons,
)
from bot.features.weekly.notices import KIND, draft_for, gather, ref, sent_at
from bot.features.weekly.rules import Told
from storage.models import Delivery, DeliveryState, Notice

ADDENDUM = "weekly_addendum"
DELAY = timedelta(minutes=10)


def addendum_ref(week: TeachingWeek, class_id: int, pupil_id: int | None, part: str) -> str:
    """An addendum's ref: weekly+:<Monday>:<class id>:<pupil id, "all" for the class>:<part>,
    the notice's own ref with the part added."""
    who = "all" if pupil_id is None else str(pupil_id)
    return f"weekly+:{week.start.isoformat()}:{class_id}:{who}:{part}"


async def tell_changes(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    class_id: int,
    pupils: Iterable[int],
    part: str,
    now: datetime,
) -> dict[int, Told]:
    """Tell these pupils' families what a change of one part of their week now says, if the
    class's week went out already; per pupil, what was done."""
    wanted = list(pupils)
    if await sent_at(session, class_id, week) is None:
        return dict.fromkeys(wanted, Told.NOT_SENT)
    batches = await gather(session, school_id, week, [class_id])
    by_id = {pupil.student_id: pupil for batch in batches for pupil in batch.pupils}
    told: dict[int, Told] = {}
    for student_id in wanted:
        pupil = by_id.get(student_id)
        if pupil is None:  # no longer studying in the class
            told[student_id] = Told.NOTHING
            continue
        told[student_id] = await _tell_pupil(session, school_id, batches[0], week, pupil, part, now)
    return told


async def _tell_pupil(
    session: AsyncSession,
    school_id: int,
    batch: ClassBatch,
    week: TeachingWeek,
    pupil: PupilWeek,
    part: str,
    now: datetime,
) -> Told:
    notice_ref = ref(week.start, batch.class_id, pupil.student_id)
    had_notice = await session.scalar(
        select(Notice.id).where(
            Notice.school_id == school_id, Notice.kind == KIND, Notice.ref == notice_ref
        )
    )
    if had_notice is None:
        if part != HOMEROOM_PART or not pupil.homeroom:
            return Told.NOTHING  # still held back (or unreachable): the notice carries it later
        outcome = await enqueue_per_pupil(
            session, school_id, {pupil.student_id: draft_for(pupil, batch, week)}, now=now
        )
        return Told.NOTICE if outcome.notices else Told.NOBODY
    if not await guardians_reached(session, school_id, [pupil.student_id]):
        return Told.NOBODY
    reference = addendum_ref(week, batch.class_id, pupil.student_id, part)
    await drop_unsent(session, school_id, reference)
    now_reads = as_told(pupil, batch, part, translator("vi"))
    # The nurse's note reads the same line whatever it says (its text is behind the button):
    # the health feature calls this only when the note's text changed.
    if part != HEALTH_PART and await _as_told(
        session, school_id, [notice_ref, reference], now_reads
    ):
        return Told.NOTHING
    audience = Audience.student(pupil.student_id)
    await _queue(session, school_id, audience, batch, week, pupil, part, now)
    return Told.ADDENDUM


async def tell_note(
    session: AsyncSession, school_id: int, week: TeachingWeek, class_id: int, now: datetime
) -> Told:
    """Tell every family of the class the class-wide note as it now reads, if the week went
    out already."""
    if await sent_at(session, class_id, week) is None:
        return Told.NOT_SENT
    (batch,) = await gather(session, school_id, week, [class_id])
    if not batch.note:
        return Told.NOTHING
    reference = addendum_ref(week, class_id, None, NOTE_PART)
    await drop_unsent(session, school_id, reference)
    told = [reference, *(ref(week.start, class_id, p.student_id) for p in batch.pupils[:1])]
    if await _as_told(session, school_id, told, as_told(None, batch, NOTE_PART, translator("vi"))):
        return Told.NOTHING
    audience = Audience.classes(class_id)
    await _queue(session, school_id, audience, batch, week, None, NOTE_PART, now)
    return Told.ADDENDUM


async def _queue(
    session: AsyncSession,
    school_id: int,
    audience: Audience,
    batch: ClassBatch,
    week: TeachingWeek,
    pupil: PupilWeek | None,
    part: str,
    now: datetime,
) -> None:
    """Queue the addendum of one part, due after `DELAY`, Vietnamese first."""
    texts = {
        language: addendum(pupil, batch, week, part, translator(language)) for language in LANGUAGES
    }
    default = texts.pop("vi")
    notice = await enqueue_notice(
        session, school_id, audience, ADDENDUM, default, not_before=now + DELAY, now=now
    )
    notice.translations = texts
    if pupil is None:
        notice.buttons = []
    elif part == HEALTH_PART:  # the note opens behind its button, as in the notice
        notice.buttons = [list(pair) for pair in buttons(pupil)]
    else:
        notice.buttons = [list(REPLY)]
    pupil_id = pupil.student_id if pupil is not None else None
    notice.ref = addendum_ref(week, batch.class_id, pupil_id, part)


async def drop_unsent(session: AsyncSession, school_id: int, reference: str) -> None:
    """Take back the deliveries of this addendum not sent yet: a newer one replaces them."""
    ids = list(
        await session.scalars(
            select(Notice.id).where(
                Notice.school_id == school_id, Notice.kind == ADDENDUM, Notice.ref == reference
            )
        )
    )
    if not ids:
        return
    await session.execute(
        delete(Delivery).where(Delivery.notice_id.in_(ids), Delivery.state == DeliveryState.QUEUED)
    )
    left = set(await session.scalars(select(Delivery.notice_id).where(Delivery.notice_id.in_(ids))))
    gone = [notice for notice in ids if notice not in left]
    if gone:
        await session.execute(delete(Notice).where(Notice.id.in_(gone)))


async def _as_told(session: AsyncSession, school_id: int, refs: list[str], now_reads: str) -> bool:
    """Whether the family was last told this part as it now reads (the newest of these)."""
    last = await session.scalar(
        select(Notice.text)
        .where(Notice.school_id == school_id, Notice.ref.in_(refs))
        .order_by(Notice.id.desc())
        .limit(1)
    )
    return last is not None and f"\n{now_reads}\n" in f"\n{last}\n"
