"""Subjects with two parts and optional subjects (domain-vn.md 1.4 and 2), without I/O.

Nghệ thuật has two parts, Âm nhạc and Mĩ thuật; Tin học và Công nghệ has Tin học and Công
nghệ. domain-vn.md recommends modelling each part with its own level (and, where the subject has
a periodic test, its own score), and does not say how the parts make the subject's result. So the
book keeps what the school enters for each part, and the subject's result is:

- the value written for the subject itself, which must lie between its parts' values;
- or, when that is empty, the parts' value if every part has the same one;
- or nothing: the parts differ or one is missing, and the teacher is asked to write the
  subject's result (`Unresolved`). Nothing is ever chosen silently.

Optional subjects (Ngoại ngữ 1 in grades 1-2, Tiếng dân tộc thiểu số) get a level where the
school teaches them (school setting `optional_subjects`); they have no required periodic test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.core.i18n import N_
from bot.features.assessment.rules.tt27 import RuleError, SubjectLevel
from storage.subjects import SUBJECTS, subject_code, subject_name

# The parts of a subject, with their names as schools write them (data, not UI text).
PARTS: dict[str, tuple[str, ...]] = {"NT": ("AN", "MT"), "TINCN": ("TIN", "CN")}
PART_NAMES: dict[str, tuple[str, ...]] = {
    "AN": ("Âm nhạc",),
    "MT": ("Mĩ thuật", "Mỹ thuật"),
    "TIN": ("Tin học",),
    "CN": ("Công nghệ",),
}
PART_OF: dict[str, str] = {part: subject for subject, parts in PARTS.items() for part in parts}
# Optional subjects and the grades in which they are optional (in grades 3-5 Ngoại ngữ 1 is
# compulsory).
OPTIONAL: dict[str, tuple[int, ...]] = {"NN1": (1, 2), "TDTTS": (1, 2, 3, 4, 5)}
SETTING = "optional_subjects"
_ORDER = {SubjectLevel.C.value: 0, SubjectLevel.H.value: 1, SubjectLevel.T.value: 2}

PARTS_DIFFER = N_(
    "{parts}: the parts differ, so write the result of {subject} itself in its column "
    "(the school decides how the parts make it)."
)
PART_MISSING = N_(
    "{parts}, but {missing} is empty: fill in every part, or write the result of {subject} "
    "itself in its column."
)
NOT_BETWEEN = N_(
    "{value} for {subject} does not match its parts ({parts}): it must lie between them."
)


def item_name(code: str) -> str:
    """The name of a subject or of a part: "Toán", "Âm nhạc"."""
    if code in PART_NAMES:
        return PART_NAMES[code][0]
    return subject_name(code)


def subject_aliases(code: str) -> tuple[str, ...]:
    """The column names a subject or part is known by; a subject's exclude its parts' names."""
    if code in PART_NAMES:
        return PART_NAMES[code]
    parts = {name for part in PARTS.get(code, ()) for name in PART_NAMES[part]}
    return tuple(alias for alias in SUBJECTS[code] if alias not in parts)


def optional_taught(settings: Mapping[str, object] | None, grade: int) -> tuple[str, ...]:
    """The optional subjects the school teaches in `grade`, from its settings.

    The setting maps a grade (as text) to subject codes or names:
    {"optional_subjects": {"1": ["NN1"], "2": ["NN1", "TDTTS"]}}. Anything else in it (an
    unknown subject, Ngoại ngữ 1 in grade 3 where it is compulsory) is ignored.
    """
    chosen = (settings or {}).get(SETTING)
    if not isinstance(chosen, Mapping):
        return ()
    listed = chosen.get(str(grade), ())
    if not isinstance(listed, list | tuple):
        return ()
    codes = {_code(entry) for entry in listed if isinstance(entry, str)}
    return tuple(code for code in OPTIONAL if code in codes and grade in OPTIONAL[code])


def _code(entry: str) -> str | None:
    if entry.strip().upper() in OPTIONAL:
        return entry.strip().upper()
    return subject_code(entry)


def combine_parts(
    subject: str, own: str | None, parts: Mapping[str, str | None], *, score: bool
) -> str | None:
    """The subject's result from its own value and its parts' values (stored forms).

    None when nothing is known. RuleError when the own value lies outside its parts' values, or
    when it is empty and the parts differ or one of them is missing.
    """
    given = {part: value for part, value in parts.items() if value is not None}
    if not given:
        return own
    rank = int if score else _ORDER.__getitem__
    shown = ", ".join(f"{item_name(part)} {_shown(value)}" for part, value in given.items())
    if own is not None:
        low, high = min(map(rank, given.values())), max(map(rank, given.values()))
        if not low <= rank(own) <= high:
            raise RuleError(
                NOT_BETWEEN, value=_shown(own), subject=subject_name(subject), parts=shown
            )
        return own
    missing = [item_name(part) for part in parts if part not in given]
    if missing:
        raise RuleError(
            PART_MISSING, parts=shown, missing=", ".join(missing), subject=subject_name(subject)
        )
    if len(set(given.values())) > 1:
        raise RuleError(PARTS_DIFFER, parts=shown, subject=subject_name(subject))
    return next(iter(given.values()))


def _shown(value: str) -> str:
    """A stored value as the sheet writes it: T/H/C or the score."""
    letters = {SubjectLevel.T.value: "T", SubjectLevel.H.value: "H", SubjectLevel.C.value: "C"}
    return letters.get(value, value)


def parts_of(codes: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The subjects among `codes` that have parts, with their parts."""
    return {code: PARTS[code] for code in codes if code in PARTS}
