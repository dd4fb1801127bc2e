"""Saving the class grid: one pupil's row (the comment, the day's two sessions) or the class
note, through the weekly and attendance features' own steps with the person's actor.

The grid's script posts each changed cell as it is typed (`Accept: application/json`: the
answer is {"ok", "message"}, the row shows it); without JavaScript, each row is a plain form and
the answer is the grid again (a refusal keeps the typed text in its box with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.core.context import Services
from bot.core.i18n import N_
from bot.features.attendance.queries import set_state
from bot.features.attendance.rules import AttendanceState
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly import views, writing
from bot.features.weekly.queries import pupil_class
from bot.features.weekly.rules import Saved, Told
from bot.features.weekly.wording import PHRASES, refusal, told_line
from bot.web.family import NOT_FOUND
from bot.web.render import page
from bot.web.security import record_id
from bot.web.signin import FORM_EXPIRED, Endpoint, common
from bot.web.teacher import TeacherClass, grid_context, posted_week, school_days, teacher_class
from bot.web.visit import WebVisit, web_visit
from storage.models import CommentKind, DayPart

SAVED = N_("Saved")
SIGNED_OUT = N_("You are signed out. Please reload the page and sign in again.")
OUTDATED = N_("This page is out of date. Please reload it; what you typed is still in the box.")
PARTS = {"morning": DayPart.MORNING, "afternoon": DayPart.AFTERNOON}


@dataclass(slots=True)
class Posted:
    """A checked form of the grid: whose class, which week, the fields."""

    mine: TeacherClass
    week: TeachingWeek
    form: dict[str, str]


class Refused(Exception):
    """The request changes nothing: the status and what the person reads."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def checked(visit: WebVisit) -> Posted:
    """The posted form, if signed in, with this session's token, by the class's homeroom
    teacher, for the week being written (or the one before); else Refused."""
    _ = visit._
    if visit.actor is None:
        raise Refused(403, _(SIGNED_OUT))
    form = await visit.form_ok()
    if form is None:
        raise Refused(403, _(FORM_EXPIRED))
    mine = await teacher_class(visit)
    if mine is None:
        raise Refused(404, _(NOT_FOUND))
    week = posted_week(mine, form.get("week"))
    if week is None:
        raise Refused(409, _(OUTDATED))
    return Posted(mine, week, form)


async def pupil_of(visit: WebVisit, posted: Posted) -> int:
    """The posted pupil, only if of the teacher's class (any other id reaches nothing)."""
    assert visit.actor is not None
    pupil = record_id(posted.form.get("pupil", ""))
    if pupil is None:
        raise Refused(404, visit._(NOT_FOUND))
    if await pupil_class(visit.session, visit.actor.school_id, pupil) != posted.mine.class_id:
        raise Refused(404, visit._(NOT_FOUND))
    return pupil


async def save_sessions(visit: WebVisit, posted: Posted, pupil: int) -> None:
    """The day's morning and afternoon as posted (the attendance feature's checks and audit;
    after the week's notice, the family's addendum)."""
    assert visit.actor is not None and visit.account is not None
    wanted = {part: posted.form[name] for name, part in PARTS.items() if name in posted.form}
    if not wanted:
        return
    days = {day.isoformat(): day for day in school_days(posted.mine, posted.week)}
    day: date | None = days.get(posted.form.get("day", ""))
    if day is None or any(v not in {s.value for s in AttendanceState} for v in wanted.values()):
        raise Refused(404, visit._(NOT_FOUND))
    for part, value in wanted.items():
        done = await set_state(
            visit.session,
            visit.actor,
            pupil,
            day,
            part,
            AttendanceState(value),
            visit.who,
            today=posted.mine.today,
            now=visit.now,
        )
        if not isinstance(done, AttendanceState):
            raise Refused(404, visit._(NOT_FOUND))


