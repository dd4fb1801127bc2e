"""The minutes of a correction (biên bản sửa chữa điểm, sửa chữa mức đánh giá) as a .docx."""

from __future__ import annotations

import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from bot.core.datefmt import administrative, short
from bot.core.i18n import Translator
from bot.core.labels import ASSESSMENT_KIND_LABELS
from bot.features.assessment.rules import (
    PART_NAMES,
    PERIOD_NAMES,
    QUALITIES,
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
)
from bot.features.assessment.rules import item_name as assessment_item_name
from bot.features.corrections import evidence_kinds
from bot.features.corrections import layout as page
from storage.models import AssessmentKind
from storage.subjects import SUBJECTS

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HEADING_COLUMNS = (Cm(6.5), Cm(9.5))
FACT_COLUMNS = (Cm(5.0), Cm(11.0))


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """A file the teacher gave as evidence: named as people name it ("ảnh 1"); its size and
    digest go to the archive's index, not to the minutes."""

    name: str
    size: int
    sha256: str
    label: str = ""
    kind: str = ""  # what it shows, in words ("" for a file kept before files had kinds)


@dataclass(frozen=True, slots=True)
class Act:
    """Something a person did, in a role, at a moment: asking, confirming (None: not yet)."""

    name: str
    role: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Decision:
    """The deciding leader's decision."""

    name: str
    role: str
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Applied:
    """The administrator's change in the official system."""

    name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Minutes:
    """Everything the minutes say, already rendered as text; times are aware datetimes."""

    school_name: str
    place: str
    day: date
    number: str  # "01/BB-THNK" (rules.minutes_number), never a database id
    pupil: str
    student_code: str
    class_name: str
    school_year: str
    period: str
    item: str
    old_value: str
    new_value: str
    reason: str
    reason_text: str
    evidence: tuple[EvidenceFile, ...]
    requester: Act
    decision: Decision
    applied: Applied
    confirmations: tuple[Act, Act, Act]  # principal, administrator, teacher
    authority: str | None = None  # the governing body, e.g. "UBND PHƯỜNG XUÂN HÒA"
    outcome_before: str | None = None
    outcome_after: str | None = None
    zone: ZoneInfo = VIETNAM
    born: date | None = None  # tells the pupil apart from a namesake, with the student ID
    acting: bool = False  # the vice principal decided and signs for the principal (KT.)
    draft: bool = False  # the draft the three read before they sign (DỰ THẢO)
    evidence_kinds: tuple[str, ...] = ()  # in words: "trang sổ theo dõi chất lượng giáo dục"


def moment(at: datetime | None, zone: ZoneInfo) -> str:
    """Return "09:15 05/02/2027" in the school's time zone ("…" for a moment not come yet)."""
    return "…" if at is None else at.astimezone(zone).strftime("%H:%M %d/%m/%Y")


def clock_words(at: datetime, zone: ZoneInfo, _: Translator) -> str:
    """Return "09 giờ 15 phút" in the school's time zone (the administrative way)."""
    local = at.astimezone(zone)
    return _("{hour} h {minute} min").format(hour=f"{local.hour:02d}", minute=f"{local.minute:02d}")


def period_label(period: str, _: Translator) -> str:
    """Return a period's name ("Cuối học kì I"); an unknown code as it is."""
    try:
        return _(PERIOD_NAMES[Period(period)])
    except ValueError:
        return period


def item_name(kind: AssessmentKind, item: str) -> str:
    """Return the subject's (or part's: "level.AN" is "Âm nhạc"), quality's or competence's
    official Vietnamese name."""
    if kind is AssessmentKind.QUALITY:
        return QUALITIES.get(item, item)
    return assessment_item_name(item) if item in SUBJECTS or item in PART_NAMES else item


def item_label(kind: AssessmentKind, item: str, _: Translator) -> str:
    """Return "Toán — điểm kiểm tra định kỳ"."""
    return f"{item_name(kind, item)} — {_(ASSESSMENT_KIND_LABELS[kind].formal)}"


def value_label(kind: AssessmentKind, value: str | None, _: Translator) -> str:
    """Return a level by its name ("Hoàn thành tốt") and a score as its digits."""
    if value is None or kind is AssessmentKind.SCORE:
        return value or "—"
    names: Iterable[tuple[enum.Enum, str]] = (
        QUALITY_LEVEL_NAMES if kind is AssessmentKind.QUALITY else SUBJECT_LEVEL_NAMES
    ).items()
    folded = value.replace("Đ", "D").replace("đ", "d").upper()
    for level, name in names:
        if value == level.value or folded == level.name:
            return _(name)
    return value


