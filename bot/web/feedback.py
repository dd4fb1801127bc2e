""" "Phản hồi" on the web: the same feedback as in chat (the feedback feature's own steps)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.core import limits
from bot.core.context import Services
from bot.core.i18n import N_
from bot.features.feedback import news, threads
from bot.features.feedback import queries as feedback
from bot.features.feedback.rules import NOT_PARENT, TOPICS, Draft, may_write, school_label, title
from bot.features.web_access import book
from bot.web.family import not_found
from bot.web.render import page
from bot.web.signin import FORM_EXPIRED, Endpoint, common, sign_in_page
from bot.web.visit import WebVisit, web_visit
from storage.models import FeedbackState, FeedbackTopic

SENT = N_(
    "Sent to {recipient}. The answer will show on the “Feedback” page, and in the bot's chat "
    "if you use Telegram."
)
STATES = {
    FeedbackState.OPEN: N_("Waiting for an answer"),
    FeedbackState.ANSWERED: N_("Answered"),
    FeedbackState.CLOSED: N_("Closed"),
}


async def _threads(visit: WebVisit, child: book.Child) -> list[dict[str, Any]]:
    """The parent's latest items about the child with the school's answers, as shown."""
    assert visit.actor is not None
    _, zone = visit._, visit.settings.zone
    shown = []
    for item, messages in await threads.threads_of(visit.session, visit.actor, child.student_id):
        lines = [
            {
                "mine": message.from_parent,
                "who": _("You") if message.from_parent else _("The school's answer"),
                "at": message.created_at.astimezone(zone).strftime("%H:%M %d/%m/%Y"),
                "text": message.text,
            }
            for message in messages
        ]
        shown.append(
            {"title": title(item, zone, _), "state": _(STATES[item.state]), "lines": lines}
        )
    return shown


def _form(visit: WebVisit, children: list[book.Child], chosen: book.Child, **extra: Any) -> Any:
    _ = visit._
    return {
        "children": children,
        "child": chosen,
        "topics": [(topic.value, _(label)) for topic, label in TOPICS.items()],
        "limit": limits.TEXT_LIMIT,
        **extra,
    }


async def _child(visit: WebVisit, asked: str | None) -> tuple[list[book.Child], book.Child | None]:
    assert visit.actor is not None
    children = await book.children(visit.session, visit.actor)
    if not children:
        return children, None
    if not asked:
        return children, children[0]
    return children, next((c for c in children if str(c.student_id) == asked), None)


def feedback_form(services: Services) -> Endpoint:
    """GET /feedback: the form (the child, to whom, the topic, anonymity, the text)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            context = await common(visit)
            if not may_write(visit.actor):
                return page("message.html", visit._, message=visit._(NOT_PARENT), **context)
            children, child = await _child(visit, request.query_params.get("child"))
            if child is None:
                return not_found(visit, context)
            threads = await _threads(visit, child)
            shown = _form(visit, children, child, threads=threads)
            return page("feedback.html", visit._, **shown, **context)

    return endpoint


def send_feedback(services: Services) -> Endpoint:
    """POST /feedback: stored and queued for the school by the feedback feature."""

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
            children, child = await _child(visit, form.get("child"))
            topic = form.get("topic", "")
            if child is None or topic not in {t.value for t in FeedbackTopic}:
                return not_found(visit, context)
            return await _store(visit, context, children, child, form, FeedbackTopic(topic))

    return endpoint


async def _store(
    visit: WebVisit,
    context: dict[str, Any],
    children: list[book.Child],
    child: book.Child,
    form: dict[str, str],
    topic: FeedbackTopic,
) -> Response:
    assert visit.actor is not None
    _, zone = visit._, visit.settings.zone
    to_leaders = form.get("to") == "leaders"
    draft = Draft(
        student_id=child.student_id,
        to_leaders=to_leaders,
        topic=topic,
        anonymous=to_leaders and form.get("anonymous") == "1",
        text=form.get("text", "").strip() or None,
    )
    result = await feedback.create(visit.session, visit.actor, draft, visit.now, visit.who, zone)
    if isinstance(result, str):
        problem = limits.fill(result, _(result))
        shown = _form(visit, children, child, error=problem, text=form.get("text", ""))
        return page("feedback.html", _, status_code=400, **shown, **context)
    item, messages = result
    info = await feedback.about(visit.session, item)
    await news.to_staff(visit.session, item, messages, info, news.NEW, visit.now, zone)
    visit.wake_after = True
    message = _(SENT).format(recipient=school_label(item, info, _))
    return page("message.html", _, message=message, back=True, child=child, **context)
