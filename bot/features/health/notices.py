"""What people read about health: the families' short notice and its details, the nurse's weekly
note, a school-wide notice, and the nurse's count of results by screening category.

Every text here is Telegram HTML with names and typed texts escaped; results read as a screening
result, never a diagnosis.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence

from bot.core.i18n import N_, Translator
from bot.features.health.eyesight import Eye, Sight, read
from bot.features.health.growth import Nutrition
from bot.features.health.senders import Sender
from bot.features.weekly.rules import clean
from storage.models import HealthCheck, WeeklyComment

SEE_DETAILS = N_("See details")
ALERT_TITLE = N_("Health notice")
CHECK_TITLE = N_("Health check results")
NUTRITION_LABELS = {
    Nutrition.SEVERE_THINNESS: N_("Severe wasting"),
    Nutrition.THINNESS: N_("Wasting (thinness)"),
    Nutrition.NORMAL: N_("Normal weight for age"),
    Nutrition.OVERWEIGHT: N_("Overweight"),
    Nutrition.OBESITY: N_("Obesity"),
}
STUNTED = N_("Stunting (low height for age)")
CATEGORY_LABELS = {
    **{status.value: label for status, label in NUTRITION_LABELS.items()},
    "stunted": STUNTED,
    "eyesight": N_("Eyesight below 10/10"),
    "not_assessed": N_("Nutrition not assessed (birth date or gender missing)"),
}
NUTRITION_ADVICE = N_("Please take your child to a health facility for advice on nutrition.")
EYE_ADVICE = N_("Eyesight below 10/10: please take your child to an eye doctor for a check.")
NOT_A_DIAGNOSIS = N_(
    "This is a screening result from the health check at school, not a medical diagnosis. "
    "If you have any concern, please take your child to see a doctor."
)


def notice_text(
    check: HealthCheck, student_name: str, class_name: str, sender: Sender, _: Translator
) -> str:
    """The short notice: no figure and no result, only that the results are ready, under the
    school's name and who sends it (the nurse, by name)."""
    ready = _(
        "The results of the regular health check of {date} for {name} (class {class_name}) "
        'are ready. Please press "{button}" to read them.'
    ).format(
        date=check.measured_on.strftime("%d/%m/%Y"),
        name=f"<b>{html.escape(student_name)}</b>",
        class_name=html.escape(class_name),
        button=_(SEE_DETAILS),
    )
    return "\n".join([f"<b>{html.escape(_(CHECK_TITLE))}</b>", *sender.lines(_), "", ready])


def details(check: HealthCheck, student_name: str, class_name: str, _: Translator) -> str:
    """The results as the child's guardians read them (HTML), worded as a screening result."""
    title = _(CHECK_TITLE)
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
    left, right = eyes(check)
    if any((left.bare, left.glasses, right.bare, right.glasses)):
        lines.append(
            html.escape(
                _("Eyesight: left eye {left}, right eye {right}").format(
                    left=eye_text(left, _), right=eye_text(right, _)
                )
            )
        )
        if low_sight(check):
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


def _number(value: float, _: Translator, decimals: int | None = None) -> str:
    """A number as the reader writes it: "16,2" in Vietnamese, "16.2" in English."""
    written = f"{value:.1f}" if decimals == 1 else f"{value:.1f}".removesuffix(".0")
    return written.replace(".", ",") if _.language == "vi" else written


def eyes(check: HealthCheck) -> tuple[Eye, Eye]:
    """The left and the right eye as stored, each without and with glasses."""
    return (
        Eye(read(check.vision_left), read(check.vision_left_glasses)),
        Eye(read(check.vision_right), read(check.vision_right_glasses)),
    )


def eye_text(eye: Eye, _: Translator) -> str:
    """ "7/10", "6/10, có kính 10/10", "–" for an eye not checked (plain text)."""
    bare = sight_text(eye.bare, _) if eye.bare else ""
    if eye.glasses is None:
        return bare or "–"
    glasses = _("with glasses {value}").format(value=sight_text(eye.glasses, _))
    return f"{bare}, {glasses}" if bare else glasses


def sight_text(sight: Sight | None, _: Translator) -> str:
    """One value as a family reads it: "7/10", "7/10 (thiếu 2 chữ)", "đếm ngón tay ở 3 m"."""
    if sight is None:
        return "–"
    if sight.fingers:
        metres = f"{sight.metres:g}"
        distance = metres.replace(".", ",") if _.language == "vi" else metres
        return _("counting fingers at {distance} m").format(distance=distance)
    if sight.missed:
        value = f"{sight.tenths}/{sight.over}"
        return _.ngettext(
            "{value} ({count} letter missed)", "{value} ({count} letters missed)", sight.missed
        ).format(value=value, count=sight.missed)
    return sight.written


def low_sight(check: HealthCheck) -> bool:
    """Either eye below 10/10 as the child sees in class (with glasses when measured with
    them); a blank eye makes no claim."""
    return any(eye.low for eye in eyes(check))


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


def alert_html(text: str, _: Translator, sender: Sender | None = None) -> str:
    """The notice as families get it: a bold title, the school and who sends it ("Nhân viên
    y tế, Lê Thị Mai", "Ban giám hiệu"), then the text, escaped."""
    head = [f"<b>{html.escape(_(ALERT_TITLE))}</b>", *(sender.lines(_) if sender else [])]
    return "\n".join(head) + f"\n\n{html.escape(clean(text))}"


def categories(checks: Sequence[HealthCheck]) -> Counter[str]:
    """How many checks fall in each screening category (nutrition values, "stunted", ...)."""
    counted: Counter[str] = Counter()
    for check in checks:
        counted[check.nutrition or "not_assessed"] += 1
        if check.stunted:
            counted["stunted"] += 1
        if low_sight(check):
            counted["eyesight"] += 1
    return counted


def category_lines(checks: Sequence[HealthCheck], _: Translator) -> list[str]:
    """One line per screening category with results in it (plain text, no names)."""
    counted = categories(checks)
    return [
        _("{label}: {count}").format(label=_(label), count=counted[key])
        for key, label in CATEGORY_LABELS.items()
        if counted[key]
    ]
