"""Correction requests, the teacher's first steps (/suadiem): the class, the pupil, the period and
the item to correct, each a typed press (buttons.py); then the draft (draft.py) takes over.
Buttons carry the pupil, the period and the item's place in the period's list, never rights:
every step checks again from the records (queries.py, reads.py).
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import (
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    SubjectLevel,
)
from bot.features.corrections import queries as corrections
from bot.features.corrections import reads
from bot.features.corrections.chat.buttons import (
    PickClass,
    PickItem,
    PickPeriod,
    PickPupil,
    PickValue,
)
from bot.features.corrections.chat.card import expect
from bot.features.corrections.chat.draft import calendar_of, cancel_row, year_of
from bot.features.corrections.chat.late import (
    DRAFTS,
    WAIT_PICK,
    WAIT_VALUE,
    closed,
    new_flow,
    open_form,
)
from bot.features.corrections.rules import NOT_YOURS, Refused, classes_in_scope
from storage.models import AssessmentKind, SchoolClass, Student
from storage.queries import class_name

NOT_TEACHER = N_("Correction requests are filed by homeroom and subject teachers.")


async def command(update: Update, context: BotContext) -> None:
    """/suadiem: start a correction request."""
    async with context.visit(update) as visit:
        _ = visit._
        classes = sorted(classes_in_scope(visit.actor))
        if not classes:
            visit.reply(_(NOT_TEACHER), as_html=False)
            return
        flow = new_flow()
        await expect(visit, WAIT_PICK, {"flow": flow})
        if len(classes) == 1:
            visit.reply(*await _pupils(visit, classes[0], flow))
            return
        names = [(await class_name(visit.session, c)) or "?" for c in classes]
        buttons = [(n, PickClass(c, flow).data()) for n, c in zip(names, classes, strict=True)]
        which = html.escape(_("Which class is the correction for?"))
        visit.reply(which, keyboards.choices(buttons, per_row=3))


async def _pupils(visit: Visit, class_id: int, flow: str) -> tuple[str, InlineKeyboardMarkup]:
    pupils = await reads.class_pupils(visit.session, class_id, visit._)
    buttons = [(label, PickPupil(sid, flow).data()) for sid, label in pupils]
    klass = await class_name(visit.session, class_id)
    text = visit._("Class {class_name}: which pupil?").format(class_name=html.escape(klass or ""))
    return text, keyboards.choices(buttons)


async def class_pressed(press: PickClass, visit: Visit, context: BotContext) -> None:
    """The class: its pupils."""
    if press.class_id not in classes_in_scope(visit.actor):
        visit.alert(visit._(NOT_YOURS))
        return
    if await open_form(visit, press.flow, WAIT_PICK) is None:
        await closed(visit, press.flow)
        return
    visit.edit(*await _pupils(visit, press.class_id, press.flow))


async def _pupil(visit: Visit, student_id: int) -> tuple[Student, SchoolClass] | None:
    """The pupil and the class, or None after a refusal (a pupil the teacher does not teach)."""
    found = await reads.pupil_in_scope(visit.session, visit.actor, student_id)
    if found is None:
        visit.alert(visit._(NOT_YOURS))
    return found


def _period(code: str) -> Period | None:
    try:
        return Period(code)
    except ValueError:
        return None  # no button carries it: answered quietly


async def pupil_pressed(press: PickPupil, visit: Visit, context: BotContext) -> None:
    """The pupil: which period."""
    found = await _pupil(visit, press.student_id)
    if found is None:
        return
    if await open_form(visit, press.flow, WAIT_PICK) is None:
        await closed(visit, press.flow)
        return
    student, klass = found
    _ = visit._
    buttons = [
        (assessment.period_name(period, _), PickPeriod(student.id, period.value, press.flow).data())
        for period in Period
    ]
    text = _("{pupil}, class {class_name}: which period?").format(
        pupil=html.escape(await reads.pupil_label(visit.session, student, _)),
        class_name=html.escape(klass.name),
    )
    visit.edit(text, keyboards.choices(buttons))


async def period_pressed(press: PickPeriod, visit: Visit, context: BotContext) -> None:
    """The period: the items the teacher may ask for, with the values the book holds."""
    period = _period(press.period)
    found = None if period is None else await _pupil(visit, press.student_id)
    if period is None or found is None:
        return
    if await open_form(visit, press.flow, WAIT_PICK) is None:
        await closed(visit, press.flow)
        return
    student, klass = found
    _ = visit._
    book = await assessment.pupil_results(
        visit.session, student.id, year_of(context, visit), period
    )
    buttons = []
    optional = await assessment.optional_subjects(visit.session, klass)
    for index, item in enumerate(corrections.items_in_scope(visit.actor, klass, period, optional)):
        row = book.get(item)
        value = assessment.value_text(item, row.value if row else None, _)
        data = PickItem(student.id, period.value, index, press.flow).data()
        buttons.append((f"{item.name(_)}: {value}", data))
    text = _("{pupil}, {period}: which result should be corrected?").format(
        pupil=html.escape(await reads.pupil_label(visit.session, student, _)),
        period=assessment.period_name(period, _),
    )
    visit.edit(text, keyboards.choices(buttons, per_row=1))


async def _item_at(klass: SchoolClass, period: Period, visit: Visit, index: int) -> Item | None:
    optional = await assessment.optional_subjects(visit.session, klass)
    items = corrections.items_in_scope(visit.actor, klass, period, optional)
    return items[index] if 0 <= index < len(items) else None


async def item_pressed(press: PickItem, visit: Visit, context: BotContext) -> None:
    """The item: checked (locked, before the deadline, no open request), then the new value."""
    _ = visit._
    period = _period(press.period)
    if period is None:
        return
    found = await reads.pupil_in_scope(visit.session, visit.actor, press.student_id)
    item = None if found is None else await _item_at(found[1], period, visit, press.index)
    if found is None or item is None:
        visit.alert(_(NOT_YOURS))
        return
    form = await open_form(visit, press.flow, WAIT_PICK, *DRAFTS)
    if form is None:
        await closed(visit, press.flow)
        return
    try:
        text, markup = await begin_item(
            visit, context, found[0], period, item, str(form.get("flow") or press.flow)
        )
    except Refused as refused:
        visit.alert(refused.message(_))
        return
    visit.edit(text, markup)


async def begin_item(
    visit: Visit, context: BotContext, student: Student, period: Period, item: Item, flow: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The item checked (locked, before the deadline, no open request; Refused says why not),
    the form kept as waiting for the new value; the question and its buttons."""
    _ = visit._
    target = await corrections.check_target(
        visit.session,
        visit.actor,
        student_id=student.id,
        school_year=year_of(context, visit),
        period=period,
        item=item,
        today=context.today(visit.now),
        calendar=await calendar_of(visit, context),
    )
    draft = {"student": target.student.id, "period": period.value, "item": item.key}
    flow = flow or new_flow()
    await expect(visit, WAIT_VALUE, draft | {"year": target.school_year, "flow": flow})
    text = _("{pupil}, {period}, {item}: the book holds {value}.").format(
        pupil=html.escape(await reads.pupil_label(visit.session, target.student, _)),
        period=assessment.period_name(period, _),
        item=item.name(_),
        value=assessment.value_text(item, target.old_value, _),
    )
    if item.kind is AssessmentKind.SCORE:
        text += "\n" + _("Please type the correct score (a whole number from 0 to 10).")
    else:
        text += "\n" + _("Please choose the correct level (or type it).")
    return text, _value_buttons(item, target.old_value, flow, _)


def _value_buttons(
    item: Item, recorded: str | None, flow: str, _: Translator
) -> InlineKeyboardMarkup:
    """The levels the item can be corrected to (every level but the one recorded; a score is
    typed), and "Hủy"."""
    levels: list[tuple[str, str]] = []
    if item.kind is AssessmentKind.LEVEL:
        levels = [(_(SUBJECT_LEVEL_NAMES[s]), s.value) for s in SubjectLevel]
    elif item.kind is AssessmentKind.QUALITY:
        levels = [(_(QUALITY_LEVEL_NAMES[q]), q.value) for q in QualityLevel]
    buttons = [(label, PickValue(code, flow).data()) for label, code in levels if code != recorded]
    return keyboards.choices([*buttons, cancel_row(_, flow)], 1)
