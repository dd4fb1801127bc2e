"""The nurse's /suckhoe: a class, then what to do for it (the spreadsheet template, one pupil's
results, a weekly health note), and the class's pupils to choose from."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

from telegram import Update

from bot.core import keyboards
from bot.core.callbacks import Button
from bot.core.context import BotContext, Visit
from bot.features.health import queries as health
from bot.features.health import senders
from bot.features.health.buttons import (
    ClassChosen,
    EntryPupil,
    EntryPupils,
    NotePupil,
    NotePupils,
    TemplateWanted,
)
from bot.features.health.rules import NOT_FOR_YOU, may_record
from bot.features.health.template import HealthPaper, build_health_template
from bot.features.weekly.queries import class_pupils, class_roll
from storage.models import SchoolClass
from storage.queries import school_classes


async def health_command(update: Update, context: BotContext) -> None:
    """Let the nurse choose a class to work on."""
    async with context.visit(update) as visit:
        _ = visit._
        if not may_record(visit.actor):
            visit.reply(_("This is for the school nurse."), as_html=False)
            return
        classes = await school_classes(visit.session, visit.actor.school_id)
        buttons = [(name, ClassChosen(class_id).data()) for class_id, name in classes]
        visit.reply(_("Which class?"), keyboards.choices(buttons, per_row=4), as_html=False)


async def _nurse_class(visit: Visit, class_id: int) -> SchoolClass | None:
    """The class, if the presser is the nurse of its school; otherwise the press is refused."""
    klass = await health.nurse_class(visit.session, visit.actor, class_id)
    if klass is None:
        visit.alert(visit._(NOT_FOR_YOU))
    return klass


async def class_chosen(press: ClassChosen, visit: Visit, context: BotContext) -> None:
    """What the nurse can do for the class."""
    _ = visit._
    klass = await _nurse_class(visit, press.class_id)
    if klass is None:
        return
    text = _(
        "Class {name}: what would you like to do? You can also send the filled spreadsheet here."
    ).format(name=klass.name)
    markup = keyboards.inline(
        [
            [(_("Download the spreadsheet template"), TemplateWanted(klass.id).data())],
            [(_("Enter results for one pupil"), EntryPupils(klass.id).data())],
            [(_("Weekly health note"), NotePupils(klass.id).data())],
        ]
    )
    visit.edit(html.escape(text), markup)


async def template_wanted(press: TemplateWanted, visit: Visit, context: BotContext) -> None:
    """Send the class's spreadsheet, prefilled with its pupils."""
    _ = visit._
    klass = await _nurse_class(visit, press.class_id)
    if klass is None:
        return
    pupils = [(code, name) for _i, code, name in await class_pupils(visit.session, klass.id)]
    school_id = visit.actor.school_id
    signers = await senders.sheet_signers(
        visit.session,
        school_id,
        visit.account.id,
        context.today(visit.now),
        context.settings.school_place or "",
    )
    paper = HealthPaper(
        await senders.school_name(visit.session, school_id),
        klass.name,
        signers.nurse,
        signers.principal,
        signers.place,
        signers.day,
    )
    data = await asyncio.to_thread(build_health_template, paper, pupils, _)
    caption = html.escape(
        _(
            "Fill in the results of class {name} and send the file back here. Leave a row "
            "blank for a pupil who was not checked."
        ).format(name=klass.name)
    )
    bot, chat_id, file_name = context.bot, visit.chat_id, f"suc-khoe-{klass.name}.xlsx"
    visit.later(lambda: bot.send_document(chat_id, data, filename=file_name, caption=caption))


async def entry_pupils(press: EntryPupils, visit: Visit, context: BotContext) -> None:
    """The class's pupils, to type one pupil's results."""
    await _pupils(visit, press.class_id, EntryPupil)


async def note_pupils(press: NotePupils, visit: Visit, context: BotContext) -> None:
    """The class's pupils, to write one pupil's weekly health note."""
    await _pupils(visit, press.class_id, NotePupil)


async def _pupils(visit: Visit, class_id: int, step: Callable[[int], Button]) -> None:
    _ = visit._
    klass = await _nurse_class(visit, class_id)
    if klass is None:
        return
    pupils = await class_roll(visit.session, klass.id)  # namesakes told apart
    buttons = [(pupil.label, step(pupil.student_id).data()) for pupil in pupils]
    visit.edit(
        html.escape(_("Class {name}: which pupil?").format(name=klass.name)),
        keyboards.choices(buttons, per_row=2),
    )