async def save_comment(visit: WebVisit, posted: Posted, pupil: int) -> str:
    """The comment as typed (or the quick phrase chosen); what the family is told, if anything.
    An empty box where nothing was written is no change."""
    assert visit.actor is not None
    _, form = visit._, posted.form
    phrase = form.get("phrase", "")
    if phrase.isdigit() and int(phrase) < len(PHRASES):
        text = _(PHRASES[int(phrase)])
    elif "comment" in form:
        text = form["comment"]
    else:
        return ""
    entry = await views.pupil_entry(
        visit.session, visit.actor, pupil, posted.week.start, CommentKind.HOMEROOM
    )
    if entry is None:
        raise Refused(404, _(NOT_FOUND))
    if not text.strip() and not entry[1].comment:
        return ""
    saved, told = await writing.write_comment(
        visit.session, visit.actor, pupil, posted.week, text, now=visit.now
    )
    if saved is Saved.NOT_ALLOWED:
        raise Refused(404, _(NOT_FOUND))
    if saved is not Saved.OK:
        raise Refused(422, refusal(saved, _))
    name = entry[1].label or entry[1].name
    return told_line(told, name if told is Told.NOBODY else "", _)


def wants_json(request: Request) -> bool:
    """The grid's script asks for JSON; a plain form wants a page."""
    return "application/json" in request.headers.get("accept", "")


async def _grid_again(visit: WebVisit, posted: Posted, refused: Refused, typed: str) -> Response:
    """Without JavaScript: the grid again, the refused text in its box with the reason."""
    mine = posted.mine
    days = {d.isoformat(): d for d in school_days(mine, posted.week)}
    day = days.get(posted.form.get("day", "")) or (max(days.values()) if days else None)
    grid = await grid_context(visit, mine, posted.week, day)
    assert grid is not None
    pupil = posted.form.get("pupil", "")
    for row in grid["rows"]:
        if str(row["id"]) == pupil:
            row["comment"], row["error"] = typed, refused.message
    if pupil == "" and "note" in posted.form:
        grid["note"], grid["note_error"] = typed, refused.message
    return page("teacher.html", visit._, status_code=refused.status, **grid, **await common(visit))


async def answer_refusal(visit: WebVisit, posted: Posted | None, refused: Refused) -> Response:
    """A refusal: JSON for the script; for a form, the grid again or the plain message."""
    if wants_json(visit.request):
        return JSONResponse({"ok": False, "message": refused.message}, status_code=refused.status)
    if posted is not None and refused.status == 422:
        typed = posted.form.get("comment", posted.form.get("note", ""))
        return await _grid_again(visit, posted, refused, typed)
    context = await common(visit)
    return page(
        "message.html", visit._, status_code=refused.status, message=refused.message, **context
    )


def answer_saved(visit: WebVisit, posted: Posted, told: str, anchor: str) -> Response:
    """Saved: JSON for the script; for a form, back to the grid at the row."""
    if wants_json(visit.request):
        return JSONResponse({"ok": True, "message": visit._(SAVED), "told": told})
    day = posted.form.get("day", "")
    query = (
        f"?day={day}"
        if day in {d.isoformat() for d in school_days(posted.mine, posted.week)}
        else ""
    )
    return RedirectResponse(f"{visit.base}/teacher{query}#{anchor}", status_code=303)


def save_row(services: Services) -> Endpoint:
    """POST /teacher/row: one pupil's comment and sessions (whichever were posted)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            posted = None
            try:
                posted = await checked(visit)
                pupil = await pupil_of(visit, posted)
                await save_sessions(visit, posted, pupil)
                told = await save_comment(visit, posted, pupil)
            except Refused as refused:
                return await answer_refusal(visit, posted, refused)
            visit.wake_after = True  # an addendum may be waiting in the outbox
            return answer_saved(visit, posted, told, f"p{pupil}")

    return endpoint


def save_note(services: Services) -> Endpoint:
    """POST /teacher/note: the class-wide note (an empty box removes it, before the notice)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            posted = None
            try:
                posted = await checked(visit)
                assert visit.actor is not None
                text = posted.form.get("note", "")
                saved, told = await writing.write_note(
                    visit.session,
                    visit.actor,
                    posted.mine.class_id,
                    posted.week,
                    text if text.strip() else None,
                    visit.now,
                )
                if saved is not Saved.OK:
                    raise Refused(422, refusal(saved, visit._))
            except Refused as refused:
                return await answer_refusal(visit, posted, refused)
            visit.wake_after = True
            return answer_saved(visit, posted, told_line(told, "", visit._), "note")

    return endpoint