def build_minutes(m: Minutes, _: Translator) -> bytes:
    """Return the minutes as a .docx in the administrative style of Nghị định 30/2020."""
    document = Document()
    page.page_and_font(document, _.language)
    page.page_numbers(document)
    document.core_properties.title = page.nfc(_("Correction of a score or an assessment level"))
    document.core_properties.author = page.nfc(m.school_name)
    if m.draft:
        page.centred(document.add_paragraph(), _("DRAFT"), bold=True, size=Pt(14))
    _heading(document, m, _)
    page.centred(document.add_paragraph(), _("MINUTES"), bold=True, before=12)
    page.centred(
        document.add_paragraph(),
        _("Correction of a score or an assessment level"),
        bold=True,
        rule=True,
    )
    page.write(document.add_paragraph(), _opening(m, _), before=12)
    for number, act in enumerate(m.confirmations, start=1):
        role = (
            _("{role}, for the principal").format(role=act.role)
            if m.acting and number == 1
            else act.role
        )
        member = page.write(document.add_paragraph(), f"{number}. {act.name} — {role}")
        member.paragraph_format.left_indent = Cm(1)
    page.write(document.add_paragraph(), _("record the correction of this assessment result:"))
    _facts(document, _rows(m, _))
    closing = _(
        "The correction was made in the official system and the result was locked again at "
        "once. The three parties confirmed these minutes electronically; they are kept with the "
        "evidence until the pupil leaves the school."
    )
    page.write(document.add_paragraph(), closing, before=6).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    end = page.write(document.add_paragraph(), _ending(m, _), before=6)
    end.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    end.paragraph_format.keep_with_next = True
    _signatures(document, m, _)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _span(m: Minutes) -> tuple[datetime | None, datetime | None]:
    """When the drawing up began and ended: the first and the last confirmation."""
    times = [act.at for act in m.confirmations if act.at is not None]
    if m.draft or not times:
        return None, None
    return min(times), max(times)


def _opening(m: Minutes, _: Translator) -> str:
    """ "Hôm nay, vào lúc 09 giờ 15 phút, ngày 05/02/2027, tại Trường …, chúng tôi gồm:"."""
    began, _ended = _span(m)
    if began is None:
        return _("Today, {date}, at {school}, we, the undersigned:").format(
            date=short(m.day), school=m.school_name
        )
    return _("Today, at {time}, {date}, at {school}, we, the undersigned:").format(
        time=clock_words(began, m.zone, _),
        date=short(began.astimezone(m.zone).date()),
        school=m.school_name,
    )


def _ending(m: Minutes, _: Translator) -> str:
    """ "Biên bản kết thúc lúc … cùng ngày, được lập thành 03 bản có giá trị như nhau …"."""
    began, ended = _span(m)
    if began is None or ended is None:
        return _(
            "The minutes end at … the same day and are made in 03 copies of equal value: one "
            "kept by the school, one for the teacher, one for the system administrator; the "
            "members read them and confirmed them."
        )
    same = began.astimezone(m.zone).date() == ended.astimezone(m.zone).date()
    day = _("the same day") if same else short(ended.astimezone(m.zone).date())
    return _(
        "The minutes end at {time} {day} and are made in 03 copies of equal value: one kept by "
        "the school, one for the teacher, one for the system administrator; the members read "
        "them and confirmed them."
    ).format(time=clock_words(ended, m.zone, _), day=day)


