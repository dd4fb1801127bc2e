"""Roster and staff imports: all-or-nothing, audited, parsed off the event loop."""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, Translator, translator
from bot.core.problems import describe
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.feedback import follow as feedback_follow
from bot.features.leave import news as leave_news
from storage.models import RequestState, School, Staff, StagedImport, TelegramAccount
from storage.names import class_list_key, split_name
from storage.queries import audit
from storage.roster.headers import ROSTER_HEADERS, ROSTER_REQUIRED, STAFF_HEADERS, STAFF_REQUIRED

__all__ = ["describe", "import_roster", "import_staff"]  # describe: from bot.core.problems
from storage.roster.problems import FileRefused, Problem
from storage.roster.roster import Progress, parse_roster
from storage.roster.staff import Leaving, StaffPlan, parse_staff, plan_staff, write_staff
from storage.roster.sync import plan_roster, write_roster
from storage.roster.table import locate, read_rows

LEFT_KIND = "staff.left"


@dataclass(slots=True)
class ImportOutcome:
    """What an import did (or would do), or why it was refused."""

    summary: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)  # staff who lose their roles, by name

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
    session: AsyncSession,
    school: School,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportOutcome:
    """Import the school's full staff list; nothing is written if any row is wrong.

    A person the list no longer names loses their roles and classes (kept, marked as left),
    each change audited and the person told through the outbox; a dry run names them.
    """
    try:
        parsed = await asyncio.to_thread(parse_staff, path)
    except FileRefused as exc:
        return ImportOutcome(problems=[exc.problem])
    plan = await plan_staff(session, school.id, parsed)
    problems = parsed.problems + plan.problems
    if problems:
        return ImportOutcome(problems=sorted(problems, key=_order))
    if not dry_run:
        now = now or datetime.now(UTC)
        before = await _homerooms(session, school.id)
        await write_staff(session, school.id, plan, now)
        _audit_import(session, school, actor, "staff.import", plan.summary(), path)
        for person in plan.leaving:
            await _staff_left(session, school, plan, person, actor, path, now)
        for class_id, teachers in (await _homerooms(session, school.id)).items():
            if teachers - before.get(class_id, set()):  # a new homeroom teacher
                await leave_news.follow_class(session, school.id, class_id, now)
                await feedback_follow.follow_class(session, school.id, class_id, now)
    leaving = sorted((person.full_name for person in plan.leaving), key=_name_order)
    return ImportOutcome(summary=plan.summary(), leaving=leaving)


async def _staff_left(
    session: AsyncSession,
    school: School,
    plan: StaffPlan,
    person: Leaving,
    actor: str,
    path: Path,
    now: datetime,
) -> None:
    """Audit what a person who left lost, and tell their linked accounts."""
    class_names = {class_id: name for name, class_id in plan.class_ids.items()}
    audit(
        session,
        school_id=school.id,
        actor=actor,
        action="staff.left",
        entity="staff",
        entity_id=person.staff_id,
        before=person.held(class_names),
        after={"left_at": now.isoformat()},
        note=path.name,
    )
    accounts = list(
        await session.scalars(
            select(TelegramAccount.id).where(
                TelegramAccount.school_id == school.id,
                TelegramAccount.staff_id == person.staff_id,
            )
        )
    )
    if not accounts:
        return
    texts = {code: _left_text(person, translator(code)) for code in LANGUAGES}
    notice = await enqueue_notice(
        session,
        school.id,
        Audience.accounts(*accounts),
        LEFT_KIND,
        texts["vi"],
        requires_ack=False,
        now=now,
    )
    notice.translations, notice.ref = texts, f"{LEFT_KIND}:{person.staff_id}"


async def _homerooms(session: AsyncSession, school_id: int) -> dict[int, set[int]]:
    """Each class's homeroom teachers on the lists (staff ids)."""
    rows = await session.execute(
        select(Staff.homeroom_class_id, Staff.id).where(
            Staff.school_id == school_id,
            Staff.left_at.is_(None),
            Staff.homeroom_class_id.is_not(None),
        )
    )
    found: dict[int, set[int]] = {}
    for class_id, staff_id in rows:
        if class_id is not None:
            found.setdefault(class_id, set()).add(staff_id)
    return found


def _left_text(person: Leaving, _: Translator) -> str:
    """The notice to a person the staff list no longer names (HTML)."""
    return _(
        "Dear teacher {name}: the school's new staff list no longer includes you, so this "
        "Telegram account no longer has your roles and can no longer see classes, pupils or "
        "parents' contacts. If this is a mistake, please contact the school's system "
        "administrator."
    ).format(name=html.escape(person.full_name))


def _name_order(name: str) -> tuple[object, ...]:
    return class_list_key(split_name(name))


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
