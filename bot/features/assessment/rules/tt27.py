"""Periodic assessment rules of Thông tư 27/2020 (domain-vn.md 1.4, 1.5 and 2), without I/O."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.i18n import N_
from storage.names import nfc, search_key
from storage.subjects import SUBJECTS, subject_name


class Period(enum.StrEnum):
    """The four periodic assessments of a school year."""

    GK1 = "gk1"
    CK1 = "ck1"
    GK2 = "gk2"
    CN = "cn"


class SubjectLevel(enum.StrEnum):
    """Level of a subject or educational activity (Điều 7.1a)."""

    T = "hoan_thanh_tot"
    H = "hoan_thanh"
    C = "chua_hoan_thanh"


class QualityLevel(enum.StrEnum):
    """Level of a quality or competence (Điều 7.2); C here is not the subjects' C."""

    T = "tot"
    D = "dat"
    C = "can_co_gang"


class Outcome(enum.StrEnum):
    """End-of-year outcome (Điều 9)."""

    HTXS = "htxs"
    HTT = "htt"
    HT = "ht"
    CHT = "cht"


PERIOD_NAMES: dict[Period, str] = {
    Period.GK1: N_("Mid-term I"),
    Period.CK1: N_("End of term I"),
    Period.GK2: N_("Mid-term II"),
    Period.CN: N_("End of year"),
}
SUBJECT_LEVEL_NAMES: dict[SubjectLevel, str] = {
    SubjectLevel.T: N_("Completed well"),
    SubjectLevel.H: N_("Completed"),
    SubjectLevel.C: N_("Not yet completed"),
}
QUALITY_LEVEL_NAMES: dict[QualityLevel, str] = {
    QualityLevel.T: N_("Good"),
    QualityLevel.D: N_("Satisfactory"),
    QualityLevel.C: N_("Needs more effort"),
}
OUTCOME_NAMES: dict[Outcome, str] = {
    Outcome.HTXS: N_("Completed excellently"),
    Outcome.HTT: N_("Completed well"),
    Outcome.HT: N_("Completed"),
    Outcome.CHT: N_("Not yet completed"),
}
_ENUM_NAMES: tuple[tuple[type[enum.StrEnum], Mapping[Any, str]], ...] = (
    (Period, PERIOD_NAMES),
    (SubjectLevel, SUBJECT_LEVEL_NAMES),
    (QualityLevel, QUALITY_LEVEL_NAMES),
    (Outcome, OUTCOME_NAMES),
)

# Qualities (pc_), general competences (nlc_) and specific competences (nldt_) with their
# official Vietnamese names: data, like the subject names, not UI text.
QUALITIES: dict[str, str] = {
    "pc_yeu_nuoc": "Yêu nước",
    "pc_nhan_ai": "Nhân ái",
    "pc_cham_chi": "Chăm chỉ",
    "pc_trung_thuc": "Trung thực",
    "pc_trach_nhiem": "Trách nhiệm",
    "nlc_tu_chu": "Tự chủ và tự học",
    "nlc_giao_tiep": "Giao tiếp và hợp tác",
    "nlc_giai_quyet_van_de": "Giải quyết vấn đề và sáng tạo",
    "nldt_ngon_ngu": "Ngôn ngữ",
    "nldt_tinh_toan": "Tính toán",
    "nldt_khoa_hoc": "Khoa học",
    "nldt_cong_nghe": "Công nghệ",
    "nldt_tin_hoc": "Tin học",
    "nldt_tham_mi": "Thẩm mĩ",
    "nldt_the_chat": "Thể chất",
}

