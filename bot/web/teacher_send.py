""" "Xem trước" and "Gửi" on the class grid, as in chat ("Xem trước và gửi", "Gửi ngay" and its
confirmation): one family's notice as it will read, the counts, and the sending itself through
the weekly feature's own `preview` and `send_week` (refused before the week's last school day).

Each form carries the week it was shown for; only the teacher's own class is ever sent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.core.context import Services
from bot.core.datefmt import local_datetime
from bot.core.i18n import N_
from bot.features.calendar.rules import TeachingWeek, week_label
from bot.features.weekly.jobs import tell_teachers
from bot.features.weekly.notice_text import compose
from bot.features.weekly.notices import Preview, preview, send_week, sent_at
from bot.features.weekly.rules import NotYourClass, Saved, TooEarly
from bot.features.weekly.wording import SENT, confirmation_lines, not_yet, ready_line, refusal
from bot.web.family import not_found
from bot.web.render import page, telegram_html
from bot.web.signin import FORM_EXPIRED, Endpoint, common, sign_in_page
from bot.web.teacher import NO_WEEK, TeacherClass, teacher_class
from bot.web.visit import WebVisit, web_visit

PREVIEW_INTRO = N_("Preview of the notice to one family (each family sees only its own child):")
ON_ITS_WAY = N_(
    "The contact book of {week} for class {class_name} is being sent: the families of {count} "
    "pupils get it now. The summary, with the families not reached, will come in the bot's chat."
)


async def refused_page(
    visit: WebVisit, mine: TeacherClass, week: TeachingWeek, saved: Saved, status: int = 409
) -> Response:
    """Nothing to send: not the person's class, or the week already sent (saying when)."""
    _ = visit._
    context = await common(visit)
    if saved is Saved.NOT_ALLOWED:
        return not_found(visit, context)
    when = await sent_at(visit.session, mine.class_id, week)
    message = refusal(saved, _)
    if saved is Saved.ALREADY_SENT and when is not None:
        time = local_datetime(when, visit.settings.zone, _)
        message = _(SENT).format(week=week_label(week, _), class_name=mine.class_name, time=time)
    return page("teacher_sent.html", _, status_code=status, message=message, **context)


async def too_early(visit: WebVisit, week: TeachingWeek, seen: Preview | TooEarly) -> Response:
    """The week's last school day has not come: nothing about it goes yet."""
    first_day = seen.first_day
    message = not_yet(week, first_day, visit._)
    context = await common(visit)
    return page("teacher_sent.html", visit._, status_code=409, message=message, **context)


async def _opened(visit: WebVisit) -> tuple[TeacherClass, dict[str, Any]] | Response:
    """The teacher's class, or the page that says why there is none."""
    if visit.actor is None:
        return await sign_in_page(visit)
    context = await common(visit)
    mine = await teacher_class(visit)
    if mine is None:
        return not_found(visit, context)
    return mine, context


def shown_week(mine: TeacherClass, monday: str | None) -> TeachingWeek | None:
    """The teaching week a form or link was shown for (its Monday); None if there is none."""
    try:
        asked = date.fromisoformat((monday or "")[:10])
    except ValueError:
        return None
    week = mine.calendar.week_of(asked)
    return week if week is not None and week.start == asked else None


def preview_page(services: Services) -> Endpoint:
    """GET /teacher/preview: one family's notice as it will read, and the counts."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            opened = await _opened(visit)
            if isinstance(opened, Response):
                return opened
            (mine, context), _ = opened, visit._
            if mine.week is None:
                return page("message.html", _, message=_(NO_WEEK), **context)
            assert visit.actor is not None
            seen = await preview(visit.session, visit.actor, mine.week, mine.class_id)
            if isinstance(seen, Saved):
                return await refused_page(visit, mine, mine.week, seen, status=200)
            sample = compose(seen.sample, seen.batch, mine.week, _) if seen.sample else ""
            return page(
                "teacher_preview.html",
                _,
                intro=_(PREVIEW_INTRO),
                notice=telegram_html(sample),
                counts=ready_line(seen, _),
                not_yet=not_yet(mine.week, seen.first_day, _)
                if mine.today < seen.first_day
                else "",
                week=mine.week,
                week_label=week_label(mine.week, _),
                class_name=mine.class_name,
                **context,
            )

    return endpoint


def confirm_page(services: Services) -> Endpoint:
    """GET /teacher/send?week=: what "Gửi ngay" will send, and the question (as in chat)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            opened = await _opened(visit)
            if isinstance(opened, Response):
                return opened
            (mine, context), _ = opened, visit._
            week = shown_week(mine, request.query_params.get("week"))
            if week is None:
                return not_found(visit, context)
            assert visit.actor is not None
            seen = await preview(visit.session, visit.actor, week, mine.class_id)
            if isinstance(seen, Saved):
                return await refused_page(visit, mine, week, seen)
            if mine.today < seen.first_day:
                return await too_early(visit, week, seen)
            lines = confirmation_lines(seen, week, _)
            return page(
                "teacher_confirm.html",
                _,
                question=lines[0],
                lines=lines[1:],
                week=week,
                **context,
            )

    return endpoint


def send(services: Services) -> Endpoint:
    """POST /teacher/send: send the class's week now (once; never before its last school day)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit, status=403)
            opened = await _opened(visit)
            if isinstance(opened, Response):
                return opened
            (mine, context), _ = opened, visit._
            form = await visit.form_ok()
            if form is None:
                return page("message.html", _, status_code=403, message=_(FORM_EXPIRED), **context)
            week = shown_week(mine, form.get("week"))
            if week is None:
                return not_found(visit, context)
            assert visit.actor is not None
            try:
                (result,) = await send_week(
                    visit.session,
                    visit.actor.school_id,
                    week,
                    visit.actor,
                    class_ids=[mine.class_id],
                    now=visit.now,
                )
            except NotYourClass:
                return not_found(visit, context)
            except TooEarly as early:
                return await too_early(visit, week, early)
            if result.already_sent:
                return await refused_page(visit, mine, week, Saved.ALREADY_SENT)
            await tell_teachers(visit.session, visit.actor.school_id, week, [result], visit.now)
            visit.wake_after = True
            message = _(ON_ITS_WAY).format(
                week=week_label(week, _), class_name=mine.class_name, count=result.notices
            )
            return page("teacher_sent.html", _, message=message, sent=True, **context)

    return endpoint
