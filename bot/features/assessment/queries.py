"""The assessment book: periodic results per pupil, the principal's locks, deadlines, publication.

The rules themselves (levels, scores, the test matrix, the end-of-year outcome) are in
`assessment_rules`; this module stores and reads them. Items are (kind, code): a subject's level,
a subject's test score, or a quality's or competence's level.

Locks (domain-vn.md section 0): the principal locks and unlocks a period for the school, a grade
or a class; the most specific lock wins. Once locked, a result changes only through a correction
request, and an applied correction locks its item again ("relocked") even where the period is
open, until the principal unlocks that scope again.

Deadlines: the last day for correction requests of a period is a school setting; by default it
is one week before the end-of-term test that follows the period (see `default_deadline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, Translator
from bot.core.labels import ASSESSMENT_KIND_LABELS
from bot.features.assessment.rules import (
    PERIOD_NAMES,
    QUALITIES,
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
    YearEnd,
    has_test,
    parse_quality_level,
    parse_score,
    parse_subject_level,
    subjects_taught,
)
from bot.features.calendar.queries import Calendar, school_year_start
from storage.models import (
    AssessmentKind,
    AssessmentLock,
    AssessmentPeriod,
    AssessmentResult,
    SchoolClass,
)
from storage.queries import audit
from storage.subjects import subject_name

SCHOOL = "school"


def school_year_of(day: date) -> str:
    """The school year a day belongs to, as schools write it: "2026-2027" (it turns in August)."""
    start = school_year_start(day).year
    return f"{start}-{start + 1}"


@dataclass(frozen=True, slots=True, order=True)
class Item:
    """One entry of a pupil's periodic results."""

    kind: AssessmentKind
    code: str

    @property
    def key(self) -> str:
        """A short stable text form, for callback data and drafts: "score.TOAN"."""
        return f"{self.kind.value}.{self.code}"

    @classmethod
    def from_key(cls, key: str) -> Item | None:
        """The item of `key`, or None when it is not one."""
        kind, _dot, code = key.partition(".")
        try:
            item = cls(AssessmentKind(kind), code)
        except ValueError:
            return None
        known = QUALITIES if item.kind is AssessmentKind.QUALITY else _SUBJECT_CODES
        return item if code in known else None

    def name(self, _: Translator) -> str:
        """ "Toán — điểm kiểm tra", "Toán — mức đạt được", "Trung thực"."""
        if self.kind is AssessmentKind.QUALITY:
            return QUALITIES[self.code]
        return _("{subject} — {what}").format(
            subject=subject_name(self.code), what=_(ASSESSMENT_KIND_LABELS[self.kind].chat)
        )


_SUBJECT_CODES = frozenset(code for grade in (1, 2, 3, 4, 5) for code in subjects_taught(grade))


def items_for(grade: int, period: Period) -> list[Item]:
    """Every item of a pupil of `grade` at `period`: levels, the scores tested, the qualities."""
    items: list[Item] = []
    for code in subjects_taught(grade):
        items.append(Item(AssessmentKind.LEVEL, code))
        if has_test(code, grade, period):
            items.append(Item(AssessmentKind.SCORE, code))
    items.extend(Item(AssessmentKind.QUALITY, code) for code in QUALITIES)
    return items


def parse_value(item: Item, text: str, *, grade: int, period: Period) -> str:
    """The stored form of a value typed or chosen for `item`; RuleError when it is not valid."""
    if item.kind is AssessmentKind.SCORE:
        return str(parse_score(text, item.code, grade, period))
    if item.kind is AssessmentKind.LEVEL:
        if item.code not in subjects_taught(grade):
            raise RuleError(
                N_("{subject} is not taught in grade {grade}."),
                subject=subject_name(item.code),
                grade=grade,
            )
        return parse_subject_level(text).value
    return parse_quality_level(text).value


def value_text(item: Item, value: str | None, _: Translator) -> str:
    """A stored value as people read it: "Hoàn thành tốt", "8", "Đạt"; "—" when there is none."""
    if value is None:
        return "—"
    if item.kind is AssessmentKind.SCORE:
        return value
    if item.kind is AssessmentKind.LEVEL:
        return _(SUBJECT_LEVEL_NAMES[SubjectLevel(value)])
    return _(QUALITY_LEVEL_NAMES[QualityLevel(value)])


def period_name(period: Period | str, _: Translator) -> str:
    """ "Giữa học kì I" and so on."""
    return _(PERIOD_NAMES[Period(period)])


# The book --------------------------------------------------------------------------------------


async def pupil_results(
    session: AsyncSession, student_id: int, school_year: str, period: Period
) -> dict[Item, AssessmentResult]:
    """A pupil's results of one period, by item."""
    rows = await session.scalars(
        select(AssessmentResult).where(
            AssessmentResult.student_id == student_id,
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
        )
    )
    return {Item(row.kind, row.item): row for row in rows}


