"""The nurse's class spreadsheet, staged between its upload and "Xác nhận": its class, its
state, and the results stored when the nurse confirms (queries: session first, never a commit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.administration.imports import stage_file, staged_file
from bot.features.health.documents import HealthRow
from bot.features.health.queries import Recorded, record_and_notify
from bot.features.health.rules import may_record
from storage.models import RequestState, StagedImport

SHEET_KIND = "health"  # a staged spreadsheet before its class is known; then "health:<id>"


async def stage_sheet(
    session: AsyncSession, actor: Actor, file_id: str, file_name: str
) -> StagedImport:
    """Keep the nurse's checked spreadsheet until the nurse confirms (its class not yet known)."""
    staged = stage_file(session, actor.school_id, actor.account.id, SHEET_KIND, file_id, file_name)
    await session.flush()
    return staged


async def staged_sheet(
    session: AsyncSession, actor: Actor, staged_id: int, *, class_known: bool
) -> StagedImport | None:
    """The nurse's own staged spreadsheet, locked: waiting for its class, or (`class_known`)
    for the nurse's confirmation; None for anyone else or any other file."""
    if not may_record(actor):
        return None
    staged = await staged_file(session, staged_id, actor.account.id)
    if staged is None:
        return None
    if class_known:
        return staged if checked_class(staged) else None
    return staged if staged.kind == SHEET_KIND else None


def sheet_class_id(staged: StagedImport) -> int:
    """The class a checked spreadsheet is for."""
    return int(staged.kind.split(":")[1])


def sheet_checked(staged: StagedImport, class_id: int) -> None:
    """The spreadsheet was read without a problem for this class: it waits for "Xác nhận"."""
    staged.kind = f"{SHEET_KIND}:{class_id}"


def drop_sheet(staged: StagedImport, now: datetime) -> None:
    """The spreadsheet will not be imported (refused, or cancelled by the nurse at `now`)."""
    staged.state, staged.handled_at = RequestState.CANCELLED, now


def checked_class(staged: StagedImport) -> bool:
    """Whether the spreadsheet was read without a problem for a class (it had "Xác nhận" and
    "Hủy"); a dropped one without was refused for its rows, never cancelled by the nurse."""
    return staged.kind.startswith(SHEET_KIND + ":")


async def record_sheet(
    session: AsyncSession,
    actor: Actor,
    staged: StagedImport,
    rows: Sequence[HealthRow],
    measured_on: date,
    now: datetime,
) -> Recorded:
    """Store a confirmed spreadsheet's results, tell each family, and close the staged file."""
    if staged.state != RequestState.PENDING:
        raise ValueError(f"staged file {staged.id} is {staged.state}")
    recorded = await record_and_notify(
        session, actor, sheet_class_id(staged), rows, measured_on, now
    )
    staged.state, staged.handled_at = RequestState.DONE, now
    return recorded
