"""The homeroom teacher's class grid (docs/web.md, "Teacher's grid"): the week being written,
one row per pupil with the comment and the day's two sessions, and the class note.

Reading and saving go through the weekly and attendance features' own views and queries, with
the person's actor, in one web visit per request. Saving is in teacher_save.py, the preview and
"Gửi" in teacher_send.py; the staff's landing page is here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.core.context import Services
from bot.core.datefmt import short, weekday
from bot.core.i18n import N_
from bot.features.attendance.queries import AttendanceSheet, open_sheet
from bot.features.attendance.rules import AttendanceState
from bot.features.calendar.queries import school_calendar
from bot.features.calendar.rules import Calendar, TeachingWeek, week_label
from bot.features.weekly import views
from bot.features.weekly.notice_text import SENT_LINE
from bot.features.weekly.queries import homeroom_class
from bot.features.weekly.wording import PHRASES
from bot.web.family import not_found
from bot.web.render import page
from bot.web.signin import Endpoint, common, sign_in_page
from bot.web.visit import WebVisit, web_visit
from storage.models import CommentKind, Role

NO_WEEK = N_("There is no teaching week ahead in the school calendar.")
STATES = {
    AttendanceState.PRESENT: N_("Present"),
    AttendanceState.EXCUSED: N_("Excused absence"),
    AttendanceState.UNEXCUSED: N_("Unexcused absence"),
}
STAFF_OTHER = N_("For the rest of your work, please use the bot's chat.")
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


@dataclass(frozen=True, slots=True)
class TeacherClass:
    """The class a request is about, the week being written and today, on the bot's clock."""

    class_id: int
    class_name: str
    calendar: Calendar
    today: date
    week: TeachingWeek | None


async def teacher_class(visit: WebVisit) -> TeacherClass | None:
    """The signed-in person's homeroom class (the only class whose grid they see); else None."""
    assert visit.actor is not None
    klass = await homeroom_class(visit.session, visit.actor)
    if klass is None:
        return None
    today = visit.now.astimezone(visit.settings.zone).date()
    calendar = await school_calendar(visit.session, visit.actor.school_id, today)
    return TeacherClass(klass.id, klass.name, calendar, today, calendar.writing_week(today))


def posted_week(mine: TeacherClass, monday: str | None) -> TeachingWeek | None:
    """The week a form was shown for: the week being written, or the one before it (a page left
    open while the week turned: what was typed there belongs to its own week, as in chat)."""
    if mine.week is None or not monday:
        return mine.week
    try:
        asked = date.fromisoformat(monday[:10])
    except ValueError:
        return None
    before = mine.calendar.week_of(mine.week.start - timedelta(days=7))
    for week in (mine.week, before):
        if week is not None and week.start == asked:
            return week
    return None


def school_days(mine: TeacherClass, week: TeachingWeek) -> list[date]:
    """The week's school days up to today: the days whose attendance may be taken."""
    return [day for day in mine.calendar.school_days(week) if day <= mine.today]


def chosen_day(mine: TeacherClass, week: TeachingWeek, asked: str | None) -> date | None:
    """The day of the grid's attendance: the one asked for if it is a school day of the week
    so far, else the last one (today on a school day; Friday on Saturday)."""
    days = school_days(mine, week)
    if asked:
        return next((day for day in days if day.isoformat() == asked[:10]), None)
    return days[-1] if days else None


async def grid_context(
    visit: WebVisit, mine: TeacherClass, week: TeachingWeek, day: date | None
) -> dict[str, Any] | None:
    """Everything the grid page shows; None when the person does not write this class."""
    assert visit.actor is not None
    _ = visit._
    seen = await views.class_page(
        visit.session, visit.actor, mine.class_id, week.start, CommentKind.HOMEROOM
    )
    if seen is None:
        return None
    states = {}
    if day is not None:
        sheet = await open_sheet(visit.session, visit.actor, mine.class_id, day, mine.today)
        if isinstance(sheet, AttendanceSheet):
            states = {row.student_id: row for row in sheet.rows}
    rows = []
    for entry in seen.entries:
        row = states.get(entry.student_id)
        rows.append(
            {
                "id": entry.student_id,
                "label": entry.label or entry.name,
                "comment": entry.comment or "",
                "morning": row.morning.value if row else "",
                "afternoon": row.afternoon.value if row else "",
            }
        )
    return {
        "class_name": mine.class_name,
        "week": week,
        "week_label": week_label(week, _),
        "rows": rows,
        "written": sum(1 for e in seen.entries if e.comment),
        "note": seen.note or "",
        "sent_line": _(SENT_LINE) if seen.sent_at is not None else "",
        "phrases": [_(phrase) for phrase in PHRASES],
        "states": [(state.value, _(label)) for state, label in STATES.items()],
        "day": day,
        "days": [
            (d.isoformat(), f"{weekday(d, _)}, {short(d)[:5]}") for d in school_days(mine, week)
        ],
    }


def teacher_grid(services: Services) -> Endpoint:
    """GET /teacher: the homeroom teacher's grid of the week being written."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            context = await common(visit)
            mine = await teacher_class(visit)
            if mine is None:
                return not_found(visit, context)
            if mine.week is None:
                return page("message.html", visit._, message=visit._(NO_WEEK), **context)
            day = chosen_day(mine, mine.week, request.query_params.get("day"))
            grid = await grid_context(visit, mine, mine.week, day)
            if grid is None:
                return not_found(visit, context)
            return page("teacher.html", visit._, **grid, **context)

    return endpoint


async def staff_home(visit: WebVisit, context: dict[str, Any]) -> Response:
    """The staff's landing page: the class grid for a homeroom teacher, the dashboard for the
    school's leaders, and the chat for everything else."""
    assert visit.actor is not None
    return page(
        "staff.html",
        visit._,
        grid=bool(visit.actor.homeroom_classes),
        dashboard=visit.actor.has(*LEADERS),
        other=visit._(STAFF_OTHER),
        **context,
    )