async def class_results(
    session: AsyncSession, class_id: int, school_year: str, period: Period
) -> dict[int, dict[Item, str]]:
    """A class's results of one period: values by item, by pupil."""
    rows = await session.scalars(
        select(AssessmentResult).where(
            AssessmentResult.class_id == class_id,
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
        )
    )
    book: dict[int, dict[Item, str]] = {}
    for row in rows:
        book.setdefault(row.student_id, {})[Item(row.kind, row.item)] = row.value
    return book


async def record(
    session: AsyncSession,
    *,
    school_id: int,
    student_id: int,
    class_id: int,
    school_year: str,
    period: Period,
    values: Mapping[Item, str | None],
    by: int | None,
    relock: bool = False,
) -> dict[Item, tuple[str | None, str | None]]:
    """Store a pupil's values (None removes one); return what changed, as (old, new) by item.

    Checks nothing: callers check locks and values first.
    """
    current = await pupil_results(session, student_id, school_year, period)
    changed: dict[Item, tuple[str | None, str | None]] = {}
    for item, value in values.items():
        row = current.get(item)
        old = row.value if row is not None else None
        if value is None:
            if row is not None:
                await session.delete(row)
                changed[item] = (old, None)
            continue
        if row is None:
            row = AssessmentResult(
                school_id=school_id,
                student_id=student_id,
                class_id=class_id,
                school_year=school_year,
                period=period.value,
                kind=item.kind,
                item=item.code,
                value=value,
                updated_by=by,
            )
            session.add(row)
        elif old != value:
            row.value = value
            row.updated_by = by
        if relock:
            row.relocked = True
        if old != value:
            changed[item] = (old, value)
    await session.flush()
    return changed


def year_end_of(values: Mapping[Item, str], grade: int) -> YearEnd:
    """The end-of-year record (the outcome's inputs) from a pupil's CN values."""
    levels: dict[str, SubjectLevel] = {}
    qualities: dict[str, QualityLevel | None] = {}
    scores: dict[str, int] = {}
    for item, value in values.items():
        if item.kind is AssessmentKind.LEVEL:
            levels[item.code] = SubjectLevel(value)
        elif item.kind is AssessmentKind.SCORE:
            scores[item.code] = int(value)
        else:
            qualities[item.code] = QualityLevel(value)
    return YearEnd(grade, levels, qualities, scores)


def outcome_or_none(values: Mapping[Item, str], grade: int) -> str | None:
    """The end-of-year outcome's code, or None while the CN record is incomplete."""
    try:
        return year_end_of(values, grade).outcome().value
    except RuleError:
        return None


# Locks -----------------------------------------------------------------------------------------


def scopes_of(klass: SchoolClass) -> tuple[str, str, str]:
    """A class's lock scopes, most specific first."""
    return (f"class:{klass.id}", f"grade:{klass.grade}", SCHOOL)


async def is_locked(
    session: AsyncSession, school_id: int, school_year: str, period: Period, klass: SchoolClass
) -> bool:
    """Whether the period is locked for this class (the most specific lock wins)."""
    scopes = scopes_of(klass)
    rows = await session.scalars(
        select(AssessmentLock).where(
            AssessmentLock.school_id == school_id,
            AssessmentLock.school_year == school_year,
            AssessmentLock.period == period.value,
            AssessmentLock.scope.in_(scopes),
        )
    )
    found = {row.scope: row.locked for row in rows}
    return next((found[scope] for scope in scopes if scope in found), False)


async def item_locked(
    session: AsyncSession,
    school_id: int,
    school_year: str,
    period: Period,
    klass: SchoolClass,
    result: AssessmentResult | None,
) -> bool:
    """Whether one item may change only through a correction request."""
    if result is not None and result.relocked:
        return True
    return await is_locked(session, school_id, school_year, period, klass)


async def set_lock(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    scope: str,
    locked: bool,
    by: int | None,
    actor: str,
) -> None:
    """Lock or unlock a period for a scope; unlocking also opens items a correction relocked.

    A school-wide change replaces the grades' and classes' own locks, and a grade's its
    classes', so that what the principal just said holds everywhere in the scope.
    """
    rows = list(
        await session.scalars(
            select(AssessmentLock).where(
                AssessmentLock.school_id == school_id,
                AssessmentLock.school_year == school_year,
                AssessmentLock.period == period.value,
            )
        )
    )
    classes = await _classes_in(session, school_id, scope)
    covered = {scope} | {f"class:{c.id}" for c in classes}
    if scope == SCHOOL:
        covered |= {row.scope for row in rows}
    for row in rows:
        if row.scope in covered and row.scope != scope:
            await session.delete(row)
    mine = next((row for row in rows if row.scope == scope), None)
    before = None if mine is None else mine.locked
    if mine is None:
        session.add(
            AssessmentLock(
                school_id=school_id,
                school_year=school_year,
                period=period.value,
                scope=scope,
                locked=locked,
                set_by=by,
            )
        )
    else:
        mine.locked = locked
        mine.set_by = by
    if not locked and classes:
        await session.execute(
            update(AssessmentResult)
            .where(
                AssessmentResult.school_year == school_year,
                AssessmentResult.period == period.value,
                AssessmentResult.class_id.in_([c.id for c in classes]),
            )
            .values(relocked=False)
        )
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.lock" if locked else "assessment.unlock",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}:{scope}",
        before={"locked": before},
        after={"locked": locked},
    )
    await session.flush()


