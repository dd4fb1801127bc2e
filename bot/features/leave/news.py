"""What leave requests tell other people, through the outbox in the step's own transaction:
the request with its two buttons (and the doctor's note, by its kind) to the homeroom teacher,
kept for her if she has not joined the bot yet (the administrators are then told); the reminder
after two working days (to the leaders when she could not receive it); the decision to the
parent.

The texts are HTML in every language (the parent's and the teacher's texts escaped); the
sender sends each recipient the one in their language.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.core.split import fit
from bot.delivery.kept import audience_of, reached
from bot.delivery.outbox import Audience, enqueue_news, enqueue_notice
from bot.features.feedback import absent
from bot.features.feedback.recipients import recipient_staff
from bot.features.feedback.rules import LEADERS
from bot.features.leave.buttons import Confirm, Refuse
from bot.features.leave.queries import deciders, pupil
from bot.features.leave.rules import ANSWER_WITHIN, KEPT_FOR, PART_LABELS, days_label
from storage.models import LeavePart, LeaveRequest, Notice, RequestState
from storage.queries import told_apart_in_class

REQUEST = "leave_request"  # the outbox kind of the request sent to the teacher
NOTE = "leave_note"  # the outbox kind of the doctor's note sent with it
NEWS = "leave_decision"  # the outbox kind of the parent's news of a decision
REMINDER = "leave_reminder"  # the outbox kind of the reminder
CONFIRM, REFUSE = N_("Confirm"), N_("Refuse")
NOTE_LINE = N_("Doctor's note: sent with this request.")
NOTE_CAPTION = N_("Doctor's note for the leave request of {name}: {days}")
REMIND = N_("Reminder: this leave request has waited {days} working days for an answer.")
NOBODY_JOINED = N_("The homeroom teacher of class {class_name} has not joined the bot yet.")


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


def request_text(
    name: str,
    klass: str,
    r: LeaveRequest,
    _: Translator,
    note: str = "",
    *,
    attached: bool = False,
    heading: str = "",
) -> str:
    """The request as the teacher reads it: the parent only as "the parent of" the child, and
    whether a doctor's note came with it.

    A 2,000-character reason and as long a refusal do not fit one message: the teacher's copy
    is cut with "…" (the parent's news, through the outbox, is split instead).
    """
    lines = describe(name, klass, r.first_day, r.last_day, r.part, r.reason, _)
    if attached:
        lines.append(html.escape(_(NOTE_LINE), quote=False))
    parent = _("From: the parent of {name}").format(name=html.escape(name))
    top = ["<b>" + html.escape(heading or _("Leave request")) + "</b>"]
    text = "\n".join([*top, *lines, parent])
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


async def staff_pupil(session: AsyncSession, student_id: int) -> tuple[str, str]:
    """The pupil's name as staff read it (told apart from a classmate of the same name by the
    birth date, or the end of the student code) and the class."""
    name, klass = await pupil(session, student_id)
    return (await told_apart_in_class(session, [student_id])).get(student_id, name), klass


def request_buttons(request: LeaveRequest) -> list[tuple[str, str]]:
    """(label msgid, data) of "Xác nhận" and "Từ chối"."""
    return [(CONFIRM, Confirm(request.id).data()), (REFUSE, Refuse(request.id).data())]


async def teacher_audience(session: AsyncSession, request: LeaveRequest) -> Audience:
    """The class's homeroom teacher on the lists, resolved again when she joins."""
    staff = await recipient_staff(session, request.school_id, request.class_id, False)
    return Audience.staff_members(*(staff_id for staff_id, _name in staff))


async def queue_request(
    session: AsyncSession,
    request: LeaveRequest,
    now: datetime,
    note: tuple[str, str] | None = None,
) -> int:
    """Queue the request with "Xác nhận" and "Từ chối" for the class's homeroom teacher, then
    the doctor's note as what it is (a photo, or a file); kept for her if she has not joined
    (the administrators are then told). Returns how many people it reaches now."""
    card = await _queue_card(session, request, await teacher_audience(session, request), now, note)
    count = await reached(session, card)
    if not count:
        await absent.tell_admins(session, request.school_id, request.class_id, False, now)
    return count


