"""One pupil's check-up results typed in chat: the pupil, the line, a preview, "Xác nhận"."""

from __future__ import annotations

import dataclasses
import html

from telegram import Message

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import Translator
from bot.features.health import queries as health
from bot.features.health.buttons import DropEntry, EntryPupil, SaveEntry
from bot.features.health.notices import details
from bot.features.health.rules import (
    NOT_FOR_YOU,
    FieldError,
    HealthEntry,
    may_record,
    parse_entry,
)
from storage.queries import told_apart_in_class
from storage.roster.cells import CellError

ENTRY, ENTRY_OK = "health_entry", "health_entry_ok"  # pending kinds: the line, the preview
EXAMPLE = "128; 26,5; 10/10; 6/10 có kính 10/10"


def refusal(exc: CellError, _: Translator) -> str:
    """Why a typed line was refused, naming the eye when an eye's value is the reason."""
    reason = _(str(exc.args[0]))
    if isinstance(exc, FieldError):
        return _("{field}: {reason}").format(field=_(exc.field), reason=reason)
    return reason


async def shown_name(visit: Visit, student_id: int) -> str:
    """The pupil's name as the nurse reads it: told apart from a classmate of the same name
    (birth date, or the end of the student code)."""
    return (await told_apart_in_class(visit.session, [student_id])).get(student_id, "")


def typed(message: Message) -> bool:
    """A text that can be an answer (a command never is)."""
    return bool(message.text) and not (message.text or "").startswith("/")


async def entry_pupil(press: EntryPupil, visit: Visit, context: BotContext) -> None:
    """Ask for the chosen pupil's results in one line."""
    _ = visit._
    pupil = await health.nurse_pupil(visit.session, visit.actor, press.student_id)
    if pupil is None:
        visit.alert(_(NOT_FOR_YOU))
        return
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        ENTRY,
        {"student_id": pupil.id},
        visit.now,
    )
    prompt = _(
        "Write the results of {name} in one message:\n"
        "height; weight; left eye; right eye; teeth; spine; notes\n"
        "Only the height and the weight are required, for example: {example}"
    ).format(name=await shown_name(visit, pupil.id), example=EXAMPLE)
    visit.edit(html.escape(prompt))


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take the typed line of results and show what would be saved; False if none was asked."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind not in (ENTRY, ENTRY_OK) or not typed(message):
        return False
    _ = visit._
    student_id = int(str(waiting.data.get("student_id")))
    pupil = await health.nurse_pupil(visit.session, visit.actor, student_id)
    if pupil is None:
        await pending.clear(visit.session, visit.account.id)
        visit.reply(_("This is for the school nurse."), as_html=False)
        return True
    try:
        entry = parse_entry(message.text or "")
    except CellError as exc:
        again = _("Nothing was saved. Please send the line again.")
        visit.reply(refusal(exc, _) + "\n" + again, as_html=False)
        return True
    today = context.today(visit.now)
    (check,) = await health.assess_rows(
        visit.session, visit.actor, pupil.class_id, [entry.row(pupil.student_code)], today
    )
    klass = await health.nurse_class(visit.session, visit.actor, pupil.class_id)
    assert klass is not None
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        ENTRY_OK,
        {"student_id": pupil.id, "entry": dataclasses.asdict(entry)},
        visit.now,
    )
    shown = details(check, await shown_name(visit, pupil.id), klass.name, _)
    question = html.escape(_("Save and send to the parents?"))
    markup = keyboards.inline(
        [[(_("Confirm"), SaveEntry(pupil.id).data()), (_("Cancel"), DropEntry(pupil.id).data())]]
    )
    visit.reply(shown + "\n\n" + question, markup)
    return True


async def save_entry(press: SaveEntry, visit: Visit, context: BotContext) -> None:
    """ "Xác nhận": store the results and queue the family's notice."""
    await _answer(visit, context, press.student_id, confirmed=True)


async def drop_entry(press: DropEntry, visit: Visit, context: BotContext) -> None:
    """ "Hủy": nothing is saved."""
    await _answer(visit, context, press.student_id, confirmed=False)


async def _answer(visit: Visit, context: BotContext, student_id: int, *, confirmed: bool) -> None:
    _ = visit._
    if not may_record(visit.actor):
        visit.alert(_(NOT_FOR_YOU))
        return
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != ENTRY_OK or waiting.data.get("student_id") != student_id:
        await _late(visit, context, student_id)
        return
    data = dict(waiting.data)
    await pending.clear(visit.session, visit.account.id)
    pupil = await health.nurse_pupil(visit.session, visit.actor, student_id)
    if not confirmed or pupil is None:
        visit.edit(html.escape(_("Cancelled. Nothing was saved.")))
        return
    entry = HealthEntry(**data["entry"])
    recorded = await health.record_and_notify(
        visit.session,
        visit.actor,
        pupil.class_id,
        [entry.row(pupil.student_code)],
        context.today(visit.now),
        visit.now,
    )
    visit.wake_sender()
    if recorded.notified:
        text = _("Saved. The results were sent to the family of {name}.")
    else:
        text = _("Saved. No parent of {name} has linked an account yet, so nobody was notified.")
    visit.edit(html.escape(text.format(name=await shown_name(visit, pupil.id))))


async def _late(visit: Visit, context: BotContext, student_id: int) -> None:
    """A press under results no longer waiting: say what became of them, change nothing."""
    _ = visit._
    today = context.today(visit.now)
    if await health.saved_today(visit.session, visit.actor, student_id, today):
        name = await shown_name(visit, student_id)
        visit.alert(_("The results of {name} were already saved.").format(name=name))
    else:
        visit.alert(_("Nothing was saved: these results were cancelled or have expired."))
