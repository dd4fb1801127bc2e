"""The vice principal's monthly watch over corrections and marks (domain-vn.md section 0).

Three signs, for the principal and vice principal only (never parents: TT27 forbids comparing
pupils, and these figures compare classes): a teacher who files many correction requests in a
month, requests bunched just before their period's deadline, and a teacher's test scores far
from the other classes of the same grade.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.datefmt import short
from bot.core.i18n import Translator
from bot.features.assessment.queries import deadline, period_name, school_year_of
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Calendar
from storage.models import (
    AssessmentKind,
    AssessmentResult,
    CorrectionRequest,
    School,
    SchoolClass,
    Staff,
    TeachingAssignment,
)
from storage.subjects import subject_name

ALERT_SETTING = "correction_alert_count"
ALERT_COUNT = 3  # requests in a month from which a teacher is named, unless the school sets it
BUNCH_DAYS = 3  # a request filed in the 3 days up to and including its period's deadline...
BUNCH_MIN = 2  # ...is bunched when the teacher filed at least two such in the month
SCORE_GAP = 1.5  # points between the mean of a teacher's classes and the rest of the grade
MIN_SCORES = 10  # scores needed on each side, so that a handful of pupils raises no alarm


@dataclass(frozen=True, slots=True)
class Frequent:
    """A teacher with many correction requests in the month, and the classes they were for."""

    staff_id: int
    name: str
    count: int
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bunched:
    """A teacher's requests filed in the last days before their periods' deadlines."""

    staff_id: int
    name: str
    count: int
    deadlines: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class ScoreGap:
    """A teacher's classes whose mean score in a subject is far from the grade's other classes."""

    staff_id: int
    name: str
    subject: str
    grade: int
    period: Period
    classes: tuple[str, ...]
    mean: float
    count: int
    others_mean: float
    others_count: int


@dataclass(frozen=True, slots=True)
class AnomalyReport:
    """The month's three lists; `threshold` is the school's count for naming a teacher."""

    threshold: int
    frequent: tuple[Frequent, ...] = ()
    bunched: tuple[Bunched, ...] = ()
    score_gaps: tuple[ScoreGap, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether nothing stood out."""
        return not (self.frequent or self.bunched or self.score_gaps)


@dataclass(frozen=True, slots=True)
class _Filed:
    staff_id: int
    name: str
    class_name: str
    school_year: str
    period: str
    day: date


async def monthly_report(
    session: AsyncSession, school_id: int, first_day: date, last_day: date, calendar: Calendar
) -> AnomalyReport:
    """The anomalies of the requests filed from `first_day` to `last_day` (school-local days)."""
    school = await session.get(School, school_id)
    assert school is not None
    threshold = int(school.settings.get(ALERT_SETTING, ALERT_COUNT))
    filed = await _filed(session, school, first_day, last_day)
    return AnomalyReport(
        threshold,
        _frequent(filed, threshold),
        await _bunched(session, school_id, filed, calendar),
        await _score_gaps(session, school_id, school_year_of(last_day)),
    )


async def _filed(
    session: AsyncSession, school: School, first_day: date, last_day: date
) -> list[_Filed]:
    zone = ZoneInfo(school.timezone)
    start = datetime.combine(first_day, time(), zone).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(), zone).astimezone(UTC)
    rows = await session.execute(
        select(
            Staff.id,
            Staff.full_name,
            SchoolClass.name,
            CorrectionRequest.school_year,
            CorrectionRequest.period,
            CorrectionRequest.created_at,
        )
        .join(Staff, Staff.id == CorrectionRequest.requested_by)
        .join(SchoolClass, SchoolClass.id == CorrectionRequest.class_id)
        .where(
            CorrectionRequest.school_id == school.id,
            CorrectionRequest.created_at >= start,
            CorrectionRequest.created_at < end,
        )
        .order_by(CorrectionRequest.id)
    )
    return [
        _Filed(staff, name, klass, year, period, created.astimezone(zone).date())
        for staff, name, klass, year, period, created in rows
    ]


