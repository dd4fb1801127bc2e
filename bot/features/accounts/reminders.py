"""What an open link request tells people when nobody decides it, through the outbox: after
ANSWER_WITHIN working days, the class's homeroom teacher is reminded with the card's buttons;
when nobody holding that role has joined the bot, or the request is still open ANSWER_WITHIN
working days after her reminder, the principal and vice principals are told (without buttons:
the teacher or the administrator decides). The job is bot/features/accounts/jobs.py.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.accounts import news
from bot.features.accounts.link_requests import card_for, homeroom_teachers, linked_staff
from bot.features.accounts.rules import KEEP_REQUEST
from bot.features.feedback.rules import ANSWER_WITHIN, LEADERS
from storage.models import LinkRequest

REMINDER = "link_reminder"  # the outbox kind of the reminder (to the teacher or the leaders)
REMIND = N_("Reminder: this link request has waited {days} working days for a decision.")
STILL_OPEN = N_(
    "The homeroom teacher was reminded {days} working days ago; the request is still open."
)
NO_TEACHER = N_("Class {class_name} has no homeroom teacher on the staff list.")


def reminder_ref(request: LinkRequest) -> str:
    """The `Notice.ref` of the teacher's reminder (once per request)."""
    return f"link_reminder:{request.id}"


def escalation_ref(request: LinkRequest) -> str:
    """The `Notice.ref` of the leaders' notice (once per request)."""
    return f"link_escalation:{request.id}"


async def remind(session: AsyncSession, request: LinkRequest, now: datetime) -> None:
    """Queue the reminder of a request waiting ANSWER_WITHIN working days: to the class's
    homeroom teacher with the card's buttons, or, when she has not joined (or the class has
    none), to the leaders."""
    teachers = await homeroom_teachers(session, request)
    joined = sorted(await linked_staff(session, request.school_id, teachers))
    card = await card_for(session, request)
    if card is None:
        return
    if not joined:
        await escalate(session, request, now, teacher_on_lists=bool(teachers))
        return
    texts = {}
    for code in LANGUAGES:
        _ = translator(code)
        texts[code] = news.request_text(card, _, heading=_(REMIND).format(days=ANSWER_WITHIN))
    notice = await enqueue_notice(
        session,
        request.school_id,
        Audience.staff_members(*joined),
        REMINDER,
        texts["vi"],
        requires_ack=False,
        now=now,
    )
    notice.translations, notice.ref = texts, reminder_ref(request)
    notice.buttons = [list(button) for button in news.card_buttons(card)]


async def escalate(
    session: AsyncSession,
    request: LinkRequest,
    now: datetime,
    *,
    teacher_on_lists: bool = True,
    reminded: bool = False,
) -> None:
    """Tell the leaders of a request nobody could decide (the teacher has not joined, or the
    class has no homeroom teacher) or still open after the teacher's reminder; kept for a
    leader who joins later."""
    card = await card_for(session, request)
    if card is None:
        return
    texts = {}
    for code in LANGUAGES:
        _ = translator(code)
        if reminded:
            why = _(STILL_OPEN).format(days=ANSWER_WITHIN)
        elif teacher_on_lists:
            why = _(news.NOT_JOINED).format(class_name=card.class_name)
        else:
            why = _(NO_TEACHER).format(class_name=card.class_name)
        heading = _(REMIND).format(days=ANSWER_WITHIN * (2 if reminded else 1))
        text = news.request_text(card, _, heading=heading, leaders=True)
        texts[code] = text + "\n<i>" + html.escape(why) + "</i>"
    notice = await enqueue_notice(
        session,
        request.school_id,
        Audience.staff(*LEADERS),
        REMINDER,
        texts["vi"],
        requires_ack=False,
        now=now,
    )
    notice.translations, notice.ref = texts, escalation_ref(request)
    notice.kept_until = now + KEEP_REQUEST
