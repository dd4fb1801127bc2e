"""What link requests tell other people, through the outbox in the step's own transaction:
the request with the class's pupils to choose from to the homeroom teacher and the
administrators, the decision to the parent who asked.

The texts are HTML in every language (the parent's typed words escaped); the sender sends
each recipient the one in their language.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.accounts.buttons import LinkChild, RefuseLink
from storage.models import LinkRequest, TelegramAccount

REQUEST = "link_request"  # the outbox kind of the request sent to the deciders
DECISION = "link_decision"  # the outbox kind of the parent's news of the decision
REFUSE = N_("Refuse")


def request_text(request: LinkRequest, _: Translator) -> str:
    """The request as a decider reads it (HTML: the parent's name and words escaped)."""
    return _(
        "A parent asks to be linked: {name}, phone {phone}, who wrote: "
        "\u201c{description}\u201d. Choose the child to link, or refuse."
    ).format(
        name=html.escape(request.name),
        phone=html.escape(request.phone),
        description=html.escape(request.description or ""),
    )


async def queue_request(
    session: AsyncSession,
    request: LinkRequest,
    deciders: list[int],
    options: list[tuple[int, str]],
    now: datetime,
) -> None:
    """Queue the request with one button per pupil (id, name) and "Refuse" for the deciders."""
    if not deciders:
        return
    texts = {code: request_text(request, translator(code)) for code in LANGUAGES}
    buttons = [(name, LinkChild(request.id, pupil).data()) for pupil, name in options]
    buttons.append((REFUSE, RefuseLink(request.id).data()))
    await enqueue_news(
        session,
        request.school_id,
        Audience.accounts(*deciders),
        REQUEST,
        texts,
        buttons=buttons,
        created_by=request.account_id,
        now=now,
    )


def decision_text(student_name: str | None, _: Translator) -> str:
    """The parent's news: linked to the child (named), or the school could not confirm."""
    if student_name is None:
        return _(
            "The school could not confirm your request. Please contact the homeroom teacher "
            "directly."
        )
    return _("Your account is now linked to {name}. Send /start to see your menu.").format(
        name=html.escape(student_name)
    )


async def queue_decision(
    session: AsyncSession,
    parent: TelegramAccount,
    student_name: str | None,
    decided_by: int,
    now: datetime,
) -> None:
    """Queue the parent's news of the decision, in the decision's transaction."""
    texts = {code: decision_text(student_name, translator(code)) for code in LANGUAGES}
    await enqueue_news(
        session,
        parent.school_id,
        Audience.asker(parent.id),
        DECISION,
        texts,
        created_by=decided_by,
        now=now,
    )