def _frequent(filed: list[_Filed], threshold: int) -> tuple[Frequent, ...]:
    counts = Counter(row.staff_id for row in filed)
    names = {row.staff_id: row.name for row in filed}
    classes: dict[int, set[str]] = defaultdict(set)
    for row in filed:
        classes[row.staff_id].add(row.class_name)
    found = [
        Frequent(staff, names[staff], count, tuple(sorted(classes[staff])))
        for staff, count in counts.items()
        if count >= threshold
    ]
    return tuple(sorted(found, key=lambda f: (-f.count, f.name)))


async def _bunched(
    session: AsyncSession, school_id: int, filed: list[_Filed], calendar: Calendar
) -> tuple[Bunched, ...]:
    deadlines: dict[tuple[str, str], date] = {}
    late: dict[int, list[_Filed]] = defaultdict(list)
    for row in filed:
        key = (row.school_year, row.period)
        if key not in deadlines:
            deadlines[key] = await deadline(
                session, school_id, row.school_year, Period(row.period), calendar
            )
        last = deadlines[key]
        if last - timedelta(days=BUNCH_DAYS - 1) <= row.day <= last:
            late[row.staff_id].append(row)
    found = [
        Bunched(
            staff,
            rows[0].name,
            len(rows),
            tuple(sorted({deadlines[(r.school_year, r.period)] for r in rows})),
        )
        for staff, rows in late.items()
        if len(rows) >= BUNCH_MIN
    ]
    return tuple(sorted(found, key=lambda b: (-b.count, b.name)))


async def _latest_period(session: AsyncSession, school_id: int, school_year: str) -> Period | None:
    stored = set(
        await session.scalars(
            select(AssessmentResult.period)
            .where(
                AssessmentResult.school_id == school_id,
                AssessmentResult.school_year == school_year,
                AssessmentResult.kind == AssessmentKind.SCORE,
            )
            .distinct()
        )
    )
    return next((period for period in reversed(Period) if period.value in stored), None)


async def _responsible(
    session: AsyncSession, school_id: int, tested: set[tuple[int, str]]
) -> tuple[dict[tuple[int, str], set[int]], dict[int, str]]:
    """Who answers for each (class, subject): its subject teachers, else the homeroom teacher."""
    names: dict[int, str] = {}
    homeroom: dict[int, int] = {}
    for staff, name, klass in await session.execute(
        select(Staff.id, Staff.full_name, Staff.homeroom_class_id).where(
            Staff.school_id == school_id
        )
    ):
        names[staff] = name
        if klass is not None:
            homeroom[klass] = staff
    taught: dict[tuple[int, str], set[int]] = defaultdict(set)
    for staff, klass, subject in await session.execute(
        select(TeachingAssignment.staff_id, TeachingAssignment.class_id, TeachingAssignment.subject)
        .join(Staff, Staff.id == TeachingAssignment.staff_id)
        .where(Staff.school_id == school_id)
    ):
        taught[(klass, subject)].add(staff)
    for klass, subject in tested:
        if not taught.get((klass, subject)) and klass in homeroom:
            taught[(klass, subject)].add(homeroom[klass])
    return taught, names


