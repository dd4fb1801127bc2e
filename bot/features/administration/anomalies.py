"""The vice principal's monthly watch over corrections and marks (domain-vn.md section 0).

Three signs, for the principal and vice principal only (never parents: TT27 forbids comparing
pupils, and these figures compare classes): a teacher who files many correction requests in a
month, requests bunched just before their period's deadline, and a teacher's test scores far
from the other classes of the same grade. The thresholds are in rules.py, the report's
text in anomaly_text.py (`report_text`, re-exported here).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.administration.anomaly_text import report_text
from bot.features.administration.rules import (
    ALERT_COUNT,
    ALERT_SETTING,
    BUNCH_MIN,
    AnomalyReport,
    Bunched,
    Filed,
    ScoreGap,
    far_apart,
    frequent,
    in_last_days,
)
from bot.features.assessment.queries import deadline, school_year_of
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

__all__ = ["AnomalyReport", "monthly_report", "report_text"]


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
        frequent(filed, threshold),
        await _bunched(session, school_id, filed, calendar),
        await _score_gaps(session, school_id, school_year_of(last_day)),
    )


async def _filed(
    session: AsyncSession, school: School, first_day: date, last_day: date
) -> list[Filed]:
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
        Filed(staff, name, klass, year, period, created.astimezone(zone).date())
        for staff, name, klass, year, period, created in rows
    ]


async def _bunched(
    session: AsyncSession, school_id: int, filed: list[Filed], calendar: Calendar
) -> tuple[Bunched, ...]:
    deadlines: dict[tuple[str, str], date] = {}
    late: dict[int, list[Filed]] = defaultdict(list)
    for row in filed:
        key = (row.school_year, row.period)
        if key not in deadlines:
            deadlines[key] = await deadline(
                session, school_id, row.school_year, Period(row.period), calendar
            )
        if in_last_days(row.day, deadlines[key]):
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
        means = far_apart(ours, theirs)
        if means is not None:
            mean, others = means
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
