"""Health check results: stored with BMI-for-age (WHO 2007), shown to the child's guardians only.

Parents get a short notice without any figure (it shows in previews, design.md section 5) and
open the details with a button; the details read as a screening result, never a diagnosis.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.callbacks import pack
from bot.core.i18n import N_, Translator, translator
from bot.delivery.outbox import (
    REPLY,
    Audience,
    BulkOutcome,
    Draft,
    enqueue_notice,
    enqueue_per_pupil,
    resolve,
)
from bot.features.health.documents import HEALTH_HEADERS, HEALTH_REQUIRED, TEXT_LIMIT, HealthRow
from bot.features.health.growth import (
    Growth,
    Nutrition,
    assess,
    parse_height,
    parse_vision,
    parse_weight,
)
from bot.features.weekly.queries import clean
from storage.models import (
    CommentKind,
    HealthCheck,
    Notice,
    Role,
    SchoolClass,
    Student,
    StudentStatus,
    WeeklyComment,
)
from storage.names import nfc
from storage.queries import audit
from storage.roster.cells import CellError
from storage.roster.problems import FileRefused
from storage.roster.table import locate, read_rows

KIND = "health"
ALERT_KIND = "health_alert"
ALERT_LIMIT = 3000
ENTRY_FIELDS = 7
FULL_SIGHT = 10  # tenths: 10/10
SEE_DETAILS = N_("See details")
ALERT_TITLE = N_("Health notice")

NUTRITION_LABELS = {
    Nutrition.SEVERE_THINNESS: N_("Severe wasting"),
    Nutrition.THINNESS: N_("Wasting (thinness)"),
    Nutrition.NORMAL: N_("Normal weight for age"),
    Nutrition.OVERWEIGHT: N_("Overweight"),
    Nutrition.OBESITY: N_("Obesity"),
}
STUNTED = N_("Stunting (low height for age)")
NUTRITION_ADVICE = N_("Please take your child to a health facility for advice on nutrition.")
EYE_ADVICE = N_("Eyesight below 10/10: please take your child to an eye doctor for a check.")
NOT_A_DIAGNOSIS = N_(
    "This is a screening result from the health check at school, not a medical diagnosis. "
    "If you have any concern, please take your child to see a doctor."
)
ENTRY_FORMAT = N_(
    'Write at least the height and the weight, separated by ";" (for example 128; 26,5).'
)
TEXT_TOO_LONG = N_("A text in the results may have at most 500 characters.")
ALERT_EMPTY = N_("The notice is empty.")
ALERT_TOO_LONG = N_("The notice has {length} characters; the limit is {limit}.")

_TITLE_CLASS = re.compile(r"^(?:Lớp|Class)\s+(\S{1,20})$", re.IGNORECASE)
_HEAD_ROWS = 20


@dataclass(frozen=True, slots=True)
class HealthEntry:
    """One pupil's results typed in chat: height and weight required, the rest optional."""

    height_cm: float
    weight_kg: float
    vision_left: int | None = None
    vision_right: int | None = None
    teeth: str | None = None
    spine: str | None = None
    notes: str | None = None

    def row(self, student_code: str) -> HealthRow:
        """The entry as a sheet row of that pupil."""
        return HealthRow(
            0,
            student_code,
            self.height_cm,
            self.weight_kg,
            self.vision_left,
            self.vision_right,
            self.teeth,
            self.spine,
            self.notes,
        )


def parse_entry(text: str) -> HealthEntry:
    """Read "height; weight; left eye; right eye; teeth; spine; notes", raising CellError."""
    parts = [part.strip() for part in nfc(text).split(";", ENTRY_FIELDS - 1)]
    parts += [""] * (ENTRY_FIELDS - len(parts))
    if not parts[0] or not parts[1]:
        raise CellError(ENTRY_FORMAT)
    height, weight = parse_height(parts[0]), parse_weight(parts[1])
    left, right = (parse_vision(part) if part else None for part in parts[2:4])
    texts = parts[4:]
    if any(len(value) > TEXT_LIMIT for value in texts):
        raise CellError(TEXT_TOO_LONG)
    teeth, spine, notes = (value or None for value in texts)
    return HealthEntry(height, weight, left, right, teeth, spine, notes)


