"""Vietnamese names: NFC storage, family/middle/given split, search keys, class-list order, and
pupils sharing a name told apart (`tell_apart`: one rule wherever staff choose or read a pupil)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# Vietnamese alphabet order (domain-vn.md 6.2), with the Latin letters Vietnamese lacks slotted
# where ICU puts them, so foreign names still sort sensibly.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index + 1 for index, letter in enumerate(_ALPHABET)}

# Combining marks that change the letter (breve, circumflex, horn) versus those that are tones.
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_COMPOSE = {
    ("a", "ă"): "ă",
    ("a", "^"): "â",
    ("e", "^"): "ê",
    ("o", "^"): "ô",
    ("o", "+"): "ơ",
    ("u", "+"): "ư",
}
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return text in NFC with runs of whitespace collapsed and ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_key(text: str) -> str:
    """Return an accent-free, lower-case key for searching ("Đỗ Thu Thúy" -> "do thu thuy")."""
    decomposed = unicodedata.normalize("NFD", nfc(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


@dataclass(frozen=True, slots=True)
class NameParts:
    """A Vietnamese full name split into family name, middle name(s) and given name."""

    family: str
    middle: str
    given: str


def split_name(full_name: str) -> NameParts:
    """Split a full name: the first syllable is the family name, the last the given name."""
    words = nfc(full_name).split(" ")
    if len(words) == 1:
        return NameParts(family="", middle="", given=words[0])
    return NameParts(family=words[0], middle=" ".join(words[1:-1]), given=words[-1])


def _letters(text: str) -> list[tuple[int, int, int]]:
    """Return (letter rank, tone, case) for each character of text."""
    out: list[tuple[int, int, int]] = []
    for ch in nfc(text):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        lower = base.lower()
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                lower = _COMPOSE.get((lower, _LETTER_MARKS[mark]), lower)
            else:
                tone = _TONES.get(mark, tone)
        if lower == "đ" or base in "đĐ":
            lower = "đ"
        rank = _RANK.get(lower, 0 if lower == " " else 100 + ord(lower))
        out.append((rank, tone, 0 if base.islower() else 1))
    return out


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Return a key that orders text like ICU's Vietnamese collation.

    Letters decide first (a < ă < â < b ... d < đ), then tones (ngang < huyền < hỏi < ngã <
    sắc < nặng), then case.
    """
    letters = _letters(text)
    return (
        tuple(rank for rank, _, _ in letters),
        tuple(tone for _, tone, _ in letters),
        tuple(case for _, _, case in letters),
    )


def class_list_key(parts: NameParts) -> tuple[object, ...]:
    """Return the class-list sort key: given name, then middle name, then family name."""
    return (collation_key(parts.given), collation_key(parts.middle), collation_key(parts.family))


def sort_full_names(names: list[str]) -> list[str]:
    """Sort full names the way a Vietnamese class list is ordered."""
    return sorted(names, key=lambda name: class_list_key(split_name(name)))


NAMESAKE_CODE_DIGITS = 4  # the end of a student code shown to tell namesakes apart


def tell_apart(pupils: Sequence[tuple[str, str, date | None]]) -> list[str]:
    """Each pupil's name as a list shows it to staff: alone, or, for pupils of the list who share
    it, followed by the birth date (dd/mm/yyyy) or, when that does not tell them apart, the end
    of the student code. `pupils` are (name, student code, birth date), in list order."""
    groups: dict[str, list[int]] = {}
    for index, (name, _code, _born) in enumerate(pupils):
        groups.setdefault(nfc(name).casefold(), []).append(index)
    labels = [nfc(name) for name, _code, _born in pupils]
    for members in groups.values():
        if len(members) < 2:
            continue
        births = [pupils[i][2] for i in members]
        if all(births) and len(set(births)) == len(births):
            for i, born in zip(members, births, strict=True):
                assert born is not None
                labels[i] = f"{labels[i]} ({born:%d/%m/%Y})"
            continue
        codes = [pupils[i][1] for i in members]
        digits = _distinct_ends(codes)
        for i, code in zip(members, codes, strict=True):
            labels[i] = f"{labels[i]} (…{code[-digits:]})"
    return labels


def _distinct_ends(codes: list[str]) -> int:
    """The fewest last characters (at least four) that tell these codes apart."""
    longest = max(len(code) for code in codes)
    for digits in range(NAMESAKE_CODE_DIGITS, longest + 1):
        if len({code[-digits:] for code in codes}) == len(codes):
            return digits
    return longest