def _rows(m: Minutes, _: Translator) -> list[tuple[str, list[str]]]:
    """The facts, label by label; a value may take several lines."""
    done = _("{name}, {role}, at {time}")
    rows = [
        (_("School year"), [m.school_year]),
        (_("Pupil"), [m.pupil]),
        *([(_("Date of birth"), [short(m.born)])] if m.born else []),
        (_("Student ID"), [m.student_code]),
        (_("Class"), [m.class_name]),
        (_("Assessment period"), [m.period]),
        (_("Item corrected"), [m.item]),
        (_("Recorded result"), [m.old_value]),
        (_("Corrected result"), [m.new_value]),
        (_("Reason"), [m.reason]),
        (_("Explanation"), [m.reason_text]),
    ]
    if m.outcome_before is not None or m.outcome_after is not None:
        rows.append((_("End-of-year outcome before the correction"), [m.outcome_before or "—"]))
        rows.append((_("End-of-year outcome after the correction"), [m.outcome_after or "—"]))
    files = [(f.kind, f.label or f.name) for f in m.evidence]
    evidence = evidence_kinds.listed(files, m.evidence_kinds, _)
    r, d, a = m.requester, m.decision, m.applied
    return [
        *rows,
        (_("Evidence"), evidence or [_("No evidence")]),
        (_("Requested by"), [done.format(name=r.name, role=r.role, time=moment(r.at, m.zone))]),
        (_("Decision"), [d.text]),
        (_("Decided by"), [done.format(name=d.name, role=d.role, time=moment(d.at, m.zone))]),
        (
            _("Changed in the official system by"),
            [_("{name}, at {time}").format(name=a.name, time=moment(a.at, m.zone))],
        ),
    ]


def minutes_fields(data: bytes) -> dict[str, str]:
    """Read the minutes' facts back, label to value; each signer's role to their lines."""
    tables = Document(io.BytesIO(data)).tables
    fields = {
        page.nfc(row.cells[0].text): "\n".join(p.text for p in row.cells[1].paragraphs)
        for row in tables[1].rows
    }
    for cell, below in zip(tables[2].rows[0].cells, tables[2].rows[1].cells, strict=True):
        role, *lines = [p.text for p in (*cell.paragraphs, *below.paragraphs) if p.text]
        fields[role] = "\n".join(lines)
    return fields


def _heading(document: DocumentObject, m: Minutes, _: Translator) -> None:
    """The two-column heading: the school on the left, the national motto on the right."""
    table = page.table(document, 2, 2, HEADING_COLUMNS)
    left, right = table.rows[0].cells
    lines = [] if m.authority is None else m.authority.splitlines()
    for line in lines:
        page.centred(page.cell_paragraph(left), line.upper(), size=Pt(12))
    page.centred(
        page.cell_paragraph(left), m.school_name.upper(), size=Pt(12), bold=True, rule=True
    )
    left.paragraphs[-1].paragraph_format.space_after = Pt(0)
    page.centred(
        page.cell_paragraph(right), _("SOCIALIST REPUBLIC OF VIETNAM"), size=Pt(12), bold=True
    )
    page.centred(
        page.cell_paragraph(right), _("Independence - Freedom - Happiness"), bold=True, rule=True
    )
    left, right = table.rows[1].cells
    page.centred(page.cell_paragraph(left), _("No. {number}").format(number=m.number), before=6)
    page.centred(
        page.cell_paragraph(right), administrative(m.day, _, m.place), italic=True, before=6
    )


def _facts(document: DocumentObject, rows: list[tuple[str, list[str]]]) -> None:
    """The label/value table a reader (and `minutes_fields`) reads the facts from."""
    table = page.table(document, len(rows), 2, FACT_COLUMNS, grid=True)
    for row, (label, lines) in zip(table.rows, rows, strict=True):
        page.write(page.cell_paragraph(row.cells[0]), label, bold=True)
        for line in lines:
            page.write(page.cell_paragraph(row.cells[1]), line)


def _signatures(document: DocumentObject, m: Minutes, _: Translator) -> None:
    """Three columns: each signer's role, the moment they confirmed, and their name; the row
    never splits across pages. A vice principal deciding in the principal's absence signs
    "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG"."""
    width = Cm(page.TEXT_WIDTH.cm / 3)
    table = page.table(document, 2, 3, (width, width, width))  # the names level on one row
    cells = zip(table.rows[0].cells, table.rows[1].cells, m.confirmations, strict=True)
    for number, (cell, below, act) in enumerate(cells):
        if m.acting and number == 0:
            page.centred(page.cell_paragraph(cell), _("FOR THE PRINCIPAL"), bold=True, before=12)
            page.centred(page.cell_paragraph(cell), _("VICE PRINCIPAL"), bold=True)
        else:
            page.centred(page.cell_paragraph(cell), act.role, bold=True, caps=True, before=12)
        if act.at is None:
            confirmed = _("Not confirmed yet")
        else:
            confirmed = _("Confirmed at {time}").format(time=moment(act.at, m.zone))
        page.centred(page.cell_paragraph(cell), f"({confirmed})", italic=True, size=Pt(12))
        page.centred(page.cell_paragraph(below), act.name, bold=True, before=48)
    page.keep_together(table)
