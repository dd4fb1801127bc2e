"""Roster and staff imports: all-or-nothing, audited, parsed off the event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from storage.models import RequestState, School, StagedImport
from storage.queries import audit
from storage.roster.headers import ROSTER_HEADERS, ROSTER_REQUIRED, STAFF_HEADERS, STAFF_REQUIRED
from storage.roster.problems import FileRefused, Problem
from storage.roster.roster import Progress, parse_roster
from storage.roster.staff import parse_staff, plan_staff, write_staff
from storage.roster.sync import plan_roster, write_roster
from storage.roster.table import locate, read_rows


@dataclass(slots=True)
class ImportOutcome:
    """What an import did (or would do), or why it was refused."""

    summary: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Tell whether nothing was (or would be) written because of problems."""
        return bool(self.problems)


def detect_kind(path: Path) -> str | None:
    """Tell whether a file is a class roster or a staff list by its header (blocking)."""
    for kind, headers, required in (
        ("roster", ROSTER_HEADERS, ROSTER_REQUIRED),
        ("staff", STAFF_HEADERS, STAFF_REQUIRED),
    ):
        try:
            locate(read_rows(path), headers, required)
        except FileRefused:
            continue
        return kind
    return None


def describe(problem: Problem, _: Translator) -> dict[str, object]:
    """Return a problem as {"row", "column", "reason"} with the reason translated."""
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": _(problem.reason).format(**problem.params),
    }


async def import_roster(
    session: AsyncSession,
    school: School,
    path: Path,
    *,
    today: date,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import a class roster into a school; nothing is written if any row is wrong."""
    try:
        parsed = await asyncio.to_thread(parse_roster, path, today, progress)
    except FileRefused as exc:
        return ImportOutcome(problems=[exc.problem])
    if parsed.problems:
        return ImportOutcome(problems=sorted(parsed.problems, key=_order))
    plan = await plan_roster(session, school.id, parsed)
    if not dry_run:
        await write_roster(session, school.id, plan)
        _audit_import(session, school, actor, "roster.import", plan.summary(), path)
    return ImportOutcome(summary=plan.summary())


async def import_staff(
    session: AsyncSession, school: School, path: Path, *, actor: str, dry_run: bool = False
) -> ImportOutcome:
    """Import a staff list into a school; nothing is written if any row is wrong."""
    try:
        parsed = await asyncio.to_thread(parse_staff, path)
    except FileRefused as exc:
        return ImportOutcome(problems=[exc.problem])
    plan = await plan_staff(session, school.id, parsed)
    problems = parsed.problems + plan.problems
    if problems:
        return ImportOutcome(problems=sorted(problems, key=_order))
    if not dry_run:
        await write_staff(session, school.id, plan)
        _audit_import(session, school, actor, "staff.import", plan.summary(), path)
    return ImportOutcome(summary=plan.summary())


def _audit_import(
    session: AsyncSession,
    school: School,
    actor: str,
    action: str,
    summary: dict[str, dict[str, int]],
    path: Path,
) -> None:
    audit(
        session,
        school_id=school.id,
        actor=actor,
        action=action,
        entity="school",
        entity_id=school.id,
        after=summary,
        note=path.name,
    )


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.row or 0, problem.column or "")


def stage_file(
    session: AsyncSession, school_id: int, account_id: int, kind: str, file_id: str, name: str
) -> StagedImport:
    """Keep a checked file waiting for its sender's confirmation (the caller flushes)."""
    staged = StagedImport(
        school_id=school_id,
        account_id=account_id,
        kind=kind,
        file_id=file_id,
        file_name=name,
        state=RequestState.PENDING,
    )
    session.add(staged)
    return staged


async def staged_file(
    session: AsyncSession, staged_id: int, account_id: int
) -> StagedImport | None:
    """The staged file, locked, if this account staged it; None for anyone else."""
    staged = await session.get(StagedImport, staged_id, with_for_update=True)
    if staged is None or staged.account_id != account_id:
        return None
    return staged
