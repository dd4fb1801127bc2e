"""The checks of the periods (simulation/periods.py, whose docstring states them): `locks`,
`book` (the class summary sheets) and `results`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.core.i18n import Translator, translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.results import NONE_PUBLISHED
from bot.features.assessment.queries.leaders import notice_text
from bot.features.assessment.rules import SUBJECT_LEVEL_NAMES, Period, SubjectLevel
from simulation.invariants import Checks
from simulation.leaders import VI, period_name
from simulation.texts import RANKED
from simulation.town import Town
from simulation.world import vn
from storage.models import AuditEvent, Notice, SchoolClass

if TYPE_CHECKING:
    from simulation.periods import Change, Look, Periods, Sent

AVERAGED = re.compile(r"(?<!\w)(trung bình|average)(?!\w)", re.IGNORECASE)
DONE = {
    "lock": "Locked {period} for {scope}. Changes now go through /suadiem.",
    "unlock": "Unlocked {period} for {scope}. Teachers can send their spreadsheets again.",
    "already-lock": "{period} is already locked for {scope}: nothing changed.",
    "already-unlock": "{period} is already open for {scope}: nothing changed.",
}
PUBLISHED = (
    "Published {period}. {count} parent accounts are being told to use /ketqua.",
    "{period} was already published.",
)
SHEET_LOCKED = (
    "The results of {period} are locked for class {class_name}: nothing was saved. Changes now "
    "go through /suadiem."
)
RECEIVED = (
    "Received the results of {pupils} pupil, {changed} items changed.",
    "Received the results of {pupils} pupils, {changed} items changed.",
)


async def check(periods: Periods, checks: Checks, end: datetime) -> None:
    """The promises of the periods (simulation/periods.py's docstring)."""
    stage = periods.town.stage
    async with stage.sessions() as session:
        events = set(
            await session.execute(
                select(AuditEvent.action, AuditEvent.entity_id).where(
                    AuditEvent.school_id == stage.school_id
                )
            )
        )
        notices = dict(
            (str(ref), int(n))
            for n, ref in await session.execute(
                select(Notice.id, Notice.ref).where(
                    Notice.school_id == stage.school_id,
                    Notice.kind == "assessment_published",
                )
            )
        )
    ids = await class_ids(periods.town)
    for change in periods.changes:
        _change_kept(periods, checks, change, events, ids)
    for sent in periods.sheets:
        _sheet_kept(checks, sent)
    for look in periods.looks:
        _look_kept(periods, checks, look)
    for change in periods.changes:
        if change.what == "publish" and not change.before[1] and change.after[1]:
            _notice_once(periods, checks, change, notices, end)


def _change_kept(
    periods: Periods,
    checks: Checks,
    change: Change,
    events: set[tuple[str, str]],
    ids: dict[str, int],
) -> None:
    """**locks**: the state is what the principal asked and she was told so; the vice
    principal is refused; each change has its audit event."""
    name = period_name(change.period)
    what = f"{change.how} {change.what} of {name} for {change.klass or 'the school'}"
    if change.person is periods.vice:
        if VI("Only the principal can change this.") not in change.told:
            checks.fail("locks", change.at, [change.person], f"{what}: told {change.told!r}")
        if change.after != change.before:
            detail = f"{what} changed the book: {change.before} -> {change.after}"
            checks.fail("locks", change.at, [change.person], detail)
        return
    index = 1 if change.what == "publish" else 0
    wanted = change.what != "unlock"
    if change.after[index] is not wanted:
        detail = f"{what}: the database says {change.after}, told {change.told[:120]!r}"
        checks.fail("locks", change.at, [change.person], detail)
    if not told_done(change):
        checks.fail("locks", change.at, [change.person], f"{what}: told {change.told!r}")
    year = assessment.school_year_of(vn(change.at).date())
    scope = f"class:{ids.get(change.klass or '', 0)}" if change.klass else "school"
    entity = f"{year}:{change.period}" + ("" if change.what == "publish" else f":{scope}")
    if (
        change.before[index] is not change.after[index]
        and (
            f"assessment.{change.what}",
            entity,
        )
        not in events
    ):
        detail = f"{what}: no assessment.{change.what} event for {entity}"
        checks.fail("locks", change.at, [change.person], detail)


def _sheet_kept(checks: Checks, sent: Sent) -> None:
    """**book**: refused as a whole while locked; stored exactly as written while open."""
    name = period_name(sent.period)
    moved = {
        k for k in sent.before.keys() | sent.after.keys() if sent.before.get(k) != sent.after.get(k)
    }
    who = [sent.teacher]
    if sent.locked:
        refusal = VI(SHEET_LOCKED).format(period=name, class_name=sent.klass)
        if refusal not in sent.told:
            detail = f"a {name} sheet of {sent.klass} sent while locked: told {sent.told!r}"
            checks.fail("book", sent.at, who, detail)
        if moved:
            detail = (
                f"a {name} sheet of {sent.klass} sent while locked changed {len(moved)} results"
            )
            checks.fail("book", sent.at, who, detail)
        return
    wrong = {k for k, v in sent.written.cells.items() if sent.after.get(k) != v}
    changed = {k for k, v in sent.written.cells.items() if sent.before.get(k) != v}
    pupils = len({code for code, _key in sent.after})
    told = VI.ngettext(*RECEIVED, pupils).format(pupils=pupils, changed=len(changed))
    if told not in sent.told:
        detail = f"a {name} sheet of {sent.klass} ({len(changed)} changed): told {sent.told!r}"
        checks.fail("book", sent.at, who, detail)
    if wrong or moved - changed:
        detail = (
            f"a {name} sheet of {sent.klass}: {len(wrong)} results not as written, "
            f"{len(moved - changed)} changed that were not written"
        )
        checks.fail("book", sent.at, who, detail)


def _look_kept(periods: Periods, checks: Checks, look: Look) -> None:
    """**results**: what /ketqua showed, against what was published and the book then."""
    _ = translator(look.language)
    seen, who = look.seen, [look.parent]
    pupil = periods.town.school.pupil(look.code)
    if AVERAGED.search(seen.text) or RANKED.search(seen.text):
        checks.fail("results", look.at, who, f"ranked or averaged: {seen.text[:120]!r}")
    if seen.forged and seen.period in look.published:
        return  # (never planned: the period's button is pressed before its publication)
    if seen.period and seen.period not in look.published:
        if seen.text and pupil.name in seen.text:
            detail = f"{seen.period} of {pupil.name} shown before its publication"
            checks.fail("results", look.at, who, detail)
        if _("These results have not been published yet.") not in seen.alert:
            detail = f"an unpublished {seen.period}'s button answered {seen.alert!r}"
            checks.fail("results", look.at, who, detail)
        return
    if seen.offered != look.published:
        detail = f"offered {seen.offered}, published {look.published} ({seen.text[:60]!r})"
        checks.fail("results", look.at, who, detail)
    if not look.published and _(NONE_PUBLISHED) not in seen.text:
        checks.fail("results", look.at, who, f"nothing published: shown {seen.text[:80]!r}")
    if not seen.period:
        return
    if pupil.name not in seen.text or period_name(seen.period, _) not in seen.text:
        detail = f"{seen.period} of {pupil.name}: shown {seen.text[:80]!r}"
        checks.fail("results", look.at, who, detail)
    expected = toan_line(look.book, _)
    if expected and expected not in seen.text:
        shown = seen.text[:200]
        detail = f"{seen.period} of {pupil.name}: the book says “{expected}”, shown {shown!r}"
        checks.fail("results", look.at, who, detail)


def _notice_once(
    periods: Periods, checks: Checks, change: Change, notices: dict[str, int], end: datetime
) -> None:
    """**results**: the publication's notice, once to each guardian reachable then."""
    if change.at > end - timedelta(hours=2):
        return
    stage = periods.town.stage
    year = assessment.school_year_of(vn(change.at).date())
    notice = notices.get(f"assessment:{year}:{change.period}")
    texts = [notice_text(Period(change.period), year, translator(code)) for code in ("vi", "en")]
    for person in periods.town.parents.values():
        copies = [
            d
            for d in stage.log
            if d.chat_id == person.id and not d.edit and any(t in d.text for t in texts)
        ]
        early = [d for d in copies if d.at < change.at]
        if early:
            detail = f"told of the publication of {change.period} before it"
            checks.fail("results", early[0].at, [person], detail)
        if person.id not in change.parents:  # not linked yet when it was published
            continue
        if change.parents[person.id]:  # blocking the bot then
            if len(copies) > 1:
                checks.fail("results", change.at, [person], f"{len(copies)} notices while blocked")
            continue
        in_flight = (person.id, notice) in stage.in_flight_at_kill
        if not copies:
            detail = f"the publication of {change.period} never reached her"
            checks.fail("results", change.at, [person], detail)
        elif len(copies) > 1 and in_flight:
            checks.duplicates += len(copies) - 1
        elif len(copies) > 1:
            detail = f"the publication of {change.period} reached her {len(copies)} times"
            checks.fail("results", change.at, [person], detail)


def told_done(change: Change) -> bool:
    """Whether the principal's answer says her change was made (or already was)."""
    name = period_name(change.period)
    scope = VI("class {name}").format(name=change.klass) if change.klass else None
    scope = scope or VI("the whole school")
    if change.what == "publish":
        return any(
            VI(text).split("{count}")[0].format(period=name) in change.told for text in PUBLISHED
        )
    keys = (change.what, f"already-{change.what}")
    return any(VI(DONE[key]).format(period=name, scope=scope) in change.told for key in keys)


def toan_line(book: dict[str, str], _: Translator) -> str | None:
    """Toán's line of a parent's results, as the book holds it (None if it holds none)."""
    level, score = book.get("level.TOAN"), book.get("score.TOAN")
    if level is None:
        return None
    shown = _(SUBJECT_LEVEL_NAMES[SubjectLevel(level)])
    if score is None:
        return _("{subject}: {level}").format(subject="Toán", level=shown)
    return _("{subject}: {level}, test score {score}").format(
        subject="Toán", level=shown, score=score
    )


async def class_ids(town: Town) -> dict[str, int]:
    stage = town.stage
    async with stage.sessions() as session:
        rows = await session.execute(
            select(SchoolClass.name, SchoolClass.id).where(SchoolClass.school_id == stage.school_id)
        )
        return {str(n): int(i) for n, i in rows}
