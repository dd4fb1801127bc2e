"""What each evidence file shows, as the teacher marks it with a button after sending it: a page
of the quality-of-education record book, the pupil's test, or something else. A score
correction needs both the page and the test (Nguyễn Khuyến's regulation, Điều 11.2); any other
correction needs at least one file; and how each file goes on to a leader (by the kind Telegram
wrote in its id). Plain Python, no I/O.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.i18n import N_, Translator
from bot.features.corrections.rules import Refused
from storage.models import AssessmentKind

BOOK = "book"
TEST = "test"
OTHER = "other"
KINDS = (BOOK, TEST, OTHER)
# The buttons under each file, short as a teacher reads them on a phone.
BUTTONS = {
    BOOK: N_("Record book page (CLGD)"),
    TEST: N_("Pupil's test"),
    OTHER: N_("Other"),
}
# The kinds in words, for the minutes and the messages.
WORDS = {
    BOOK: N_("the page of the quality-of-education record book"),
    TEST: N_("the pupil's test"),
    OTHER: N_("other evidence"),
}
UNMARKED = N_("evidence")  # a file kept before files had kinds
ASK_KIND = N_("What does {file} show?")
MARKED = N_("{file}: {kind}.")
MISSING = N_(
    "A score correction needs both the page of the quality-of-education record book and the "
    "pupil's test; still missing: {missing}. Please send it, then say what it is."
)
UNMARKED_FILE = N_("Please say first what {file} shows, with the buttons under it.")


@dataclass(frozen=True, slots=True)
class Words:
    """Kinds named in the reader's language when a refusal is shown (rules.Refused)."""

    kinds: tuple[str, ...]

    def name(self, _: Translator) -> str:
        return ", ".join(_(WORDS[kind]) for kind in self.kinds)


def required(item_kind: AssessmentKind) -> tuple[str, ...]:
    """The kinds a correction of this kind of item must carry."""
    return (BOOK, TEST) if item_kind is AssessmentKind.SCORE else ()


def missing(item_kind: AssessmentKind, kinds: Iterable[str | None]) -> tuple[str, ...]:
    """The required kinds none of the files is marked with, in the order they are asked."""
    marked = set(kinds)
    return tuple(kind for kind in required(item_kind) if kind not in marked)


def check(item_kind: AssessmentKind, kinds: Sequence[str | None]) -> None:
    """Refused (rules.Refused) naming the kinds still missing, if any."""
    lacking = missing(item_kind, kinds)
    if lacking:
        raise Refused(MISSING, missing=Words(lacking))


def first_unmarked(entries: Sequence[Mapping[str, Any]]) -> int | None:
    """The place of the first file of a draft the teacher has not marked yet."""
    for index, entry in enumerate(entries):
        if entry.get("kind") not in KINDS:
            return index
    return None


def place(kind: str | None) -> int:
    """Where a kind comes in the minutes: the book, the test, other, then unmarked files."""
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def listed(files: Sequence[tuple[str, str]], needed: Sequence[str], _: Translator) -> list[str]:
    """The minutes' evidence lines from (kind in words or "", label) in `place` order: by kind
    ("Trang sổ theo dõi chất lượng giáo dục: ảnh 1, ảnh 2"); files kept before files had kinds
    as before: the kinds the request `needed`, then each file numbered."""
    if not any(kind for kind, _label in files):
        head = [_("{kinds}:").format(kinds=", ".join(needed))] if needed else []
        return head + [f"{n}. {label}" for n, (_kind, label) in enumerate(files, start=1)]
    groups: dict[str, list[str]] = {}
    for kind, label in files:
        groups.setdefault(kind or _(UNMARKED), []).append(label)
    return [f"{kind[:1].upper()}{kind[1:]}: {', '.join(names)}" for kind, names in groups.items()]


def kind_words(kind: str | None) -> str:
    """The msgid naming a kind in words (old files without a kind: "evidence")."""
    return WORDS.get(kind or "", UNMARKED)


# Evidence --------------------------------------------------------------------------------------

# The type Telegram writes in the first byte of a file id (a photo's "AgAC…", a document's
# "BQAC…"): sendPhoto takes only a photo's id and sendDocument only a document's.
_PHOTO_TYPE = 2
_DOCUMENT_TYPE = 5


def evidence_media(file_id: str | None) -> str:
    """How an evidence file goes on to a leader: "photo" (sent as a photo), "document" (sent
    as a file, a JPEG included), or "stored" (its kept bytes uploaded) when its id is unknown."""
    if not file_id:
        return "stored"
    try:
        kind = base64.urlsafe_b64decode(file_id[:4])[0]
    except (binascii.Error, ValueError, IndexError):
        return "stored"
    if kind == _PHOTO_TYPE:
        return "photo"
    if kind == _DOCUMENT_TYPE:
        return "document"
    return "stored"
