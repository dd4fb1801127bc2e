"""Into the official system (issue 17 §6): a period's approved corrections as one list, in the
order the national database's screens ask for them (class, pupil code, name, item, old, new,
decision date, minutes number), so that the official record is updated from one sheet.

Reads only; the spreadsheet is laid out by official_sheet.py. Who may download it is
`may_export` (the administrator, who enters it; the school's leaders, who decided it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import N_, Translator, translator
from bot.core.labels import ASSESSMENT_KIND_LABELS
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import QUALITIES, Period, item_name
from bot.features.corrections.rules import minutes_number
from bot.features.corrections.settings import school_paper
from storage.models import (
    AssessmentKind,
    CorrectionRequest,
    CorrectionState,
    Role,
    School,
    SchoolClass,
    Staff,
    Student,
)
from storage.names import class_list_key, collation_key, split_name
from storage.queries import staff_by_role

EXPORTERS = (Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
NOT_EXPORTER = N_(
    "Only the system administrator and the school's leaders can download the corrections for "
    "the official system."
)
# Approved, whatever came after: to enter, entered and waiting for signatures, signed.
APPROVED = (CorrectionState.APPROVED, CorrectionState.APPLIED, CorrectionState.SIGNED)
# The note column, on the school's paper (Vietnamese whatever the reader's language).
NOTES = {
    CorrectionState.APPROVED: "Chưa cập nhật trên hệ thống",
    CorrectionState.APPLIED: "Chờ ký biên bản",
    CorrectionState.SIGNED: "",
}


def may_export(actor: Actor) -> bool:
    """Whether this person may download the list (the administrator, the leaders)."""
    return actor.has(*EXPORTERS)


@dataclass(frozen=True, slots=True)
class OfficialRow:
    """One correction as the national database's screens ask for it."""

    class_name: str
    student_code: str
    pupil: str
    item: str
    old: str
    new: str
    decided: str  # dd/mm/yyyy in the school's zone
    minutes: str  # "01/BB-THNK", "" before the three signed
    note: str


@dataclass(frozen=True, slots=True)
class OfficialList:
    """A period's approved corrections, with what the paper's heading and signatures need."""

    school_name: str
    authority: str | None
    place: str
    school_year: str
    period: Period
    period_name: str
    day: date
    maker: str  # who downloads it: the "Người lập bảng"
    principal: str
    rows: tuple[OfficialRow, ...]


def official_item(item: Item, _: Translator) -> str:
    """ "Âm nhạc — điểm kiểm tra định kỳ", "Toán — mức đạt được", "Trung thực": a part by its
    own name (assessment.rules.item_name)."""
    if item.kind is AssessmentKind.QUALITY:
        return QUALITIES.get(item.code, item.code)
    return f"{item_name(item.code)} — {_(ASSESSMENT_KIND_LABELS[item.kind].chat)}"


async def official_list(
    session: AsyncSession,
    actor: Actor,
    *,
    school_year: str,
    period: Period,
    today: date,
) -> OfficialList:
    """The school's approved corrections of `period` in `school_year`, by class then pupil in
    the Vietnamese order, then item, then decision."""
    school = await session.get(School, actor.school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone or "Asia/Ho_Chi_Minh")
    paper = school_paper(school)
    tr = translator("vi")
    found = await session.execute(
        select(CorrectionRequest, Student, SchoolClass)
        .join(Student, Student.id == CorrectionRequest.student_id)
        .join(SchoolClass, SchoolClass.id == CorrectionRequest.class_id)
        .where(
            CorrectionRequest.school_id == school.id,
            CorrectionRequest.school_year == school_year,
            CorrectionRequest.period == period.value,
            CorrectionRequest.state.in_(APPROVED),
        )
    )
    ordered = sorted(
        found.all(),
        key=lambda row: (
            row[2].grade,
            collation_key(row[2].name),
            class_list_key(split_name(row[1].full_name)),
            row[1].student_code,
            row[0].decided_at or row[0].created_at,
            row[0].id,
        ),
    )
    rows = tuple(
        _row(request, student, klass, zone, paper.abbreviation, tr)
        for request, student, klass in ordered
    )
    return OfficialList(
        school_name=school.name,
        authority=paper.governing_body,
        place=paper.place or "",
        school_year=school_year,
        period=period,
        period_name=assessment.period_name(period, tr),
        day=today,
        maker=await _name(session, actor.account.staff_id),
        principal=await _principal(session, school.id),
        rows=rows,
    )


def _row(
    request: CorrectionRequest,
    student: Student,
    klass: SchoolClass,
    zone: ZoneInfo,
    abbreviation: str | None,
    tr: Translator,
) -> OfficialRow:
    item = Item(request.kind, request.item)
    decided = request.decided_at or request.created_at
    numbered = request.minutes_number is not None
    return OfficialRow(
        class_name=klass.name,
        student_code=student.student_code,
        pupil=student.full_name,
        item=official_item(item, tr),
        old=assessment.value_text(item, request.old_value, tr),
        new=assessment.value_text(item, request.new_value, tr),
        decided=decided.astimezone(zone).strftime("%d/%m/%Y"),
        minutes=minutes_number(request.minutes_number, abbreviation) if numbered else "",
        note=NOTES[request.state],
    )


async def _name(session: AsyncSession, staff_id: int | None) -> str:
    staff = None if staff_id is None else await session.get(Staff, staff_id)
    return staff.full_name if staff is not None else ""


async def _principal(session: AsyncSession, school_id: int) -> str:
    principals = await staff_by_role(session, school_id, Role.PRINCIPAL)
    return principals[0].full_name if principals else ""