def sheet_class(path: Path) -> str | None:
    """The class named in a health sheet's title rows ("" when none); None if not a health sheet.

    Blocking (openpyxl): run it in a thread.
    """
    head: list[str] = []
    for number, row in read_rows(path):
        if number > _HEAD_ROWS:
            break
        head += [cell.strip() for cell in row if isinstance(cell, str)]
    try:
        locate(read_rows(path), HEALTH_HEADERS, HEALTH_REQUIRED)
    except FileRefused:
        return None
    for text in head:
        match = _TITLE_CLASS.match(text)
        if match is not None:
            return match.group(1)
    return ""


def screen(student: Student, measured_on: date, height_cm: float, weight_kg: float) -> Growth:
    """BMI and, when the birth date and gender are known, the WHO 2007 z-scores."""
    if student.birth_date is None or student.gender is None:
        bmi = round(weight_kg / (height_cm / 100) ** 2, 1)
        return Growth(0, bmi, None, None, None, None)
    return assess(student.gender, student.birth_date, measured_on, height_cm, weight_kg)


async def _pupils_by_code(session: AsyncSession, actor: Actor, class_id: int) -> dict[str, Student]:
    klass = await session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != actor.school_id:
        raise ValueError(f"class {class_id} is not in this school")
    pupils = await session.scalars(
        select(Student).where(
            Student.class_id == class_id, Student.status == StudentStatus.STUDYING
        )
    )
    return {pupil.student_code: pupil for pupil in pupils}


def _check(student: Student, row: HealthRow, measured_on: date) -> HealthCheck:
    growth = screen(student, measured_on, row.height_cm, row.weight_kg)
    return HealthCheck(
        school_id=student.school_id,
        student_id=student.id,
        measured_on=measured_on,
        height_cm=row.height_cm,
        weight_kg=row.weight_kg,
        vision_left=row.vision_left,
        vision_right=row.vision_right,
        teeth=row.teeth,
        spine=row.spine,
        notes=row.notes,
        bmi=growth.bmi,
        bmi_z=growth.bmi_z,
        height_z=growth.height_z,
        nutrition=growth.nutrition.value if growth.nutrition else None,
        stunted=growth.stunted,
    )


async def assess_rows(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    rows: Sequence[HealthRow],
    measured_on: date,
) -> list[HealthCheck]:
    """The checks the rows would store, not added to the session (a dry run)."""
    if not actor.has(Role.MEDICAL):
        raise PermissionError("only the school nurse records health checks")
    pupils = await _pupils_by_code(session, actor, class_id)
    missing = [row.student_code for row in rows if row.student_code not in pupils]
    if missing:
        raise ValueError(f"not pupils of class {class_id}: {missing}")
    return [_check(pupils[row.student_code], row, measured_on) for row in rows]


async def record_checks(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    rows: Sequence[HealthRow],
    measured_on: date,
    who: str,
) -> list[HealthCheck]:
    """Store a class's results with BMI-for-age; only the nurse, only pupils of that class."""
    checks = await assess_rows(session, actor, class_id, rows, measured_on)
    for check in checks:
        check.recorded_by = actor.account.id
    session.add_all(checks)
    await session.flush()
    audit(
        session,
        school_id=actor.school_id,
        actor=who,
        action="health.recorded",
        entity="class",
        entity_id=class_id,
        after={"measured_on": measured_on.isoformat(), "count": len(checks)},
    )
    return checks


def categories(checks: Sequence[HealthCheck]) -> Counter[str]:
    """How many checks fall in each screening category (nutrition values, "stunted", ...)."""
    counted: Counter[str] = Counter()
    for check in checks:
        counted[check.nutrition or "not_assessed"] += 1
        if check.stunted:
            counted["stunted"] += 1
        if _low_sight(check):
            counted["eyesight"] += 1
    return counted


