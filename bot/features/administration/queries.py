"""The administration's reads and steps: classes in scope, staged lists, revoking accounts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.accounts import queries as accounts
from bot.features.administration import imports, rules
from bot.features.administration.imports import ImportOutcome
from bot.features.administration.rules import Staged
from storage.models import (
    Guardian,
    RequestState,
    School,
    SchoolClass,
    Staff,
    StagedImport,
    TelegramAccount,
)
from storage.queries import accounts_using_phone, school_classes


async def classes_for(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """The classes whose families this person handles (homeroom: theirs; admin: all)."""
    classes = await school_classes(session, actor.school_id)
    return [(i, name) for i, name in classes if rules.handles_class(actor, actor.school_id, i)]


async def class_in_scope(session: AsyncSession, actor: Actor, class_id: int) -> int | None:
    """The class, if this person handles its families; None for anyone else."""
    klass = await session.get(SchoolClass, class_id)
    school_id = klass.school_id if klass is not None else None
    return class_id if rules.handles_class(actor, school_id, class_id) else None


async def check_file(
    session: AsyncSession,
    actor: Actor,
    kind: str,
    path: Path,
    *,
    today: date,
    who: str,
    dry_run: bool,
    now: datetime,
) -> ImportOutcome:
    """Run the roster or staff import on a checked file (as a dry run or for real), at the
    bot's `now` (who left, and when they are told)."""
    school = await session.get(School, actor.school_id)
    assert school is not None
    if kind == "roster":
        return await imports.import_roster(
            session, school, path, today=today, actor=who, dry_run=dry_run
        )
    return await imports.import_staff(session, school, path, actor=who, dry_run=dry_run, now=now)


async def stage(
    session: AsyncSession, actor: Actor, kind: str, file_id: str, name: str
) -> StagedImport:
    """Keep a checked list waiting for its sender's confirmation (flushed: it has its id)."""
    staged = imports.stage_file(session, actor.school_id, actor.account.id, kind, file_id, name)
    await session.flush()
    return staged


@dataclass(frozen=True, slots=True)
class StagedFile:
    """Where a staged list stands for the presser, the file to fetch when it is open, and
    what became of it once handled (imported or cancelled, and when)."""

    state: Staged
    kind: str = ""
    file_id: str = ""
    file_name: str = ""
    outcome: RequestState | None = None
    handled_at: datetime | None = None


def _seen(state: Staged, staged: StagedImport | None) -> StagedFile:
    if state is Staged.NOT_YOURS or staged is None:
        return StagedFile(state)
    return StagedFile(
        state, staged.kind, staged.file_id, staged.file_name, staged.state, staged.handled_at
    )


async def staged_for(session: AsyncSession, actor: Actor, staged_id: int) -> StagedFile:
    """The staged list this person may confirm or cancel now (locked), if any."""
    staged = await imports.staged_file(session, staged_id, actor.account.id)
    return _seen(rules.staged_state(actor, staged), staged)


async def cancel_staged(
    session: AsyncSession, actor: Actor, staged_id: int, now: datetime
) -> StagedFile:
    """Cancel a staged list; nothing is imported. The list as it stood before the press."""
    staged = await imports.staged_file(session, staged_id, actor.account.id)
    seen = _seen(rules.staged_state(actor, staged), staged)
    if seen.state is Staged.OPEN and staged is not None:
        staged.state, staged.handled_at = RequestState.CANCELLED, now
    return seen


async def import_staged(
    session: AsyncSession,
    actor: Actor,
    staged_id: int,
    path: Path,
    *,
    today: date,
    who: str,
    now: datetime,
) -> tuple[StagedFile, ImportOutcome | None]:
    """Import a staged list from its downloaded file, once; a refused file stays staged."""
    staged = await imports.staged_file(session, staged_id, actor.account.id)
    seen = _seen(rules.staged_state(actor, staged), staged)
    if seen.state is not Staged.OPEN or staged is None:
        return seen, None
    outcome = await check_file(
        session, actor, staged.kind, path, today=today, who=who, dry_run=False, now=now
    )
    if not outcome.refused:
        staged.state, staged.handled_at = RequestState.DONE, now
    return seen, outcome


async def accounts_of_phone(
    session: AsyncSession, school_id: int, phone: str
) -> list[tuple[int, str]]:
    """The accounts linked to a phone (a lost one), each with the name on the lists of the
    person it is linked to: what the administrator recognises, not an internal number."""
    found = await accounts_using_phone(session, school_id, phone)
    named = []
    for account in found:
        name = ""
        if account.guardian_id is not None:
            guardian = await session.get(Guardian, account.guardian_id)
            name = (guardian.full_name if guardian else "") or ""
        if not name and account.staff_id is not None:
            staff = await session.get(Staff, account.staff_id)
            name = (staff.full_name if staff else "") or ""
        named.append((account.id, name))
    return named


class Revoked(enum.Enum):
    """What a press on "Revoke" did."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NOT_LINKED = "not_linked"


async def revoke(session: AsyncSession, actor: Actor, account_id: int, who: str) -> Revoked:
    """Revoke an account linked to a lost phone (the administrator, of the same school)."""
    account = await session.get(TelegramAccount, account_id)
    if account is None or not rules.may_revoke(actor, account.school_id):
        return Revoked.NOT_ALLOWED
    if account.guardian_id is None and account.staff_id is None:
        return Revoked.NOT_LINKED
    accounts.unlink(session, account, who, revoke=True)
    return Revoked.DONE
