"""The items of a pupil's periodic results, their values as stored and as people read them.

Items are (kind, code): a subject's level, a subject's test score, or a quality's or
competence's level. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.i18n import N_, Translator
from bot.core.labels import ASSESSMENT_KIND_LABELS
from bot.features.assessment.rules import (
    PERIOD_NAMES,
    QUALITIES,
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
    YearEnd,
    has_test,
    parse_quality_level,
    parse_score,
    parse_subject_level,
    subjects_taught,
)
from bot.features.calendar.queries import school_year_start
from storage.models import AssessmentKind
from storage.subjects import subject_name


def school_year_of(day: date) -> str:
    """The school year a day belongs to, as schools write it: "2026-2027" (it turns in August)."""
    start = school_year_start(day).year
    return f"{start}-{start + 1}"


@dataclass(frozen=True, slots=True, order=True)
class Item:
    """One entry of a pupil's periodic results."""

    kind: AssessmentKind
    code: str

    @property
    def key(self) -> str:
        """A short stable text form, for callback data and drafts: "score.TOAN"."""
        return f"{self.kind.value}.{self.code}"

    @classmethod
    def from_key(cls, key: str) -> Item | None:
        """The item of `key`, or None when it is not one."""
        kind, _dot, code = key.partition(".")
        try:
            item = cls(AssessmentKind(kind), code)
        except ValueError:
            return None
        known = QUALITIES if item.kind is AssessmentKind.QUALITY else _SUBJECT_CODES
        return item if code in known else None

    def name(self, _: Translator) -> str:
        """ "Toán — điểm kiểm tra", "Toán — mức đạt được", "Trung thực"."""
        if self.kind is AssessmentKind.QUALITY:
            return QUALITIES[self.code]
        return _("{subject} — {what}").format(
            subject=subject_name(self.code), what=_(ASSESSMENT_KIND_LABELS[self.kind].chat)
        )


_SUBJECT_CODES = frozenset(code for grade in (1, 2, 3, 4, 5) for code in subjects_taught(grade))


def items_for(grade: int, period: Period) -> list[Item]:
    """Every item of a pupil of `grade` at `period`: levels, the scores tested, the qualities."""
    items: list[Item] = []
    for code in subjects_taught(grade):
        items.append(Item(AssessmentKind.LEVEL, code))
        if has_test(code, grade, period):
            items.append(Item(AssessmentKind.SCORE, code))
    items.extend(Item(AssessmentKind.QUALITY, code) for code in QUALITIES)
    return items


def parse_value(item: Item, text: str, *, grade: int, period: Period) -> str:
    """The stored form of a value typed or chosen for `item`; RuleError when it is not valid."""
    if item.kind is AssessmentKind.SCORE:
        return str(parse_score(text, item.code, grade, period))
    if item.kind is AssessmentKind.LEVEL:
        if item.code not in subjects_taught(grade):
            raise RuleError(
                N_("{subject} is not taught in grade {grade}."),
                subject=subject_name(item.code),
                grade=grade,
            )
        return parse_subject_level(text).value
    return parse_quality_level(text).value


def value_text(item: Item, value: str | None, _: Translator) -> str:
    """A stored value as people read it: "Hoàn thành tốt", "8", "Đạt"; "—" when there is none."""
    if value is None:
        return "—"
    if item.kind is AssessmentKind.SCORE:
        return value
    if item.kind is AssessmentKind.LEVEL:
        return _(SUBJECT_LEVEL_NAMES[SubjectLevel(value)])
    return _(QUALITY_LEVEL_NAMES[QualityLevel(value)])


def period_name(period: Period | str, _: Translator) -> str:
    """ "Giữa học kì I" and so on."""
    return _(PERIOD_NAMES[Period(period)])


def year_end_of(values: Mapping[Item, str], grade: int) -> YearEnd:
    """The end-of-year record (the outcome's inputs) from a pupil's CN values."""
    levels: dict[str, SubjectLevel] = {}
    qualities: dict[str, QualityLevel | None] = {}
    scores: dict[str, int] = {}
    for item, value in values.items():
        if item.kind is AssessmentKind.LEVEL:
            levels[item.code] = SubjectLevel(value)
        elif item.kind is AssessmentKind.SCORE:
            scores[item.code] = int(value)
        else:
            qualities[item.code] = QualityLevel(value)
    return YearEnd(grade, levels, qualities, scores)


def outcome_or_none(values: Mapping[Item, str], grade: int) -> str | None:
    """The end-of-year outcome's code, or None while the CN record is incomplete."""
    try:
        return year_end_of(values, grade).outcome().value
    except RuleError:
        return None


def describe(values: Iterable[tuple[Item, str]], _: Translator) -> list[str]:
    """Lines "Toán — điểm kiểm tra: 8" for a message."""
    return [f"{item.name(_)}: {value_text(item, value, _)}" for item, value in sorted(values)]


def snapshot(changed: Mapping[Item, tuple[str | None, str | None]]) -> dict[str, Any]:
    """What changed, for the audit log."""
    return {item.key: {"old": old, "new": new} for item, (old, new) in changed.items()}