def _low_sight(check: HealthCheck) -> bool:
    return any(
        eye is not None and eye < FULL_SIGHT for eye in (check.vision_left, check.vision_right)
    )


def notice_text(check: HealthCheck, student_name: str, class_name: str, _: Translator) -> str:
    """The short notice: no figure and no result, only that the results are ready."""
    return _(
        "The results of the regular health check of {date} for {name} (class {class_name}) "
        'are ready. Please press "{button}" to read them.'
    ).format(
        date=check.measured_on.strftime("%d/%m/%Y"),
        name=f"<b>{html.escape(student_name)}</b>",
        class_name=html.escape(class_name),
        button=_(SEE_DETAILS),
    )


async def notify(
    session: AsyncSession,
    school_id: int,
    checks: Sequence[HealthCheck],
    created_by: int | None,
    now: datetime,
) -> BulkOutcome:
    """Queue one short notice per pupil for that pupil's guardians, with a details button."""
    names = await _names(session, [check.student_id for check in checks])
    vi, en = translator("vi"), translator("en")
    drafts = {
        check.student_id: Draft(
            KIND,
            notice_text(check, *names[check.student_id], vi),
            f"health:{check.id}",
            translations={"en": notice_text(check, *names[check.student_id], en)},
            buttons=[(SEE_DETAILS, pack("hlth", "show", check.id)), REPLY],
        )
        for check in checks
    }
    return await enqueue_per_pupil(session, school_id, drafts, created_by=created_by, now=now)


async def _names(session: AsyncSession, student_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = await session.execute(
        select(Student.id, Student.full_name, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.id.in_(list(student_ids)))
    )
    return {pupil: (name, klass) for pupil, name, klass in rows}


def _number(value: float, _: Translator, decimals: int | None = None) -> str:
    """A number as the reader writes it: "16,2" in Vietnamese, "16.2" in English."""
    written = f"{value:.1f}" if decimals == 1 else f"{value:.1f}".removesuffix(".0")
    return written.replace(".", ",") if _.language == "vi" else written


def _sight(tenths: int | None) -> str:
    return "–" if tenths is None else f"{tenths}/10"


def details(check: HealthCheck, student_name: str, class_name: str, _: Translator) -> str:
    """The results as the child's guardians read them (HTML), worded as a screening result."""
    title = _("Health check results")
    lines = [
        f"<b>{html.escape(title)}</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=f"<b>{html.escape(student_name)}</b>", class_name=html.escape(class_name)
        ),
        _("Date of the check: {date}").format(date=check.measured_on.strftime("%d/%m/%Y")),
        "",
        _("Height: {value} cm").format(value=_number(check.height_cm, _)),
        _("Weight: {value} kg").format(value=_number(check.weight_kg, _)),
        _("BMI: {value}").format(value=_number(check.bmi, _, 1)),
    ]
    lines += _nutrition(check, _)
    if check.vision_left is not None or check.vision_right is not None:
        lines.append(
            _("Eyesight: left eye {left}, right eye {right}").format(
                left=_sight(check.vision_left), right=_sight(check.vision_right)
            )
        )
        if _low_sight(check):
            lines.append(f"<i>{html.escape(_(EYE_ADVICE))}</i>")
    for label, value in (
        (_("Teeth and mouth: {text}"), check.teeth),
        (_("Spine: {text}"), check.spine),
        (_("Notes from the school nurse: {text}"), check.notes),
    ):
        if value:
            lines.append(label.format(text=html.escape(value)))
    lines += ["", f"<i>{html.escape(_(NOT_A_DIAGNOSIS))}</i>"]
    return "\n".join(lines)