GRADES = (1, 2, 3, 4, 5)
# Công nghệ and Tin học are competences of the subject Tin học và Công nghệ, taught from grade 3:
# grades 1 and 2 do not assess them (domain-vn.md 1.4 e and open question 3).
_FROM_GRADE_3 = frozenset({"nldt_cong_nghe", "nldt_tin_hoc"})
# Compulsory subjects and activities only: optional NN1 (grades 1-2) and TDTTS have no test.
_TAUGHT: dict[int, frozenset[str]] = {
    1: frozenset({"TV", "TOAN", "DD", "TNXH", "GDTC", "NT", "HDTN"}),
    3: frozenset({"TV", "TOAN", "NN1", "DD", "TNXH", "TINCN", "GDTC", "NT", "HDTN"}),
    4: frozenset({"TV", "TOAN", "NN1", "DD", "LSDL", "KH", "TINCN", "GDTC", "NT", "HDTN"}),
}
_TAUGHT[2], _TAUGHT[5] = _TAUGHT[1], _TAUGHT[4]
_TERM_TESTED = frozenset({"TV", "TOAN", "NN1", "LSDL", "KH", "TINCN"})
_MID_TERM_TESTED = frozenset({"TV", "TOAN"})
_MID_TERM_GRADES = (4, 5)


