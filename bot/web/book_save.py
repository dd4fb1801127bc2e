"""Saving one cell of the assessment grid: one request, one unit of work, the spreadsheet
import's own steps (bot/features/assessment/sheet_import.store_sheet, with a sheet of one pupil
and one item), so the web keeps no rule of its own:

- the value read by `parse_value` (T/H/C, T/Đ/C or in words, whole scores 0-10, only where the
  TT27 matrix has the item), its refusal in the teacher's language; an empty cell removes the
  value, as in the sheet;
- a subject's value outside its parts' is refused, parts that do not make a result yet are
  saved with a note (`subject_value`, as the sheet's rows are checked);
- the period locked or the item locked again by a correction: nothing is stored (store_sheet
  checks it in this transaction), the cell goes through /suadiem.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.core.context import Services
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.documents import (
    AssessmentSheet,
    SheetIdentity,
    SheetRow,
    cell_value,
    column_title,
)
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import PART_OF, PARTS, Period, RuleError
from bot.features.assessment.rules.parts import NOT_BETWEEN
from bot.features.assessment.sheet_import import LOCKED_ITEM, store_sheet
from bot.features.weekly.queries import class_pupils
from bot.web.book import BookOf, book_of
from bot.web.family import NOT_FOUND
from bot.web.render import page
from bot.web.security import record_id
from bot.web.signin import FORM_EXPIRED, Endpoint, common
from bot.web.teacher_save import OUTDATED, SAVED, SIGNED_OUT, Refused, wants_json
from bot.web.visit import WebVisit, web_visit
from storage.models import AssessmentKind

# The chat's own sentence (assessment/chat/book.py), for a cell of a locked period.
PERIOD_LOCKED = N_(
    "The results of {period} are locked for class {class_name}: nothing was "
    "saved. Changes now go through /suadiem."
)


@dataclass(frozen=True, slots=True)
class Cell:
    """A checked post: the class's book, the period, the pupil (id and student code), the item
    and its stored value (None: removed)."""

    mine: BookOf
    period: Period
    pupil: int
    code: str
    item: Item
    value: str | None


async def checked(visit: WebVisit) -> Cell:
    """The posted cell if signed in, with this session's token, by the class's homeroom teacher,
    for this school year, a pupil of the class and a value the rules take; else Refused."""
    _ = visit._
    if visit.actor is None:
        raise Refused(403, _(SIGNED_OUT))
    form = await visit.form_ok()
    if form is None:
        raise Refused(403, _(FORM_EXPIRED))
    mine = await book_of(visit)
    period = next((p for p in Period if p.value == form.get("period")), None)
    item = Item.from_key(form.get("item", ""))
    pupil = record_id(form.get("pupil"))
    if mine is None or period is None or item is None or pupil is None:
        raise Refused(404, _(NOT_FOUND))
    if form.get("year") != mine.school_year:
        raise Refused(409, _(OUTDATED))
    codes = {i: code for i, code, _name in await class_pupils(visit.session, mine.klass.id)}
    if pupil not in codes:
        raise Refused(404, _(NOT_FOUND))
    optional = await assessment.optional_subjects(visit.session, mine.klass)
    text = form.get("value", "").strip()
    if not text:
        if item not in assessment.items_for(mine.klass.grade, period, optional):
            raise Refused(404, _(NOT_FOUND))
        return Cell(mine, period, pupil, codes[pupil], item, None)
    try:
        value = assessment.parse_value(
            item, text, grade=mine.klass.grade, period=period, optional=optional
        )
    except RuleError as error:
        raise Refused(422, error.message(_)) from error
    return Cell(mine, period, pupil, codes[pupil], item, value)


async def parts_note(visit: WebVisit, cell: Cell) -> str:
    """For a subject with parts: "" when they agree with it; the note of a sheet's row when the
    parts make no result yet; Refused when the subject's value lies outside its parts'."""
    subject = PART_OF.get(cell.item.code, cell.item.code)
    if cell.item.kind is AssessmentKind.QUALITY or subject not in PARTS:
        return ""
    held = await assessment.pupil_results(
        visit.session, cell.pupil, cell.mine.school_year, cell.period
    )
    values = {item: row.value for item, row in held.items() if item != cell.item}
    if cell.value is not None:
        values[cell.item] = cell.value
    try:
        assessment.subject_value(values, Item(cell.item.kind, subject))
    except RuleError as error:
        if error.msgid == NOT_BETWEEN:
            raise Refused(422, error.message(visit._)) from error
        return error.message(visit._)
    return ""


async def store(visit: WebVisit, cell: Cell) -> None:
    """The cell through the spreadsheet import's store_sheet: locks checked, recorded, audited."""
    assert visit.account is not None
    klass, period = cell.mine.klass, cell.period
    sheet = AssessmentSheet(
        rows={cell.code: SheetRow(0, {cell.item: cell.value})},
        titles={cell.item: column_title(cell.item)},
    )
    identity = SheetIdentity(klass.school_id, klass.id, klass.name, cell.mine.school_year, period)
    stored = await store_sheet(
        visit.session,
        sheet,
        identity=identity,
        klass=klass,
        student_ids={cell.code: cell.pupil},
        by=visit.account.id,
        actor=visit.who,
    )
    if stored.locked:
        name = assessment.period_name(period, visit._)
        raise Refused(409, visit._(PERIOD_LOCKED).format(period=name, class_name=klass.name))
    if stored.problems:
        raise Refused(409, visit._(LOCKED_ITEM))


async def answer_refusal(visit: WebVisit, refused: Refused) -> Response:
    """JSON for the grid's script; the plain message page otherwise."""
    if wants_json(visit.request):
        return JSONResponse({"ok": False, "message": refused.message}, status_code=refused.status)
    context = await common(visit)
    return page(
        "message.html", visit._, status_code=refused.status, message=refused.message, **context
    )


def save_cell(services: Services) -> Endpoint:
    """POST /teacher/book/cell: one pupil's item of a period (csrf, year, period, pupil, item,
    value)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            try:
                cell = await checked(visit)
                note = await parts_note(visit, cell)
                await store(visit, cell)
            except Refused as refused:
                return await answer_refusal(visit, refused)
            shown = "" if cell.value is None else str(cell_value(cell.item, cell.value))
            if wants_json(request):
                answer = {"ok": True, "message": visit._(SAVED), "value": shown, "note": note}
                return JSONResponse(answer)
            where = f"{visit.base}/teacher/book?period={cell.period.value}#p{cell.pupil}"
            return RedirectResponse(where, status_code=303)

    return endpoint
