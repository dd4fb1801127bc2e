"""The administrators told who has not joined the bot when a parent's message waits for them.

A feedback or a leave request for a homeroom teacher (or the leaders) nobody can receive yet
is kept for them (bot/delivery/kept.py); the administrators, who hand out the invitations, are
told once a day at most per class (or for the leaders).
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, translator
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.feedback import recipients
from bot.features.feedback.rules import ADMINS_TOLD_FOR
from storage.models import Role

ADMINS = (Role.ADMIN,)
KIND = "staff_absent"
WAITING = N_(
    "{recipient} has messages from parents waiting, but has not joined the contact book yet: "
    "{names}. The messages will reach them as soon as they join; please remind them to join."
)
NOBODY = N_("nobody on the staff list")


async def tell_admins(
    session: AsyncSession, school_id: int, class_id: int | None, to_leaders: bool, now: datetime
) -> None:
    """Queue, for the administrators, who has not joined among a message's recipients (kept a
    day for administrators who join); nothing if they were told in the last day."""
    ref = f"absent:{'leaders' if to_leaders else class_id}"
    if await recipients.admins_told(session, school_id, ref, now):
        return
    staff = await recipients.recipient_staff(session, school_id, class_id, to_leaders)
    names = await recipients.absent(session, school_id, staff) or [name for _id, name in staff]
    klass = await recipients.class_name(session, class_id)
    texts = {}
    for code in LANGUAGES:
        _ = translator(code)
        recipient = (
            _("School leaders")
            if to_leaders
            else _("Homeroom teacher of class {class_name}").format(class_name=klass)
        )
        shown = ", ".join(names) if names else _(NOBODY)
        texts[code] = html.escape(_(WAITING).format(recipient=recipient, names=shown), quote=False)
    notice = await enqueue_news(
        session,
        school_id,
        Audience.staff(*ADMINS),
        KIND,
        texts,
        now=now,
        kept_until=now + ADMINS_TOLD_FOR,
    )
    notice.ref = ref