def _nutrition(check: HealthCheck, _: Translator) -> list[str]:
    if check.nutrition is None:
        return [_("Nutrition (BMI for age): not assessed")]
    status = Nutrition(check.nutrition)
    lines = [_("Nutrition (BMI for age): {result}").format(result=_(NUTRITION_LABELS[status]))]
    if check.stunted:
        lines.append(_("Height for age: {result}").format(result=_(STUNTED)))
    if status is not Nutrition.NORMAL or check.stunted:
        lines.append(f"<i>{html.escape(_(NUTRITION_ADVICE))}</i>")
    return lines


async def check_for(
    session: AsyncSession, actor: Actor, check_id: int
) -> tuple[HealthCheck, str, str] | None:
    """A check with the pupil's name and class, if this person may see the child's health."""
    check = await session.get(HealthCheck, check_id)
    if check is None or check.school_id != actor.school_id:
        return None
    pupil = await _pupil_shown(session, actor, check.student_id)
    return None if pupil is None else (check, *pupil)


async def note_for(
    session: AsyncSession, actor: Actor, comment_id: int
) -> tuple[WeeklyComment, str, str] | None:
    """The nurse's weekly note with the pupil's name and class, if this person may see it."""
    note = await session.get(WeeklyComment, comment_id)
    if note is None or note.school_id != actor.school_id or note.kind is not CommentKind.HEALTH:
        return None
    pupil = await _pupil_shown(session, actor, note.student_id)
    return None if pupil is None else (note, *pupil)


async def _pupil_shown(
    session: AsyncSession, actor: Actor, student_id: int
) -> tuple[str, str] | None:
    """The pupil's name and class, if this person may see the child's health."""
    found = (
        await session.execute(
            select(Student.full_name, Student.class_id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id == student_id)
        )
    ).first()
    if found is None:
        return None
    name, class_id, class_name = found
    if not actor.can_see_health(student_id, class_id):
        return None
    return name, class_name


def note_details(note: WeeklyComment, student_name: str, class_name: str, _: Translator) -> str:
    """The nurse's weekly note as the child's guardians read it (HTML)."""
    title = _("Health note from the school nurse, week of {date}").format(
        date=note.week_start.strftime("%d/%m/%Y")
    )
    return "\n".join(
        [
            f"<b>{html.escape(title)}</b>",
            _("Pupil: {name}, class {class_name}").format(
                name=f"<b>{html.escape(student_name)}</b>", class_name=html.escape(class_name)
            ),
            "",
            html.escape(note.text),
        ]
    )


def may_alert(actor: Actor) -> bool:
    """School-wide health notices: the nurse and the principal."""
    return actor.has(Role.MEDICAL, Role.PRINCIPAL)


def alert_problem(text: str) -> tuple[str, dict[str, object]] | None:
    """Why a school-wide notice cannot be sent as written (msgid, params), or None."""
    cleaned = clean(text)
    if not cleaned:
        return ALERT_EMPTY, {}
    if len(cleaned) > ALERT_LIMIT:
        return ALERT_TOO_LONG, {"length": len(cleaned), "limit": ALERT_LIMIT}
    return None


def alert_html(text: str, _: Translator) -> str:
    """The notice as families get it: a bold title, then the text, escaped."""
    return f"<b>{html.escape(_(ALERT_TITLE))}</b>\n{html.escape(clean(text))}"


async def school_families(session: AsyncSession, school_id: int) -> int:
    """How many accounts a school-wide notice to families would reach."""
    return len((await resolve(session, school_id, Audience.school())).accounts)


async def school_alert(
    session: AsyncSession, actor: Actor, text: str, now: datetime
) -> Notice | None:
    """Queue a health notice for every family of the school; None if refused."""
    if not may_alert(actor) or alert_problem(text) is not None:
        return None
    notice = await enqueue_notice(
        session,
        actor.school_id,
        Audience.school(),
        ALERT_KIND,
        alert_html(text, translator("vi")),
        report_to=actor.account.chat_id,
        created_by=actor.account.id,
        now=now,
    )
    notice.buttons = [list(REPLY)]
    audit(
        session,
        school_id=actor.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action="health.alert",
        entity="notice",
        entity_id=notice.id,
    )
    return notice
