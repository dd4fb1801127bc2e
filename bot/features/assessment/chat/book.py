"""The assessment book in chat (/sodiem): the class summary spreadsheet out and back in.

The principal's locks, deadlines and publication are in bot/features/assessment/chat/locks.py, the
parents' /ketqua in assessment_results.py; this module routes every "book" button and returns
all three modules' handlers. Filled sheets come through the upload router (inputs.py).
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards
from bot.core.access import WHOLE_SCHOOL
from bot.core.callbacks import BadCallback, Callback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.presses import alert
from bot.delivery.replies import reply_long
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat import locks as assessment_locks
from bot.features.assessment.chat import results as assessment_results
from bot.features.assessment.documents import (
    NOT_TEMPLATE,
    SheetIdentity,
    SheetPupil,
    build_assessment_sheet,
    is_assessment_sheet,
    problem_text,
    read_identity,
)
from bot.features.assessment.rules import Period
from bot.features.assessment.sheet_import import import_sheet
from bot.features.weekly.queries import class_pupils
from storage.models import Role, School, SchoolClass
from storage.queries import class_by_name, school_classes

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "book"
MAX_PROBLEMS = 20
NOT_YOURS = N_("This is not one of your classes.")


async def _book_class(visit: Visit, class_id: int) -> SchoolClass | None:
    """The class if this person keeps its book: its homeroom teacher or the administrator."""
    klass = await visit.session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != visit.actor.school_id:
        return None
    if visit.actor.has(Role.ADMIN) or (
        visit.actor.has(Role.HOMEROOM) and class_id in visit.actor.homeroom_classes
    ):
        return klass
    return None


async def book_command(update: Update, context: BotContext) -> None:
    """Offer the periods of the class summary spreadsheet (/sodiem, or /sodiem 3A)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        actor = visit.actor
        if not actor.has(Role.HOMEROOM, Role.ADMIN):
            await message.reply_text(
                _("The assessment book is kept by homeroom teachers and the administrator.")
            )
            return
        args = context.args or []
        klass: SchoolClass | None = None
        if args:
            klass = await class_by_name(visit.session, actor.school_id, "".join(args))
            if klass is None:
                await message.reply_text(
                    _("There is no class {name} in this school.").format(
                        name=html.escape(" ".join(args))
                    )
                )
                return
            klass = await _book_class(visit, klass.id)
            if klass is None:
                await message.reply_text(_(NOT_YOURS))
                return
        elif actor.homeroom_classes:
            klass = await _book_class(visit, min(actor.homeroom_classes))
        if klass is None:
            names = ", ".join(
                name for _id, name in await school_classes(visit.session, actor.school_id)
            )
            await message.reply_text(
                _("Which class? Write for example /sodiem 3A. Classes: {names}").format(
                    names=html.escape(names)
                )
            )
            return
        year = assessment.school_year_of(context.today(visit.now))
        buttons = []
        for period in Period:
            label = assessment.period_name(period, _)
            if await assessment.is_locked(visit.session, actor.school_id, year, period, klass):
                label = "\U0001f512 " + label
            buttons.append((label, pack(FEATURE, "t", klass.id, period.value)))
        await message.reply_text(
            _("Class summary of {class_name}, school year {year}: which period?").format(
                class_name=html.escape(klass.name), year=year
            ),
            reply_markup=keyboards.choices(buttons, per_row=2),
            parse_mode=ParseMode.HTML,
        )


async def pressed(update: Update, context: BotContext) -> None:
    """Every button of the assessment book: a period's template, a child, a child's period."""
    query = update.callback_query
    assert query is not None
    try:
        press = parse(query.data)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        try:
            if press.action == "t":
                await _send_template(query, visit, context, press)
            elif press.action == "c":
                await assessment_results.child_pressed(query, visit, context, press)
            elif press.action == "r":
                await assessment_results.period_pressed(query, visit, context, press)
        except (BadCallback, ValueError):
            return


