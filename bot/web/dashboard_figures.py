"""The leaders' dashboard's figures, read through the features' own queries (no SQL here) and
laid out as charts (bot/web/charts.py).

- Notices: the weekly notices delivered and marked "Đã xem" per class, summed over the span's
  weeks, and feedback received in the span per topic (answered, open, overdue): read by
  weekly/figures.py, shared with the Saturday summary's photos (weekly/pictures.py).
- Leave requests covering a day of the span, per state.
- Correction requests filed this school year up to the span's end, per month and per teacher.
- Health: each pupil's latest check this school year up to the span's end, per grade, by
  BMI-for-age category and by eyesight (health/screening.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.charts import DARK, GREEN, GREY, ORANGE, RED, Chart, Row, Series
from bot.core.i18n import N_, Translator
from bot.features.corrections.reads import filed_between
from bot.features.health import screening
from bot.features.health.growth import Nutrition
from bot.features.health.notices import NUTRITION_LABELS
from bot.features.leave.queries import state_counts
from bot.features.weekly import figures
from bot.web.dashboard_spans import Span
from storage.models import RequestState

LEAVE_STATES = {
    RequestState.PENDING: N_("Waiting for the teacher"),
    RequestState.APPROVED: N_("Confirmed"),
    RequestState.REJECTED: N_("Refused"),
    RequestState.CANCELLED: N_("Cancelled"),
}
BMI_COLOURS = {
    Nutrition.SEVERE_THINNESS: RED,
    Nutrition.THINNESS: ORANGE,
    Nutrition.NORMAL: GREEN,
    Nutrition.OVERWEIGHT: "#7cacf8",
    Nutrition.OBESITY: "#0842a0",
}
REQUESTS = N_("Requests")
SO_FAR = N_("This school year up to {date}.")


@dataclass(frozen=True, slots=True)
class Asked:
    """What every chart reads: the session, the school, the span, the school year's first day,
    now, the school's zone, the reader's language."""

    session: AsyncSession
    school_id: int
    span: Span
    year_first: date
    now: datetime
    zone: ZoneInfo
    _: Translator


async def notices(a: Asked) -> Chart:
    """Weekly notices delivered and seen, per class."""
    return await figures.notices(a.session, a.school_id, [week.start for week in a.span.weeks], a._)


async def feedback(a: Asked) -> Chart:
    """Feedback received in the span, per topic: answered, open, overdue."""
    return await figures.feedback(a.session, a.school_id, a.span.moments(a.zone), a.now, a._)


async def leave(a: Asked) -> Chart:
    """Leave requests for days of the span, per state."""
    _ = a._
    counts = await state_counts(a.session, a.school_id, a.span.first, a.span.last)
    rows = tuple(
        Row(_(label), (counts.get(state, 0),))
        for state, label in LEAVE_STATES.items()
        if state is not RequestState.CANCELLED or counts.get(state)
    )
    return Chart(
        "leave",
        _("Leave requests"),
        _("State"),
        (Series(_(REQUESTS), DARK),),
        rows,
        note=_("Requests for days in this span."),
    )


async def corrections(a: Asked) -> tuple[Chart, Chart]:
    """Correction requests this school year up to the span's end: per month, per teacher."""
    _, zone = a._, a.zone
    first = datetime.combine(a.year_first, time(), zone)
    filed = await filed_between(a.session, a.school_id, first, a.span.moments(zone)[1])
    months = Counter(created.astimezone(zone).strftime("%Y-%m") for created, _name in filed)
    teachers = Counter(name or _("No longer on the staff list") for _created, name in filed)
    note = _(SO_FAR).format(date=a.span.last.strftime("%d/%m/%Y"))
    series = (Series(_(REQUESTS), DARK),)
    by_month = tuple(
        Row(f"{month[5:]}/{month[:4]}", (count,)) for month, count in sorted(months.items())
    )
    by_teacher = tuple(Row(name, (count,)) for name, count in sorted(teachers.items()))
    return (
        Chart(
            "corr-month",
            _("Correction requests per month"),
            _("Month"),
            series,
            by_month,
            note=note,
        ),
        Chart(
            "corr-teacher",
            _("Correction requests per teacher"),
            _("Teacher"),
            series,
            by_teacher,
            note=note,
        ),
    )


async def health(a: Asked) -> tuple[Chart, Chart]:
    """Each pupil's latest check this school year up to the span's end, per grade."""
    _ = a._
    grades = await screening.per_grade(a.session, a.school_id, a.year_first, a.span.last)
    note = _("Each pupil's latest health check, this school year up to {date}.").format(
        date=a.span.last.strftime("%d/%m/%Y")
    )
    statuses: list[Nutrition | None] = [*Nutrition, None]
    nutrition = Chart(
        "bmi",
        _("Nutrition (BMI for age) per grade"),
        _("Grade"),
        tuple(
            Series(_(NUTRITION_LABELS[s]), BMI_COLOURS[s])
            if s is not None
            else Series(_("No z-score (age outside 5-19 years)"), GREY)
            for s in statuses
        ),
        tuple(
            Row(_("Grade {grade}").format(grade=grade), tuple(found.nutrition[s] for s in statuses))
            for grade, found in grades.items()
        ),
        note=note,
    )
    kinds = (screening.NORMAL, screening.LOW, screening.UNCHECKED)
    eyesight = Chart(
        "eyes",
        _("Eyesight per grade"),
        _("Grade"),
        (
            Series(_("10/10 in both eyes"), GREEN),
            Series(_("Below 10/10"), RED),
            Series(_("Not checked"), GREY),
        ),
        tuple(
            Row(_("Grade {grade}").format(grade=grade), tuple(found.eyesight[k] for k in kinds))
            for grade, found in grades.items()
        ),
        note=note,
    )
    return nutrition, eyesight


async def all_charts(asked: Asked) -> list[Chart]:
    """Every chart of the dashboard, in the page's order."""
    return [
        await notices(asked),
        await feedback(asked),
        await leave(asked),
        *await corrections(asked),
        *await health(asked),
    ]