async def _queue_card(
    session: AsyncSession,
    request: LeaveRequest,
    audience: Audience,
    now: datetime,
    note: tuple[str, str] | None,
) -> Notice:
    """The request's card (and the doctor's note) for `audience`, kept for who joins later."""
    name, klass = await staff_pupil(session, request.student_id)
    texts = {
        code: request_text(name, klass, request, translator(code), attached=note is not None)
        for code in LANGUAGES
    }
    card = await enqueue_news(
        session,
        request.school_id,
        audience,
        REQUEST,
        texts,
        buttons=request_buttons(request),
        created_by=request.account_id,
        now=now,
        kept_until=now + KEPT_FOR,
    )
    card.ref = f"leave:{request.id}"
    if note is not None:
        captions = {
            code: html.escape(note_caption(name, request, translator(code)), quote=False)
            for code in LANGUAGES
        }
        attached = await enqueue_news(
            session,
            request.school_id,
            audience,
            NOTE,
            captions,
            media=note,
            created_by=request.account_id,
            now=now,
            kept_until=now + KEPT_FOR,
        )
        attached.ref = f"leave_note:{request.id}"
    return card


async def follow_class(session: AsyncSession, school_id: int, class_id: int, now: datetime) -> int:
    """Queue the class's open leave requests for its homeroom teachers on the lists who never
    had their cards (a successor after a staff import): at once if she has joined, else kept
    for her until she does. Nothing twice. Returns how many cards were queued."""
    teachers = {
        staff_id for staff_id, _name in await recipient_staff(session, school_id, class_id, False)
    }
    open_requests = await session.scalars(
        select(LeaveRequest)
        .where(
            LeaveRequest.school_id == school_id,
            LeaveRequest.class_id == class_id,
            LeaveRequest.state == RequestState.PENDING,
        )
        .order_by(LeaveRequest.id)
    )
    queued = 0
    for request in open_requests.all():
        cards = (
            await session.scalars(
                select(Notice).where(
                    Notice.school_id == school_id,
                    Notice.ref.in_([f"leave:{request.id}", f"leave_note:{request.id}"]),
                )
            )
        ).all()
        had = {i for card in cards if card.kind == REQUEST for i in audience_of(card).ids}
        newcomers = sorted(teachers - had)
        if not newcomers:
            continue
        note = next(
            (
                (c.media_kind, c.media_file)
                for c in cards
                if c.kind == NOTE and c.media_kind and c.media_file
            ),
            None,
        )
        await _queue_card(session, request, Audience.staff_members(*newcomers), now, note)
        queued += 1
    return queued


def note_caption(name: str, request: LeaveRequest, _: Translator) -> str:
    """The caption of the doctor's note (plain text)."""
    days = days_label(request.first_day, request.last_day, _)
    return _(NOTE_CAPTION).format(name=name, days=days)


async def remind(session: AsyncSession, request: LeaveRequest, now: datetime) -> None:
    """Queue the reminder of a request waiting ANSWER_WITHIN working days: to the teacher with
    her two buttons, or, when she has not joined, to the leaders (without buttons)."""
    teachers = [account.id for account in await deciders(session, request)]
    name, klass = await staff_pupil(session, request.student_id)
    texts = {}
    for code in LANGUAGES:
        _ = translator(code)
        heading = _(REMIND).format(days=ANSWER_WITHIN)
        missing = "" if teachers else html.escape(_(NOBODY_JOINED).format(class_name=klass))
        texts[code] = request_text(name, klass, request, _, missing, heading=heading)
    audience = Audience.accounts(*teachers) if teachers else Audience.staff(*LEADERS)
    notice = await enqueue_notice(
        session, request.school_id, audience, REMINDER, texts["vi"], requires_ack=False, now=now
    )
    notice.translations, notice.ref = texts, f"leave_reminder:{request.id}"
    if teachers:
        notice.buttons = [list(button) for button in request_buttons(request)]
    else:
        notice.kept_until = now + KEPT_FOR


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
