"""Link requests in chat: the parent describes the child and is told truthfully where the
request went; the homeroom teacher (or an administrator) chooses the child under the card the
outbox brought them (bot/features/accounts/news.py), confirms after calling the parent, or
refuses. The parent's news goes through the outbox too."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.accounts import link_decisions, link_requests, news
from bot.features.accounts.buttons import (
    BackToRequest,
    ConfirmLink,
    LinkChild,
    RefuseLink,
)
from bot.features.accounts.link_decisions import Choice, Closed, DecisionResult
from bot.features.accounts.rules import Decision, Reach
from storage.models import LinkRequest, RequestState

HANDLED = N_("This request was already handled.")  # decided before its moment was kept
APPROVED = N_(
    "This request was already decided on {date}: the parent was linked to {name}. Nothing was "
    "changed."
)
REJECTED = N_(
    "This request was already refused on {date}; the parent was told to contact the homeroom "
    "teacher. Nothing was changed."
)
REPLACED = N_(
    "The parent sent a newer request in place of this one, so this one is closed. Nothing was "
    "changed."
)
THANKS = {
    Reach.TEACHER: N_(
        "Thank you. Your request was sent to the homeroom teacher; you will get a message "
        "here as soon as it is confirmed."
    ),
    Reach.ADMIN: N_(
        "Thank you. The homeroom teacher of class {class_name} has not joined the bot yet, so "
        "your request was sent to the school's administrator; it will also reach the teacher "
        "when the teacher joins. You will get a message here as soon as it is confirmed."
    ),
    Reach.KEPT: N_(
        "Thank you. The homeroom teacher of class {class_name} has not joined the bot yet. "
        "Your request is kept and will reach the teacher as soon as the teacher joins; you "
        "will get a message here when it is confirmed."
    ),
}


async def describe_child(visit: Visit, request: LinkRequest, text: str) -> None:
    """Take the child's name and class, then ask the class's homeroom teacher to decide."""
    _ = visit._
    described = await link_requests.describe(visit.session, request, text, visit.now)
    if described is None:
        hint = _("Please write the child's full name and class, for example: Nguyễn Văn An 3A.")
        visit.reply(hint, as_html=False)
        return
    visit.wake_sender()
    thanks = _(THANKS[described.reach]).format(class_name=described.class_name)
    visit.reply(thanks, as_html=False)


async def child_chosen(press: LinkChild, visit: Visit, context: BotContext) -> None:
    """Ask to confirm the chosen pupil, after calling the parent (nothing is linked yet)."""
    _ = visit._
    choice = await link_decisions.choose(
        visit.session, visit.actor, press.request_id, press.student_id
    )
    if await _refused(visit, context, choice.decision, press.request_id):
        return
    visit.edit(_confirmation(choice, visit), _confirm_markup(visit, press))


def _confirmation(choice: Choice, visit: Visit) -> str:
    """The second question: this phone, this pupil (HTML)."""
    _ = visit._
    assert choice.request is not None and choice.pupil is not None
    pupil, request = choice.pupil, choice.request
    born = pupil.birth_date.strftime("%d/%m/%Y") if pupil.birth_date else "–"
    lines = [
        _("Link the phone {phone} ({relation}) to {name}, class {class_name}, born {born}?").format(
            phone=html.escape(news.phone_text(request.phone)),
            relation=html.escape(news.relation_text(request, _)),
            name=f"<b>{html.escape(pupil.full_name)}</b>",
            class_name=html.escape(choice.class_name),
            born=born,
        ),
        html.escape(
            _(
                "Confirm only after you have called this number and the family has confirmed "
                "who they are."
            )
        ),
    ]
    return "\n".join(lines)


def _confirm_markup(visit: Visit, press: LinkChild) -> InlineKeyboardMarkup:
    _ = visit._
    return keyboards.inline(
        [
            [(_("Yes, link"), ConfirmLink(press.request_id, press.student_id).data())],
            [
                (_("Back"), BackToRequest(press.request_id).data()),
                (_(news.REFUSE), RefuseLink(press.request_id).data()),
            ],
        ]
    )


async def link_confirmed(press: ConfirmLink, visit: Visit, context: BotContext) -> None:
    """Link the parent to the chosen pupil of the class, and tell them."""
    result = await link_decisions.confirm(
        visit.session, visit.actor, press.request_id, press.student_id, visit.now
    )
    await _done(visit, context, result, press.request_id, linked=True)


async def back_pressed(press: BackToRequest, visit: Visit, context: BotContext) -> None:
    """Show the request's card again, with the pupils to choose from."""
    verdict, card = await link_decisions.reopen(visit.session, visit.actor, press.request_id)
    if await _refused(visit, context, verdict, press.request_id) or card is None:
        return
    _ = visit._
    *pupils, (refuse, refuse_data) = news.card_buttons(card)
    markup = keyboards.choices(pupils, per_row=2, extra=[(_(refuse), refuse_data)])
    visit.edit(news.request_text(card, _), markup)


async def refused(press: RefuseLink, visit: Visit, context: BotContext) -> None:
    """Refuse the request, and tell the parent to contact the homeroom teacher."""
    result = await link_decisions.refuse(visit.session, visit.actor, press.request_id, visit.now)
    await _done(visit, context, result, press.request_id, linked=False)


async def _refused(visit: Visit, context: BotContext, decision: Decision, request_id: int) -> bool:
    """Answer a press that may not act (another class), or that finds the request already
    decided or replaced: what became of it, and when; nothing changes."""
    _ = visit._
    if decision is Decision.NOT_ALLOWED:
        visit.alert(_("You cannot decide on this request."))
    elif decision is Decision.STALE:
        found = await link_decisions.closed(visit.session, visit.actor, request_id)
        visit.edit(html.escape(_closed_text(found, visit, context)))
    return decision is not Decision.DONE


def _closed_text(found: Closed | None, visit: Visit, context: BotContext) -> str:
    _ = visit._
    if found is not None and found.state == RequestState.CANCELLED:
        return _(REPLACED)
    if found is None or found.decided_at is None:
        return _(HANDLED)
    day = short(found.decided_at.astimezone(context.settings.zone).date())
    if found.state == RequestState.APPROVED:
        return _(APPROVED).format(date=day, name=found.student_name or "")
    return _(REJECTED).format(date=day)


async def _done(
    visit: Visit, context: BotContext, result: DecisionResult, request_id: int, *, linked: bool
) -> None:
    """Show what the decision did, in place of the card."""
    if await _refused(visit, context, result.decision, request_id):
        return
    _ = visit._
    visit.wake_sender()
    if linked:
        visit.edit(html.escape(_("Linked to {name}.").format(name=result.student_name or "")))
    else:
        visit.edit(html.escape(_("You refused this request.")))