class RuleError(ValueError):
    """A value the rules refuse; `msgid` is the reason and `params` fill its placeholders."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self, gettext: Callable[[str], str]) -> str:
        """Return the reason translated, enum params shown by their translated names."""
        params = {key: _shown(value, gettext) for key, value in self.params.items()}
        return gettext(self.msgid).format(**params)


def _shown(value: object, gettext: Callable[[str], str]) -> object:
    for kind, names in _ENUM_NAMES:
        if isinstance(value, kind):
            return gettext(names[value])
    return value


def subjects_taught(grade: int) -> tuple[str, ...]:
    """Return the compulsory subjects and activities of a grade, in curriculum order."""
    if grade not in _TAUGHT:
        raise ValueError(f"no primary grade {grade}")
    return tuple(code for code in SUBJECTS if code in _TAUGHT[grade])


def qualities_of(grade: int) -> tuple[str, ...]:
    """The qualities and competences assessed in a grade, in the official order."""
    if grade not in _TAUGHT:
        raise ValueError(f"no primary grade {grade}")
    return tuple(code for code in QUALITIES if grade >= 3 or code not in _FROM_GRADE_3)


def has_test(subject: str, grade: int, period: Period) -> bool:
    """Return whether TT27 requires a periodic test in subject, grade and period."""
    if subject not in subjects_taught(grade):
        return False
    if period in (Period.CK1, Period.CN):
        return subject in _TERM_TESTED
    return grade in _MID_TERM_GRADES and subject in _MID_TERM_TESTED


def tested_subjects(grade: int, period: Period) -> tuple[str, ...]:
    """Return the subjects with a periodic test in grade and period."""
    return tuple(code for code in subjects_taught(grade) if has_test(code, grade, period))


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_score(
    value: str | int | float,
    subject: str,
    grade: int,
    period: Period,
    *,
    allow_zero: bool = True,
) -> int:
    """Return a periodic test score: a whole number 0-10 (1-10 if the school forbids 0)."""
    if not has_test(subject, grade, period):
        raise RuleError(
            N_("{subject} has no periodic test in grade {grade} at {period}."),
            subject=subject_name(subject),
            grade=grade,
            period=period,
        )
    shown = nfc(str(value))
    if isinstance(value, str):
        if not shown:
            raise RuleError(N_("The score is empty."))
        if not _NUMBER.match(shown):
            raise RuleError(
                N_("“{value}” is not a score: write a whole number from 0 to 10."), value=shown
            )
        number = float(shown.replace(",", "."))
    else:
        number = float(value)
    if not number.is_integer():
        raise RuleError(N_("Scores are whole numbers, without decimals: {value}."), value=shown)
    score = int(number)
    if score < 0:
        raise RuleError(N_("A score cannot be below 0: {value}."), value=shown)
    if score > 10:
        raise RuleError(N_("A score cannot be above 10: {value}."), value=shown)
    if score == 0 and not allow_zero:
        raise RuleError(N_("This school does not give a score of 0."))
    return score


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", search_key(text))


_SUBJECT_LEVEL_WORDS = {
    "t": SubjectLevel.T,
    "hoanthanhtot": SubjectLevel.T,
    "h": SubjectLevel.H,
    "hoanthanh": SubjectLevel.H,
    "c": SubjectLevel.C,
    "chuahoanthanh": SubjectLevel.C,
}
_QUALITY_LEVEL_WORDS = {
    "t": QualityLevel.T,
    "tot": QualityLevel.T,
    "d": QualityLevel.D,
    "dat": QualityLevel.D,
    "c": QualityLevel.C,
    "cancogang": QualityLevel.C,
}


def parse_subject_level(text: str) -> SubjectLevel:
    """Return the subject level written as T/H/C or in words, ignoring case and accents."""
    level = _SUBJECT_LEVEL_WORDS.get(_word(text))
    if level is None:
        raise RuleError(N_("“{value}” is not a subject level: write T, H or C."), value=nfc(text))
    return level


def parse_quality_level(text: str) -> QualityLevel:
    """Return the quality or competence level written as T/Đ/C or in words."""
    level = _QUALITY_LEVEL_WORDS.get(_word(text))
    if level is None:
        raise RuleError(
            N_("“{value}” is not a quality or competence level: write T, Đ or C."),
            value=nfc(text),
        )
    return level


def outcome(
    subject_levels: Mapping[str, SubjectLevel],
    quality_levels: Mapping[str, QualityLevel | None],
    cn_scores: Mapping[str, int],
    *,
    grade: int,
) -> Outcome:
    """Return the end-of-year outcome from CN levels and CN test scores (Điều 9).

    Every compulsory subject's level, every tested subject's score and every quality and
    competence of the grade must be there: otherwise RuleError names what is missing. A level
    given for another subject (an optional one the pupil takes) counts; a score of a subject
    without a test does not.
    """
    _require(
        N_("End-of-year level missing for {subject}."),
        [code for code in subjects_taught(grade) if code not in subject_levels],
        subject_name,
    )
    tested = tested_subjects(grade, Period.CN)
    _require(
        N_("End-of-year score missing for {subject}."),
        [code for code in tested if code not in cn_scores],
        subject_name,
    )
    _require(
        N_("End-of-year assessment missing for the qualities and competences: {items}."),
        [code for code in qualities_of(grade) if quality_levels.get(code) is None],
        QUALITIES.__getitem__,
        param="items",
    )
    scores = [cn_scores[code] for code in tested]
    levels = set(subject_levels.values())
    qualities = {quality_levels[code] for code in qualities_of(grade)}
    if levels <= {SubjectLevel.T} and qualities <= {QualityLevel.T}:
        if all(score >= 9 for score in scores):
            return Outcome.HTXS
        if all(score >= 7 for score in scores):
            return Outcome.HTT
    if (
        levels <= {SubjectLevel.T, SubjectLevel.H}
        and qualities <= {QualityLevel.T, QualityLevel.D}
        and all(score >= 5 for score in scores)
    ):
        return Outcome.HT
    return Outcome.CHT


def _require(
    msgid: str, missing: list[str], name: Callable[[str], str], *, param: str = "subject"
) -> None:
    """RuleError naming every missing item, when there is one."""
    if missing:
        raise RuleError(msgid, **{param: ", ".join(name(code) for code in missing)})


@dataclass(frozen=True, slots=True)
class YearEnd:
    """A pupil's end-of-year record: the inputs of `outcome`."""

    grade: int
    subject_levels: Mapping[str, SubjectLevel] = field(default_factory=dict)
    quality_levels: Mapping[str, QualityLevel | None] = field(default_factory=dict)
    cn_scores: Mapping[str, int] = field(default_factory=dict)

    def outcome(self) -> Outcome:
        """Return the outcome of this record."""
        return outcome(self.subject_levels, self.quality_levels, self.cn_scores, grade=self.grade)


def outcome_change(before: YearEnd, after: YearEnd) -> tuple[Outcome, Outcome]:
    """Return the outcome before and after a correction, for the principal to see."""
    return before.outcome(), after.outcome()
