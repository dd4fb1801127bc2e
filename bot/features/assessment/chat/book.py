"""The assessment book in chat (/sodiem): the class summary spreadsheet out and back in.

The principal's locks, deadlines and publication are in chat/locks.py, the parents' /ketqua in
chat/results.py. Filled sheets come through the core file router (bot/core/inputs.py), which
offers them to `try_file` inside its visit.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated

from telegram import Message, Update

from bot.core import keyboards
from bot.core.callbacks import Button, Max, button
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat import locks as assessment_locks
from bot.features.assessment.documents import (
    NOT_TEMPLATE,
    SheetIdentity,
    SheetPaper,
    SheetPupil,
    build_assessment_sheet,
    is_assessment_sheet,
    problem_text,
    read_identity,
)
from bot.features.assessment.rules import Period, keeps_books, leads_school
from bot.features.assessment.sheet_import import import_sheet
from storage.models import SchoolClass
from storage.queries import class_by_name, school_classes

FEATURE = "book"
MAX_PROBLEMS = 20
NOT_YOURS = N_("This is not one of your classes.")


@button(FEATURE, "t")
@dataclass(frozen=True, slots=True)
class BookTemplate(Button):
    """The choice of a period: send the class's summary spreadsheet of that period."""

    class_id: int
    period: Annotated[str, Max(3)]


@button(FEATURE, "cls")
@dataclass(frozen=True, slots=True)
class BookClass(Button):
    """The administrator's choice of a class, then its periods."""

    class_id: int


async def book_command(update: Update, context: BotContext) -> None:
    """Offer the periods of the class summary spreadsheet (/sodiem, or /sodiem 3A)."""
    args = list(context.args or [])
    async with context.visit(update) as visit:
        _ = visit._
        if not keeps_books(visit.actor):
            visit.reply(
                _("The assessment book is kept by homeroom teachers and the administrator."),
                as_html=False,
            )
            return
        klass = await _chosen_class(visit, args)
        if klass is not None:
            await _periods(visit, context, klass)


async def class_pressed(press: BookClass, visit: Visit, context: BotContext) -> None:
    """A class chosen from the buttons: its periods (only a class the presser keeps)."""
    klass = await assessment.book_class(visit.session, visit.actor, press.class_id)
    if klass is None:
        visit.alert(visit._(NOT_YOURS))
        return
    await _periods(visit, context, klass)


async def _periods(visit: Visit, context: BotContext, klass: SchoolClass) -> None:
    _ = visit._
    year = assessment.school_year_of(context.today(visit.now))
    buttons = []
    for period in Period:
        label = assessment.period_name(period, _)
        if await assessment.is_locked(visit.session, klass.school_id, year, period, klass):
            label = "\U0001f512 " + label
        buttons.append((label, BookTemplate(klass.id, period.value).data()))
    visit.reply(
        _("Class summary of {class_name}, school year {year}: which period?").format(
            class_name=html.escape(klass.name), year=year
        ),
        keyboards.choices(buttons, per_row=2),
    )


async def _chosen_class(visit: Visit, args: list[str]) -> SchoolClass | None:
    """The class named in the command, else the person's own; None after saying why."""
    _, actor = visit._, visit.actor
    if args:
        named = await class_by_name(visit.session, actor.school_id, "".join(args))
        if named is None:
            visit.reply(
                _("There is no class {name} in this school.").format(
                    name=html.escape(" ".join(args))
                )
            )
            return None
        klass = await assessment.book_class(visit.session, actor, named.id)
        if klass is None:
            visit.reply(_(NOT_YOURS), as_html=False)
        return klass
    if actor.homeroom_classes:
        klass = await assessment.book_class(visit.session, actor, min(actor.homeroom_classes))
        if klass is not None:
            return klass
    classes = await school_classes(visit.session, actor.school_id)
    buttons = [(name, BookClass(class_id).data()) for class_id, name in classes]
    visit.reply(html.escape(_("Which class?")), keyboards.choices(buttons, per_row=4))
    return None


