"""Writing a week's comments and note, before the notice went out or after it.

Before, a change is simply stored (bot/features/weekly/queries.py). After, it is stored all the
same, and the family is told by an addendum (bot/features/weekly/addenda.py): nothing a teacher
types is refused for coming late. Only the nurse's note (its own flow) and the week's settings
(the hold, removing the note) stay as they were sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly.addenda import tell_changes, tell_note
from bot.features.weekly.notice_text import HOMEROOM_PART, subject_part
from bot.features.weekly.queries import (
    class_week,
    progress,
    pupil_class,
    save_comment,
    save_many,
    save_note,
    upsert_comments,
)
from bot.features.weekly.rules import Saved, Told, clean
from storage.models import CommentKind


async def write_comment(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    week: TeachingWeek,
    text: str,
    *,
    kind: CommentKind = CommentKind.HOMEROOM,
    subject: str = "",
    now: datetime,
) -> tuple[Saved, Told]:
    """Write or replace a pupil's comment for the week; after the notice, the family is told."""
    saved = await save_comment(
        session, actor, student_id, week.start, text, kind=kind, subject=subject
    )
    if saved is not Saved.ALREADY_SENT or kind is CommentKind.HEALTH:
        return saved, Told.NOT_SENT
    class_id = await pupil_class(session, actor.school_id, student_id)
    assert class_id is not None  # save_comment found it
    await upsert_comments(session, actor, {student_id: clean(text)}, week.start, kind, subject)
    part = HOMEROOM_PART if kind is CommentKind.HOMEROOM else subject_part(subject)
    told = await tell_changes(session, actor.school_id, week, class_id, [student_id], part, now)
    return Saved.OK, told[student_id]


async def write_many(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    week: TeachingWeek,
    texts: Mapping[int, str],
    now: datetime,
) -> tuple[Saved, dict[int, Told]]:
    """Write a spreadsheet's homeroom comments, all or nothing; after the notice, the families
    of the pupils whose comment changed are told."""
    saved = await save_many(session, actor, class_id, week.start, texts)
    if saved is not Saved.ALREADY_SENT:
        return saved, {}
    before = {e.student_id: e.comment for e in await progress(session, class_id, week.start)}
    cleaned = {pupil: clean(text) for pupil, text in texts.items()}
    changed = {p: t for p, t in cleaned.items() if t and before.get(p) != t}
    if not changed:
        return Saved.OK, {}
    await upsert_comments(session, actor, changed, week.start, CommentKind.HOMEROOM, "")
    told = await tell_changes(session, actor.school_id, week, class_id, changed, HOMEROOM_PART, now)
    return Saved.OK, told


async def write_note(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    week: TeachingWeek,
    text: str | None,
    now: datetime,
) -> tuple[Saved, Told]:
    """Set the class-wide note (None clears it); after the notice, every family of the class
    gets the new note. A note already sent cannot be taken back."""
    saved = await save_note(session, actor, class_id, week.start, text)
    cleaned = clean(text) if text is not None else ""
    if saved is not Saved.ALREADY_SENT or not cleaned:
        return saved, Told.NOT_SENT
    row = await class_week(session, actor.school_id, class_id, week.start)
    row.note = cleaned
    return Saved.OK, await tell_note(session, actor.school_id, week, class_id, now)
