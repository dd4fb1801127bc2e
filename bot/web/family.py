"""The family's page: a child's contact book, "Đã xem" and "Phản hồi", as in chat."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.access import WHOLE_SCHOOL, Actor
from bot.core.context import Services
from bot.core.datefmt import everyday, short, weekday
from bot.core.i18n import N_
from bot.delivery.buttons import REPLY, SEEN
from bot.delivery.status import mark_read
from bot.features.assessment.queries import school_year_of
from bot.features.health.notices import details as health_details
from bot.features.web_access import book
from bot.features.weekly.notice_text import PARTS
from bot.web.render import page, telegram_html
from bot.web.security import record_id
from bot.web.signin import FORM_EXPIRED, Endpoint, common, sign_in_page
from bot.web.visit import WebVisit, web_visit

NOT_FOUND = N_("There is nothing here for you.")


def staff_links(actor: Actor) -> dict[str, bool]:
    """For a member of staff who is also a parent: the header's links to their own pages, by
    the same checks as the staff's landing page (each page checks again when opened)."""
    return {"grid_link": bool(actor.homeroom_classes), "dashboard_link": actor.has(*WHOLE_SCHOOL)}


def not_found(visit: WebVisit, common_context: dict[str, Any]) -> Response:
    """The one answer to anything not the person's: no hint of what exists."""
    return page(
        "message.html", visit._, status_code=404, message=visit._(NOT_FOUND), **common_context
    )


def _chosen(visit: WebVisit, children: list[book.Child], asked: str | None) -> book.Child | None:
    """The child the page is about: the one asked for, if theirs; else the first."""
    if not asked:
        return children[0]
    return next((c for c in children if str(c.student_id) == asked), None)


def _seen_label(visit: WebVisit, shown: book.Delivered) -> str | None:
    if shown.read_at is None:
        return None
    local = shown.read_at.astimezone(visit.settings.zone)
    return visit._("Seen at {time}, {date}").format(
        time=local.strftime("%H:%M"), date=local.strftime("%d/%m")
    )


def _notice(visit: WebVisit, shown: book.Delivered) -> dict[str, Any]:
    _ = visit._
    return {
        "id": shown.delivery_id,
        "html": telegram_html(shown.text),
        "week": _("Week of {date}").format(date=short(shown.week)) if shown.week else "",
        "sent": everyday(shown.due_at.astimezone(visit.settings.zone).date(), _),
        "seen": _seen_label(visit, shown),
        "asks_receipt": shown.requires_ack,
        "urgent": shown.urgent,
    }


async def _sections(visit: WebVisit, child: book.Child) -> dict[str, Any]:
    """Everything the page shows about one child."""
    assert visit.actor is not None
    _, zone, language = visit._, visit.settings.zone, visit._.language
    today = visit.now.astimezone(zone).date()
    weeks = await book.weekly_notices(
        visit.session, visit.actor, child.student_id, visit.now, language
    )
    messages = await book.school_messages(visit.session, visit.actor, visit.now, language)
    start = date(int(school_year_of(today)[:4]), 8, 1)
    missed = await book.absences(visit.session, visit.actor, child.student_id, start)
    checks = await book.health_checks(visit.session, visit.actor, child.student_id)
    results = await book.published_results(visit.session, visit.actor, child.student_id, today, _)
    return {
        "this_week": _notice(visit, weeks[0]) if weeks else None,
        "earlier": [_notice(visit, w) for w in weeks[1:]],
        "messages": [_notice(visit, m) for m in messages],
        "missed": [
            {
                "day": f"{weekday(m.day, _)}, {short(m.day)}",
                "part": _(PARTS[m.part]),
                "excused": _("excused") if m.excused else _("not excused"),
            }
            for m in sorted(missed, key=lambda m: (m.day, m.part.value != "morning"), reverse=True)
        ],
        "checks": [
            {
                "day": short(check.measured_on),
                "html": telegram_html(health_details(check, name, klass, _)),
            }
            for check, name, klass in checks
        ],
        "results": [{"name": name, "html": telegram_html(text)} for name, text in results],
        "seen_label": _(SEEN),  # the chat's "✅ Đã xem", without the emoji cheap phones lack
        "respond_label": _(REPLY[0]),  # the chat's "Phản hồi"
    }


def family_page(services: Services) -> Endpoint:
    """GET /: the signed-in family's page (or the sign-in page)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            context = await common(visit)
            children = await book.children(visit.session, visit.actor)
            if not children:
                from bot.web.teacher import staff_home  # the staff's page (teacher.py imports us)

                return await staff_home(visit, context)
            child = _chosen(visit, children, request.query_params.get("child"))
            if child is None:
                return not_found(visit, context)
            return page(
                "family.html",
                visit._,
                children=children,
                child=child,
                **staff_links(visit.actor),
                **await _sections(visit, child),
                **context,
            )

    return endpoint


def seen(services: Services) -> Endpoint:
    """POST /seen: "Đã xem" records the first read, only by the delivery's own recipient."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit, status=403)
            context = await common(visit)
            form = await visit.form_ok()
            if form is None:
                return page(
                    "message.html",
                    visit._,
                    status_code=403,
                    message=visit._(FORM_EXPIRED),
                    **context,
                )
            delivery_id = record_id(form.get("delivery", ""))
            if delivery_id is None:
                return not_found(visit, context)
            assert visit.account is not None
            delivery, first = await mark_read(
                visit.session, visit.account.id, delivery_id, visit.now
            )
            if delivery is None:
                return not_found(visit, context)
            if first:
                visit.touched.append(delivery.notice_id)
            child = form.get("child", "")
            query = f"?child={child}" if child.isdigit() else ""
            return RedirectResponse(f"{visit.base}/{query}#d{delivery.id}", status_code=303)

    return endpoint