async def template_pressed(press: BookTemplate, visit: Visit, context: BotContext) -> None:
    """Send the prefilled summary spreadsheet of a class and period."""
    _ = visit._
    try:
        period = Period(press.period)
    except ValueError:
        return  # not a period any button carries: answered quietly
    klass = await assessment.book_class(visit.session, visit.actor, press.class_id)
    if klass is None:
        visit.alert(_(NOT_YOURS))
        return
    year = assessment.school_year_of(context.today(visit.now))
    template = await assessment.template_of(visit.session, klass, year, period)
    pupils = [SheetPupil(code, name, values) for code, name, values in template.pupils]
    identity = SheetIdentity(klass.school_id, klass.id, klass.name, year, period)
    paper = SheetPaper(
        context.today(visit.now), template.place, template.homeroom_teacher, template.principal
    )
    data = await asyncio.to_thread(
        partial(
            build_assessment_sheet,
            template.school_name,
            identity,
            klass.grade,
            pupils,
            _,
            paper=paper,
            optional=template.optional,
        )
    )
    caption = _(
        "Fill in the results on a computer (T/H/C for subjects, T/Đ/C for qualities and "
        "competences, whole-number scores), then send this file back here."
    )
    if template.locked:
        caption += "\n" + _("This period is locked: changes now go through /suadiem.")
    filename = f"tong-hop-{klass.name}-{period.value}-{year}.xlsx"
    visit.later(
        lambda: context.bot.send_document(
            visit.chat_id,
            data,
            filename=filename,
            caption=html.escape(caption, quote=False),
        )
    )


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: Path, name: str, file_id: str
) -> bool:
    """Take a filled class summary spreadsheet; False if the file is not one."""
    if not keeps_books(visit.actor):
        return False
    if not await asyncio.to_thread(is_assessment_sheet, path):
        return False
    _ = visit._
    identity = await asyncio.to_thread(read_identity, path)
    if identity is None:
        visit.reply(_(NOT_TEMPLATE), as_html=False)
        return True
    klass = await assessment.sheet_class(visit.session, visit.actor, identity.class_id)
    if klass is None:
        visit.reply(_(NOT_YOURS), as_html=False)
        return True
    year, period = assessment.school_year_of(context.today(visit.now)), identity.period
    expected = SheetIdentity(visit.actor.school_id, klass.id, klass.name, year, period)
    stored = await import_sheet(
        visit.session, path, expected=expected, klass=klass, by=visit.account.id, actor=visit.who
    )
    if stored.locked:
        text = _(
            "The results of {period} are locked for class {class_name}: nothing was "
            "saved. Changes now go through /suadiem."
        ).format(period=assessment.period_name(period, _), class_name=klass.name)
    elif stored.problems:
        lines = [_("Nothing was saved: please fix these rows and send the file again.")]
        lines += [problem_text(problem, _) for problem in stored.problems[:MAX_PROBLEMS]]
        text = "\n".join(lines)
    else:
        text = _.ngettext(
            "Received the results of {pupils} pupil, {changed} items changed.",
            "Received the results of {pupils} pupils, {changed} items changed.",
            stored.pupils,
        ).format(pupils=stored.pupils, changed=stored.changed)
        if stored.notes:
            lines = [text, _("Saved, but these subjects have no result yet: please resolve them.")]
            lines += [problem_text(note, _) for note in stored.notes[:MAX_PROBLEMS]]
            text = "\n".join(lines)
    visit.reply(text, as_html=False)
    return True


async def book_or_locks(update: Update, context: BotContext) -> None:
    """The "Sổ điểm" button: the class spreadsheet for its keepers, the locks for the leaders."""
    async with context.visit(update) as visit:
        keeper, leader = keeps_books(visit.actor), leads_school(visit.actor)
    if leader and not keeper:
        await assessment_locks.lock_command(update, context)
    else:
        await book_command(update, context)
