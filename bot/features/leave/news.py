"""What leave requests tell other people, through the outbox in the step's own transaction:
the request with its two buttons to the homeroom teacher, the decision to the parent.

The texts are HTML in every language (the parent's and the teacher's texts escaped); the
sender sends each recipient the one in their language.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.core.split import fit
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.leave.buttons import Confirm, Refuse
from bot.features.leave.queries import deciders, pupil
from bot.features.leave.rules import PART_LABELS, days_label
from storage.models import LeavePart, LeaveRequest, RequestState

REQUEST = "leave_request"  # the outbox kind of the request sent to the teacher
NEWS = "leave_decision"  # the outbox kind of the parent's news of a decision
CONFIRM, REFUSE = N_("Confirm"), N_("Refuse")


def describe(
    name: str, klass: str, first: date, last: date, part: LeavePart, reason: str, _: Translator
) -> list[str]:
    """A request as the parent and the teacher read it (HTML, the parent's text escaped)."""
    return [
        _("Pupil: {name}, class {class_name}").format(
            name=html.escape(name), class_name=html.escape(klass)
        ),
        _("Days: {days}").format(days=days_label(first, last, _)),
        _("Session: {session}").format(session=_(PART_LABELS[part])),
        _("Reason: {reason}").format(reason=html.escape(reason)),
    ]


def request_text(name: str, klass: str, r: LeaveRequest, _: Translator, note: str = "") -> str:
    """The request as the teacher reads it: the parent only as "the parent of" the child.

    A 2,000-character reason and as long a refusal do not fit one message: the teacher's copy
    is cut with "…" (the parent's news, through the outbox, is split instead).
    """
    lines = describe(name, klass, r.first_day, r.last_day, r.part, r.reason, _)
    parent = _("From: the parent of {name}").format(name=html.escape(name))
    text = "\n".join(["<b>" + html.escape(_("Leave request")) + "</b>", *lines, parent])
    return fit(f"{text}\n\n{note}" if note else text)


def decision_note(request: LeaveRequest, name: str, _: Translator) -> str:
    """The parent's news of the teacher's decision (HTML)."""
    values = {
        "name": html.escape(name),
        "days": days_label(request.first_day, request.last_day, _),
        "session": _(PART_LABELS[request.part]),
    }
    if request.state == RequestState.APPROVED:
        return _(
            "The homeroom teacher has confirmed the leave request for {name}: {days}, {session}. "
            "It is recorded as an excused absence."
        ).format(**values)
    return _(
        "The homeroom teacher did not accept the leave request for {name}: {days}, {session}. "
        "Reason: {reason}"
    ).format(**values, reason=html.escape(request.refusal or ""))


async def queue_request(session: AsyncSession, request: LeaveRequest, now: datetime) -> int:
    """Queue the request with "Xác nhận" and "Từ chối" for the class's homeroom teacher;
    return how many linked teachers it goes to (none: the parent is told to call)."""
    teachers = [account.id for account in await deciders(session, request)]
    if not teachers:
        return 0
    name, klass = await pupil(session, request.student_id)
    texts = {code: request_text(name, klass, request, translator(code)) for code in LANGUAGES}
    buttons = [(CONFIRM, Confirm(request.id).data()), (REFUSE, Refuse(request.id).data())]
    await enqueue_news(
        session,
        request.school_id,
        Audience.accounts(*teachers),
        REQUEST,
        texts,
        buttons=buttons,
        created_by=request.account_id,
        now=now,
    )
    return len(teachers)


async def queue_decision(
    session: AsyncSession, request: LeaveRequest, decided_by: int, now: datetime
) -> None:
    """Queue the parent's news of the decision, in the decision's transaction: the parent
    learns it whatever happens to the teacher's messages next."""
    if request.account_id is None:
        return
    name, _klass = await pupil(session, request.student_id)
    texts = {code: decision_note(request, name, translator(code)) for code in LANGUAGES}
    await enqueue_news(
        session,
        request.school_id,
        Audience.accounts(request.account_id),
        NEWS,
        texts,
        created_by=decided_by,
        now=now,
    )