async def _score_gaps(
    session: AsyncSession, school_id: int, school_year: str
) -> tuple[ScoreGap, ...]:
    period = await _latest_period(session, school_id, school_year)
    if period is None:
        return ()
    classes = {
        klass: (name, grade)
        for klass, name, grade in await session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.grade).where(
                SchoolClass.school_id == school_id
            )
        )
    }
    scores: dict[tuple[int, str], list[int]] = defaultdict(list)
    for klass, subject, value in await session.execute(
        select(AssessmentResult.class_id, AssessmentResult.item, AssessmentResult.value).where(
            AssessmentResult.school_id == school_id,
            AssessmentResult.school_year == school_year,
            AssessmentResult.period == period.value,
            AssessmentResult.kind == AssessmentKind.SCORE,
        )
    ):
        if value.isdigit() and klass in classes:
            scores[(klass, subject)].append(int(value))
    taught, names = await _responsible(session, school_id, set(scores))
    mine: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    for klass, subject in scores:
        for staff in taught.get((klass, subject), ()):
            mine[(staff, subject, classes[klass][1])].add(klass)
    found = []
    for (staff, subject, grade), own in mine.items():
        ours = [s for klass in own for s in scores[(klass, subject)]]
        theirs = [
            s
            for (klass, item), values in scores.items()
            if item == subject and classes[klass][1] == grade and klass not in own
            for s in values
        ]
        if len(ours) < MIN_SCORES or len(theirs) < MIN_SCORES:
            continue
        mean, others = Fraction(sum(ours), len(ours)), Fraction(sum(theirs), len(theirs))
        if abs(mean - others) >= Fraction(SCORE_GAP):
            found.append(
                ScoreGap(
                    staff,
                    names[staff],
                    subject,
                    grade,
                    period,
                    tuple(sorted(classes[klass][0] for klass in own)),
                    float(mean),
                    len(ours),
                    float(others),
                    len(theirs),
                )
            )
    return tuple(sorted(found, key=lambda g: (g.grade, g.subject, g.name)))


def _decimal(value: float, _: Translator) -> str:
    return format_decimal(value, format="0.0", locale=_.language)


def _bold(text: str) -> str:
    return f"<b>{html.escape(text)}</b>"


def report_text(report: AnomalyReport, month: date, _: Translator) -> str:
    """The leaders' report of `month` (any day of it) as Telegram HTML."""
    lines = [
        _bold(_("Correction anomalies, {month}").format(month=month.strftime("%m/%Y"))),
        "<i>{}</i>".format(html.escape(_("Internal report — not for parents"))),
    ]
    if report.empty:
        lines += ["", html.escape(_("No anomaly this month."))]
        return "\n".join(lines)
    if report.frequent:
        lines += [
            "",
            _bold(
                _("Teachers with {count} or more correction requests:").format(
                    count=report.threshold
                )
            ),
        ]
        lines += [
            "• "
            + html.escape(
                _("{name}: {count} ({classes})").format(
                    name=f.name, count=f.count, classes=", ".join(f.classes)
                )
            )
            for f in report.frequent
        ]
    if report.bunched:
        heading = _("Requests filed in the last {days} days before a period's deadline:")
        lines += ["", _bold(heading.format(days=BUNCH_DAYS))]
        lines += [
            "• "
            + html.escape(
                _("{name}: {count} (deadline {dates})").format(
                    name=b.name, count=b.count, dates=", ".join(short(d) for d in b.deadlines)
                )
            )
            for b in report.bunched
        ]
    if report.score_gaps:
        heading = _("Test scores far from the other classes of the grade ({period}):")
        lines += ["", _bold(heading.format(period=period_name(report.score_gaps[0].period, _)))]
        lines += [_gap_line(gap, _) for gap in report.score_gaps]
        lines.append(
            html.escape(
                _(
                    "A gap of {gap} points or more, with at least {minimum} scores on each side."
                ).format(gap=_decimal(SCORE_GAP, _), minimum=MIN_SCORES)
            )
        )
    return "\n".join(lines)


def _gap_line(gap: ScoreGap, _: Translator) -> str:
    return "• " + html.escape(
        _(
            "{name} — {subject}, {classes}: average {mean} ({count} scores); "
            "other classes of grade {grade}: {others} ({others_count} scores)"
        ).format(
            name=gap.name,
            subject=subject_name(gap.subject),
            classes=", ".join(gap.classes),
            mean=_decimal(gap.mean, _),
            count=gap.count,
            grade=gap.grade,
            others=_decimal(gap.others_mean, _),
            others_count=gap.others_count,
        )
    )
