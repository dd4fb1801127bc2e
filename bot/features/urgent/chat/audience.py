"""Urgent notices (/khan), step one: whom to. A homeroom teacher writes to the class; the
principal and vice principals choose the whole school, a grade, or classes one by one."""

from __future__ import annotations

import html

from telegram import Update

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.delivery.audience import Audience
from bot.features.urgent import queries as urgent
from bot.features.urgent.buttons import (
    ChooseClasses,
    ClassesChosen,
    ToggleClass,
    WholeGrade,
    WholeSchool,
)
from bot.features.urgent.queries import PICK, TEXT
from bot.features.urgent.rules import is_leader, own_audience
from storage.queries import school_classes

NOT_FOR_YOU = N_("This button is not for you.")
EXPIRED = N_("This was already sent or cancelled, or it has expired.")
NOT_ALLOWED = N_(
    "Urgent notices are sent by homeroom teachers to their class and by the principal or "
    "vice principals."
)


async def ask_message(visit: Visit, audience: Audience) -> str:
    """Wait for the message to this audience; return the prompt (plain text)."""
    _ = visit._
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        TEXT,
        {"audience": audience.describe()},
        visit.now,
    )
    label = await urgent.audience_label(visit.session, visit.actor.school_id, audience, _)
    return (
        _("Urgent notice to {audience}.").format(audience=label)
        + "\n"
        + _(
            "Send the message now: a text, or a photo or a document with a caption. "
            "You will see a preview before anything is sent."
        )
    )


async def urgent_command(update: Update, context: BotContext) -> None:
    """Start an urgent notice: leaders choose whom to; a homeroom teacher writes to the class."""
    async with context.visit(update) as visit:
        _ = visit._
        if is_leader(visit.actor):
            grades = await urgent.grades(visit.session, visit.actor.school_id)
            rows = [
                [(_("Whole school"), WholeSchool().data())],
                [(_("Grade {grade}").format(grade=g), WholeGrade(g).data()) for g in grades],
                [(_("Choose classes"), ChooseClasses().data())],
            ]
            visit.reply(_("Who is the urgent notice for?"), keyboards.inline(rows), as_html=False)
            return
        audience = own_audience(visit.actor)
        if audience is None:
            visit.reply(_(NOT_ALLOWED), as_html=False)
            return
        visit.reply(await ask_message(visit, audience), as_html=False)


def _leader(visit: Visit) -> bool:
    """Whether the presser chooses audiences; a refusal otherwise."""
    if not is_leader(visit.actor):
        visit.alert(visit._(NOT_FOR_YOU))
        return False
    return True


async def _chosen(visit: Visit, audience: Audience) -> None:
    visit.edit(html.escape(await ask_message(visit, audience)))


async def whole_school(press: WholeSchool, visit: Visit, context: BotContext) -> None:
    """ "Toàn trường"."""
    if _leader(visit):
        await _chosen(visit, Audience.school())


async def whole_grade(press: WholeGrade, visit: Visit, context: BotContext) -> None:
    """A grade of the school."""
    if not _leader(visit):
        return
    if press.grade not in await urgent.grades(visit.session, visit.actor.school_id):
        visit.alert(visit._(EXPIRED))
        return
    await _chosen(visit, Audience.grade(press.grade))


async def choose_classes(press: ChooseClasses, visit: Visit, context: BotContext) -> None:
    """ "Chọn lớp": every class of the school, none ticked yet."""
    if _leader(visit):
        await _picker(visit, [])


async def toggle_class(press: ToggleClass, visit: Visit, context: BotContext) -> None:
    """Tick or untick a class."""
    if not _leader(visit):
        return
    picked = await _picked(visit)
    school_id = visit.actor.school_id
    if picked is None or not await urgent.class_names(visit.session, school_id, [press.class_id]):
        visit.alert(visit._(EXPIRED))
        return
    await _picker(visit, sorted(set(picked) ^ {press.class_id}))


async def classes_chosen(press: ClassesChosen, visit: Visit, context: BotContext) -> None:
    """ "Xong": the ticked classes are the audience."""
    if not _leader(visit):
        return
    picked = await _picked(visit)
    if picked is None:
        visit.alert(visit._(EXPIRED))
        return
    if not picked:
        visit.alert(visit._("Choose at least one class."))
        return
    await _chosen(visit, Audience.classes(*picked))


async def _picked(visit: Visit) -> list[int] | None:
    """The classes ticked so far; None when the person is not choosing classes."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    picked = waiting.data.get("classes") if waiting and waiting.kind == PICK else None
    return [int(c) for c in picked] if isinstance(picked, list) else None


async def _picker(visit: Visit, chosen: list[int]) -> None:
    """Keep the ticked classes and show every class with its tick."""
    _ = visit._
    school_id = visit.actor.school_id
    await pending.expect(
        visit.session, visit.account.id, school_id, PICK, {"classes": chosen}, visit.now
    )
    buttons = [
        (("✓ " if class_id in chosen else "") + name, ToggleClass(class_id).data())
        for class_id, name in await school_classes(visit.session, school_id)
    ]
    visit.edit(
        html.escape(_("Choose the classes, then press Done.")),
        keyboards.choices(buttons, per_row=4, extra=[(_("Done"), ClassesChosen().data())]),
    )
