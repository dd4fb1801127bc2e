"""The items of a pupil's periodic results, their values as stored and as people read them.

Items are (kind, code): a subject's level, a subject's test score, or a quality's or
competence's level. A subject with parts (rules/parts.py) has items for each part too, and the
optional subjects a school teaches get a level. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.i18n import N_, Translator
from bot.core.labels import ASSESSMENT_KIND_LABELS
from bot.features.assessment.rules import (
    OPTIONAL,
    PART_NAMES,
    PART_OF,
    PARTS,
    PERIOD_NAMES,
    QUALITIES,
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
    YearEnd,
    combine_parts,
    has_test,
    item_name,
    parse_quality_level,
    parse_score,
    parse_subject_level,
    qualities_of,
    subjects_taught,
)
from bot.features.calendar.queries import school_year_start
from storage.models import AssessmentKind


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
            subject=item_name(self.code), what=_(ASSESSMENT_KIND_LABELS[self.kind].chat)
        )


_SUBJECT_CODES = (
    frozenset(code for grade in (1, 2, 3, 4, 5) for code in subjects_taught(grade))
    | frozenset(OPTIONAL)
    | frozenset(PART_NAMES)
)


def items_for(grade: int, period: Period, optional: tuple[str, ...] = ()) -> list[Item]:
    """Every item of a pupil of `grade` at `period`.

    Each subject's level and score (where tested), then its parts' (rules/parts.py); the
    optional subjects the school teaches in the grade (`optional`, from `optional_taught`); the
    qualities and competences of the grade.
    """
    items: list[Item] = []
    taught = subjects_taught(grade)
    chosen = (code for code in OPTIONAL if code in optional and code not in taught)
    for code in (*taught, *chosen):
        tested = has_test(code, grade, period)
        for one in (code, *PARTS.get(code, ())):
            items.append(Item(AssessmentKind.LEVEL, one))
            if tested:
                items.append(Item(AssessmentKind.SCORE, one))
    items.extend(Item(AssessmentKind.QUALITY, code) for code in qualities_of(grade))
    return items


def parse_value(
    item: Item, text: str, *, grade: int, period: Period, optional: tuple[str, ...] = ()
) -> str:
    """The stored form of a value typed or chosen for `item`; RuleError when it is not valid."""
    subject = PART_OF.get(item.code, item.code)
    if item.kind is AssessmentKind.SCORE:
        return str(parse_score(text, subject, grade, period))
    if item.kind is AssessmentKind.LEVEL:
        if subject in OPTIONAL and subject not in subjects_taught(grade):
            if subject not in optional:
                raise RuleError(
                    N_(
                        "{subject} is an optional subject the school does not teach in grade "
                        "{grade}."
                    ),
                    subject=item_name(subject),
                    grade=grade,
                )
        elif subject not in subjects_taught(grade):
            raise RuleError(
                N_("{subject} is not taught in grade {grade}."),
                subject=item_name(item.code),
                grade=grade,
            )
        return parse_subject_level(text).value
    if item.code not in qualities_of(grade):
        raise RuleError(
            N_("{item} is not assessed in grade {grade}."), item=QUALITIES[item.code], grade=grade
        )
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


def subject_value(values: Mapping[Item, str], item: Item) -> str | None:
    """A subject's level or score as the outcome reads it: its own, or its parts' (parts.py).

    RuleError when the parts do not make one (they differ, or one is missing).
    """
    parts = PARTS.get(item.code, ())
    own = values.get(item)
    if not parts:
        return own
    given = {part: values.get(Item(item.kind, part)) for part in parts}
    return combine_parts(item.code, own, given, score=item.kind is AssessmentKind.SCORE)


def year_end_of(values: Mapping[Item, str], grade: int) -> YearEnd:
    """The end-of-year record (the outcome's inputs) from a pupil's CN values.

    Parts are read into their subject's result; RuleError when they do not make one.
    """
    levels: dict[str, SubjectLevel] = {}
    qualities: dict[str, QualityLevel | None] = {}
    scores: dict[str, int] = {}
    subjects = {Item(item.kind, PART_OF.get(item.code, item.code)) for item in values}
    for item in sorted(subjects):
        if item.kind is AssessmentKind.QUALITY:
            qualities[item.code] = QualityLevel(values[item])
            continue
        value = subject_value(values, item)
        if value is None:
            continue
        if item.kind is AssessmentKind.LEVEL:
            levels[item.code] = SubjectLevel(value)
        else:
            scores[item.code] = int(value)
    return YearEnd(grade, levels, qualities, scores)


def outcome_reason(values: Mapping[Item, str], grade: int) -> RuleError | None:
    """Why a pupil's CN values give no end-of-year outcome yet, or None when they give one."""
    try:
        year_end_of(values, grade).outcome()
    except RuleError as error:
        return error
    return None


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