async def _send_template(
    query: CallbackQuery, visit: Visit, context: BotContext, press: Callback
) -> None:
    """Send the prefilled summary spreadsheet of a class and period."""
    _ = visit._
    period = Period(press.args[1])
    klass = await _book_class(visit, press.int_arg(0))
    if klass is None:
        await alert(query, _(NOT_YOURS))
        return
    school = await visit.session.get(School, klass.school_id)
    assert school is not None and query.message is not None
    year = assessment.school_year_of(context.today(visit.now))
    book = await assessment.class_results(visit.session, klass.id, year, period)
    pupils = [
        SheetPupil(code, name, book.get(student_id, {}))
        for student_id, code, name in await class_pupils(visit.session, klass.id)
    ]
    identity = SheetIdentity(school.id, klass.id, klass.name, year, period)
    data = await asyncio.to_thread(
        build_assessment_sheet, school.name, identity, klass.grade, pupils, _
    )
    caption = _(
        "Fill in the results on a computer (T/H/C for subjects, T/Đ/C for qualities and "
        "competences, whole-number scores), then send this file back here."
    )
    if await assessment.is_locked(visit.session, school.id, year, period, klass):
        caption += "\n" + _("This period is locked: changes now go through /suadiem.")
    await context.bot.send_document(
        query.message.chat.id,
        data,
        filename=f"tong-hop-{klass.name}-{period.value}-{year}.xlsx",
        caption=caption,
    )


async def _sheet_class(visit: Visit, identity: SheetIdentity) -> SchoolClass | None:
    """The class a returned sheet is checked against: the file's for the administrator."""
    actor = visit.actor
    if actor.has(Role.ADMIN):
        klass = await _book_class(visit, identity.class_id)
        if klass is not None:
            return klass
    if actor.has(Role.HOMEROOM) and actor.homeroom_classes:
        return await _book_class(visit, min(actor.homeroom_classes))
    return None


async def try_file(
    message: Message, visit: Visit, context: BotContext, path: Path, name: str, file_id: str
) -> bool:
    """Take a filled class summary spreadsheet; False if the file is not one."""
    if not visit.actor.has(Role.HOMEROOM, Role.ADMIN):
        return False
    if not await asyncio.to_thread(is_assessment_sheet, path):
        return False
    _ = visit._
    identity = await asyncio.to_thread(read_identity, path)
    if identity is None:
        await message.reply_text(_(NOT_TEMPLATE))
        return True
    klass = await _sheet_class(visit, identity)
    if klass is None:
        await message.reply_text(_(NOT_YOURS))
        return True
    year, period = assessment.school_year_of(context.today(visit.now)), identity.period
    expected = SheetIdentity(visit.actor.school_id, klass.id, klass.name, year, period)
    stored = await import_sheet(
        visit.session, path, expected=expected, klass=klass, by=visit.account.id, actor=visit.who
    )
    if stored.locked:
        await message.reply_text(
            _(
                "The results of {period} are locked for class {class_name}: nothing was "
                "saved. Changes now go through /suadiem."
            ).format(period=assessment.period_name(period, _), class_name=klass.name)
        )
        return True
    problems = stored.problems
    if problems:
        lines = [_("Nothing was saved: please fix these rows and send the file again.")]
        lines += [problem_text(problem, _) for problem in problems[:MAX_PROBLEMS]]
        await reply_long(message, "\n".join(lines))
        return True
    await message.reply_text(
        _.ngettext(
            "Received the results of {pupils} pupil, {changed} items changed.",
            "Received the results of {pupils} pupils, {changed} items changed.",
            stored.pupils,
        ).format(pupils=stored.pupils, changed=stored.changed)
    )
    return True


async def book_or_locks(update: Update, context: BotContext) -> None:
    """The "Sổ điểm" button: the class spreadsheet for its keepers, the locks for the leaders."""
    async with context.visit(update) as visit:
        keeper = visit.actor.has(Role.HOMEROOM, Role.ADMIN)
        leader = visit.actor.has(*WHOLE_SCHOOL)
    if leader and not keeper:
        await assessment_locks.lock_command(update, context)
    else:
        await book_command(update, context)