async def _classes_in(session: AsyncSession, school_id: int, scope: str) -> list[SchoolClass]:
    query = select(SchoolClass).where(SchoolClass.school_id == school_id)
    kind, _sep, value = scope.partition(":")
    if kind == "grade":
        query = query.where(SchoolClass.grade == int(value))
    elif kind == "class":
        query = query.where(SchoolClass.id == int(value))
    return list(await session.scalars(query))


async def lock_table(
    session: AsyncSession, school_id: int, school_year: str
) -> dict[str, dict[str, bool]]:
    """Every explicit lock of a year: {period: {scope: locked}}."""
    rows = await session.scalars(
        select(AssessmentLock).where(
            AssessmentLock.school_id == school_id, AssessmentLock.school_year == school_year
        )
    )
    table: dict[str, dict[str, bool]] = {}
    for row in rows:
        table.setdefault(row.period, {})[row.scope] = row.locked
    return table


# Periods: deadlines and publication -----------------------------------------------------------


def test_week(calendar: Calendar, period: Period) -> int:
    """The teaching week of a period's test by default: mid-term and the week before term ends."""
    first, second = calendar.term1_weeks, calendar.term2_weeks
    return {
        Period.GK1: (first + 1) // 2,
        Period.CK1: first - 1,
        Period.GK2: first + (second + 1) // 2,
        Period.CN: first + second - 1,
    }[period]


def test_day(calendar: Calendar, period: Period) -> date:
    """The Friday of the period's test week (the school can set the deadline itself)."""
    weeks = calendar.weeks()
    number = min(max(test_week(calendar, period), 1), len(weeks))
    return weeks[number - 1].end


def default_deadline(calendar: Calendar, period: Period) -> date:
    """One week before the end-of-term test that follows the period (the schools' rule).

    GK1 closes a week before the CK1 test; CK1 and GK2 a week before the end-of-year test; CN,
    whose test is the last, at the year's last teaching day.
    """
    if period is Period.GK1:
        return test_day(calendar, Period.CK1) - timedelta(days=7)
    if period in (Period.CK1, Period.GK2):
        return test_day(calendar, Period.CN) - timedelta(days=7)
    return calendar.weeks()[-1].end


async def period_row(
    session: AsyncSession, school_id: int, school_year: str, period: Period
) -> AssessmentPeriod:
    """The period's row, created on first use."""
    row = await session.scalar(
        select(AssessmentPeriod).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.period == period.value,
        )
    )
    if row is None:
        row = AssessmentPeriod(school_id=school_id, school_year=school_year, period=period.value)
        session.add(row)
        await session.flush()
    return row


async def deadline(
    session: AsyncSession, school_id: int, school_year: str, period: Period, calendar: Calendar
) -> date:
    """The last day for correction requests of a period: the school's setting or the default."""
    row = await session.scalar(
        select(AssessmentPeriod.deadline).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.period == period.value,
        )
    )
    return row if row is not None else default_deadline(calendar, period)


async def set_deadline(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    day: date | None,
    actor: str,
) -> None:
    """Set (or, with None, reset to the default) the last day for a period's requests."""
    row = await period_row(session, school_id, school_year, period)
    before = row.deadline
    row.deadline = day
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.deadline",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}",
        before={"deadline": _iso(before)},
        after={"deadline": _iso(day)},
    )
    await session.flush()


async def publish(
    session: AsyncSession,
    *,
    school_id: int,
    school_year: str,
    period: Period,
    by: int | None,
    actor: str,
    now: datetime,
) -> bool:
    """Let parents see the period's results; False when it was already published."""
    row = await period_row(session, school_id, school_year, period)
    if row.published_at is not None:
        return False
    row.published_at = now
    row.published_by = by
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="assessment.publish",
        entity="assessment_period",
        entity_id=f"{school_year}:{period.value}",
    )
    await session.flush()
    return True


async def published(session: AsyncSession, school_id: int, school_year: str) -> list[Period]:
    """The periods parents may see, in the year's order."""
    rows = await session.scalars(
        select(AssessmentPeriod.period).where(
            AssessmentPeriod.school_id == school_id,
            AssessmentPeriod.school_year == school_year,
            AssessmentPeriod.published_at.is_not(None),
        )
    )
    done = set(rows)
    return [period for period in Period if period.value in done]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def describe(values: Iterable[tuple[Item, str]], _: Translator) -> list[str]:
    """Lines "Toán — điểm kiểm tra: 8" for a message."""
    return [f"{item.name(_)}: {value_text(item, value, _)}" for item, value in sorted(values)]


def snapshot(changed: Mapping[Item, tuple[str | None, str | None]]) -> dict[str, Any]:
    """What changed, for the audit log."""
    return {item.key: {"old": old, "new": new} for item, (old, new) in changed.items()}
