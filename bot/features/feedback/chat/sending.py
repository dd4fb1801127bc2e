"""A finished feedback stored and queued for the school, and what the parent is told: sent,
held for the teacher's hours, or kept until the recipient joins the bot."""

from __future__ import annotations

from bot.core import limits, pending
from bot.core.context import BotContext, Visit
from bot.core.datefmt import everyday
from bot.core.i18n import N_
from bot.features.feedback import news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.chat.ask import esc
from bot.features.feedback.rules import Draft
from storage.models import Feedback

NOT_JOINED = N_(
    "Saved. {recipient} has not joined the contact book yet: your message will reach them as "
    "soon as they join, and the answer will come here."
)


def refusal(visit: Visit, problem: str) -> str:
    """A limits or rules refusal, translated and filled."""
    return limits.fill(problem, visit._(problem))


def sent_note(
    visit: Visit, context: BotContext, item: Feedback, info: rules.About, reached: int
) -> str:
    """Where the parent's message went (HTML): sent, held until the teacher's hours begin, or
    kept until the recipient joins (`reached` is 0)."""
    _ = visit._
    if item.deliver_at is not None and item.deliver_at > visit.now:
        local = item.deliver_at.astimezone(context.settings.zone)
        return esc(
            _("Saved. The teacher will see your message at {time}, {day}.").format(
                time=local.strftime("%H:%M"), day=everyday(local.date(), _)
            )
        )
    recipient = rules.school_label(item, info, _)
    if not reached:
        return esc(_(NOT_JOINED).format(recipient=recipient))
    return esc(
        _("Sent to {recipient}. The answer will come here, in this chat.").format(
            recipient=recipient
        )
    )


async def store(
    visit: Visit, context: BotContext, draft: Draft, media: tuple[str, str] | None = None
) -> str:
    """Store a finished draft and queue it for the school; return what the parent is told."""
    zone = context.settings.zone
    result = await feedback.create(
        visit.session, visit.actor, draft, visit.now, visit.who, zone, media
    )
    if isinstance(result, str):
        if result not in (limits.TEXT_EMPTY, limits.TEXT_TOO_LONG):
            await pending.clear(visit.session, visit.account.id)
        return esc(refusal(visit, result))
    item, messages = result
    await pending.clear(visit.session, visit.account.id)
    info = await feedback.about(visit.session, item)
    reached = await news.to_staff(visit.session, item, messages, info, news.NEW, visit.now, zone)
    visit.wake_sender()
    return sent_note(visit, context, item, info, reached)
