"""A parent's view of one child's published results of one period (HTML), for the chat's
/ketqua and the web's family page alike: no rank, no average, no other pupil (Điều 9 TT27)."""

from __future__ import annotations

import html

from bot.core.i18n import Translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item, items_for, subject_value, value_text
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome, Period, RuleError, item_name
from storage.models import AssessmentKind, SchoolClass, Student


def results_text(
    _: Translator,
    student: Student,
    klass: SchoolClass,
    year: str,
    period: Period,
    values: dict[Item, str],
) -> str:
    """One child's results of one period, as the parent reads them (HTML)."""
    lines = [
        _("<b>{name}</b>, class {class_name}").format(
            name=html.escape(student.full_name), class_name=html.escape(klass.name)
        ),
        _("{period}, school year {year}").format(
            period=assessment.period_name(period, _), year=year
        ),
    ]
    if not values:
        lines.append(html.escape(_("No results have been recorded for this period yet.")))
        return "\n".join(lines)
    subjects, qualities = _subject_lines(_, klass, period, values)
    if subjects:
        lines += ["", html.escape(_("Subjects and educational activities:")), *subjects]
    if qualities:
        lines += ["", html.escape(_("Qualities and competences:")), *qualities]
    if period is Period.CN:
        code = assessment.outcome_or_none(values, klass.grade)
        if code is not None:
            lines += [
                "",
                _("End-of-year outcome: <b>{outcome}</b>").format(
                    outcome=html.escape(_(OUTCOME_NAMES[Outcome(code)]))
                ),
            ]
    return "\n".join(lines)


def _subject_lines(
    _: Translator, klass: SchoolClass, period: Period, values: dict[Item, str]
) -> tuple[list[str], list[str]]:
    """The subjects' lines (level, and score where tested) and the qualities' lines (HTML)."""
    subjects, qualities = [], []
    optional = tuple(item.code for item in values if item.kind is AssessmentKind.LEVEL)
    for item in items_for(klass.grade, period, optional):
        if item.kind is AssessmentKind.LEVEL:
            score = _value(values, Item(AssessmentKind.SCORE, item.code))
            stored = _value(values, item)
            if stored is None and score is None:
                continue
            level = value_text(item, stored, _)
            line = _("{subject}: {level}").format(subject=item_name(item.code), level=level)
            if score is not None:
                line = _("{subject}: {level}, test score {score}").format(
                    subject=item_name(item.code), level=level, score=score
                )
            subjects.append("• " + html.escape(line, quote=False))
        elif item.kind is AssessmentKind.QUALITY and item in values:
            line = item.name(_) + ": " + value_text(item, values[item], _)
            qualities.append("• " + html.escape(line, quote=False))
    return subjects, qualities


def _value(values: dict[Item, str], item: Item) -> str | None:
    """A subject's value, from its parts when it has none of its own and they agree."""
    try:
        return subject_value(values, item)
    except RuleError:
        return values.get(item)
