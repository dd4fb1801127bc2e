"""What link requests tell other people, through the outbox in the step's own transaction:
the request card with the class's pupils to choose from to the homeroom teacher and the
administrators (kept for those who have not joined yet), the decision to the parent who asked.

The texts are HTML in every language (the parent's typed words escaped); the sender sends
each recipient the one in their language.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from phonenumbers import NumberParseException
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_news
from bot.features.accounts.buttons import LinkChild, RefuseLink
from bot.features.accounts.rules import KEEP_REQUEST, claimed_relation
from storage.models import LinkRequest, Notice, TelegramAccount
from storage.phones import display_phone

REQUEST = "link_request"  # the outbox kind of the request sent to the deciders
DECISION = "link_decision"  # the outbox kind of the parent's news of the decision
REFUSE = N_("Refuse")
# What the parent said they are to the child, as the card shows it.
RELATIONS = {
    "mother": N_("mother"),
    "father": N_("father"),
    "grandparent": N_("grandparent"),
}
NOT_SAID = N_("not said")
NOT_JOINED = N_("The homeroom teacher of class {class_name} has not joined the bot yet.")
LEADERS_NOTE = N_(
    "Only the homeroom teacher or the school's administrator can link this parent in the bot; "
    "please see that the request is answered."
)


@dataclass(frozen=True, slots=True)
class Card:
    """What a decider is shown about a request: the class, and the pupils to choose from
    (id, label told apart from namesakes)."""

    request: LinkRequest
    class_name: str
    options: list[tuple[int, str]]


def phone_text(phone: str) -> str:
    """A phone as Vietnamese people write it (0912 345 678), as stored if it cannot be read."""
    try:
        return display_phone(phone)
    except NumberParseException:
        return phone


def claim_of(request: LinkRequest) -> str | None:
    """What the parent said they are to the child, as kept with the request; a request made
    before it was kept (migration 0011) has it read from the parent's words."""
    return request.claimed_relation or claimed_relation(request.description)


def relation_text(request: LinkRequest, _: Translator) -> str:
    """What the parent said they are to the child, or that they did not say."""
    claimed = claim_of(request)
    return _(RELATIONS[claimed]) if claimed in RELATIONS else _(NOT_SAID)


def request_text(
    card: Card,
    _: Translator,
    *,
    teacher_missing: bool = False,
    heading: str = "",
    leaders: bool = False,
) -> str:
    """The request as a decider reads it (HTML: the parent's name and words escaped); with a
    reminder's `heading` above it; for the leaders, who see it without buttons, what they can
    do instead of the deciders' instruction."""
    request = card.request
    title = _("Link request for class {class_name}").format(class_name=card.class_name)
    top = [f"<b>{html.escape(heading)}</b>"] if heading else []
    instruction = (
        _(LEADERS_NOTE)
        if leaders
        else _(
            "Please call this number and check who they are before choosing the child. "
            "Choose the child to link, or refuse."
        )
    )
    lines = [
        *top,
        "<b>" + html.escape(title) + "</b>",
        html.escape(_("Name on Telegram: {name}").format(name=request.name)),
        html.escape(_("Phone: {phone}").format(phone=phone_text(request.phone))),
        html.escape(
            _("Says they are the child's: {relation}").format(relation=relation_text(request, _))
        ),
        html.escape(_("Wrote:")) + " \u201c" + html.escape(request.description or "") + "\u201d",
        "",
        html.escape(instruction),
    ]
    if teacher_missing:
        lines.append(html.escape(_(NOT_JOINED).format(class_name=card.class_name)))
    return "\n".join(lines)


def card_buttons(card: Card) -> list[tuple[str, str]]:
    """One button per pupil (told apart), then "Refuse"."""
    buttons = [(label, LinkChild(card.request.id, pupil).data()) for pupil, label in card.options]
    buttons.append((REFUSE, RefuseLink(card.request.id).data()))
    return buttons


def ref(request: LinkRequest) -> str:
    """The `Notice.ref` of a request's cards."""
    return f"link_request:{request.id}"


async def queue_request(
    session: AsyncSession,
    card: Card,
    teachers: list[int],
    admins: list[int],
    teacher_linked: bool,
    now: datetime,
) -> None:
    """Queue the card for the class's homeroom teacher and for the administrators (staff
    ids), kept for those who join later; the administrators' card says when the teacher has
    not joined yet."""
    request = card.request
    kept_until = now + KEEP_REQUEST
    audiences = [
        (Audience.staff_members(*ids), missing)
        for ids, missing in ((teachers, False), (admins, not teacher_linked and bool(teachers)))
        if ids
    ]
    for audience, missing in audiences:
        texts = {
            code: request_text(card, translator(code), teacher_missing=missing)
            for code in LANGUAGES
        }
        notice = await enqueue_news(
            session,
            request.school_id,
            audience,
            REQUEST,
            texts,
            buttons=card_buttons(card),
            created_by=request.account_id,
            now=now,
            kept_until=kept_until,
        )
        notice.ref = ref(request)


async def stop_keeping(session: AsyncSession, request: LinkRequest) -> None:
    """A decided request's cards are no longer given to people who join later."""
    await session.execute(
        update(Notice)
        .where(Notice.school_id == request.school_id, Notice.ref == ref(request))
        .values(kept_until=None)
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
