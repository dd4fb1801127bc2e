"""Split long HTML messages into parts that each fit Telegram's length limit.

Telegram counts a message after parsing: tags count nothing, an entity such as ``&amp;``
counts as the character it stands for, and lengths are UTF-16 code units. Every part is
valid HTML on its own: tags open at a cut are closed at the end of one part and opened
again, with the same attributes, at the start of the next.

Cuts go, in order of preference, at a paragraph break (blank line), a line break, a space
after the end of a sentence, any space, and only as a last resort inside a word. A break
is preferred only if it leaves the part at least half full; a word is never cut while
some break fits. Cuts never fall inside a tag, an entity or a grapheme (a letter and its
combining marks, an emoji sequence), and the whitespace at a cut is dropped.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass

LIMIT = 4096
ELLIPSIS = "…"

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"(?:\s+[^\s=>\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*\s*>"
)
# The only named entities Telegram knows, and every numeric one.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
# Whitespace that must not become a cut.
_NO_BREAK = frozenset("\u00a0\u2007\u202f\u2060\ufeff")
_SENTENCE_END = frozenset(".!?…")
# Closing quotes and brackets that may follow a sentence end: «Xong.» then the space.
_TRAILING = frozenset("\"')]}»”’")
_ZWJ = "\u200d"
_PARAGRAPH, _LINE, _SENTENCE, _SPACE = range(4)
_RANKS = (_PARAGRAPH, _LINE, _SENTENCE, _SPACE)


@dataclass(frozen=True, slots=True)
class _Atom:
    """A piece of the source that is never cut: a tag, an entity or one character."""

    raw: str
    char: str = ""  # the visible text; empty for a tag
    name: str = ""  # the tag name, lower case; empty for visible text
    closing: bool = False

    @property
    def is_tag(self) -> bool:
        return bool(self.name)

    @property
    def is_open(self) -> bool:
        return bool(self.name) and not self.closing


def fit(text: str, limit: int = LIMIT) -> str:
    """Telegram HTML kept to its first part when it is too long for one message, with "…"."""
    if len(split_html(text, limit)) == 1:
        return text
    return split_html(text, limit - 1)[0] + ELLIPSIS


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most limit visible UTF-16 units, each valid alone.

    Text that fits, or holds nothing but whitespace, comes back unchanged as the only part.
    The input is assumed valid. A grapheme wider than the limit is cut between its code
    points; a single character wider than it (an emoji, with limit 1) makes a part over it.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    if utf16_len(text) <= limit:
        # Tags show nothing and an entity shows less than it is written with: the source is
        # never shorter than what it shows, so it fits (most messages: no parsing needed).
        return [text]
    atoms = _atoms(text)
    visible = [index for index, atom in enumerate(atoms) if not atom.is_tag]
    chars = [atoms[index].char for index in visible]
    widths = [0]
    for char in chars:
        widths.append(widths[-1] + utf16_len(char))
    count = len(chars)
    if widths[-1] <= limit or not any(not _is_space(char) for char in chars):
        return [text]

    breaks = _breaks(chars)
    starts = [start for start, _rank in breaks]
    parts: list[str] = []
    stack: list[_Atom] = []
    low = 0  # first atom of the current part
    first = 0  # first visible character of the current part
    while True:
        content = _skip_space(chars, first)
        furthest = bisect.bisect_right(widths, widths[first] + limit) - 1
        if furthest <= content:
            # Leading whitespace fills the part (only at the very start): drop it.
            first = content
            furthest = bisect.bisect_right(widths, widths[first] + limit) - 1
        if furthest >= count:
            part, stack = _render(atoms, low, len(atoms), visible[first], len(atoms), stack)
            parts.append(part)
            return parts
        cut = _choose_cut(chars, widths, breaks, starts, first, content, furthest, limit)
        end = cut
        while _is_space(chars[end - 1]):
            end -= 1  # a no-break space before the cut; stops at the content
        high = visible[cut]
        part, stack = _render(atoms, low, high, visible[first], visible[end - 1], stack)
        parts.append(part)
        low, first = high, _skip_space(chars, cut)
        if first >= count:
            # Only whitespace (and tags around it) is left: the last part is complete.
            return parts


def _atoms(text: str) -> list[_Atom]:
    """Cut the source into tags, entities and single characters."""
    atoms: list[_Atom] = []
    index = 0
    while index < len(text):
        char = text[index]
        match = None
        if char == "<":
            match = _TAG.match(text, index)
            if match is not None:
                atoms.append(
                    _Atom(match.group(0), name=match.group(2).lower(), closing=bool(match.group(1)))
                )
        elif char == "&":
            match = _ENTITY.match(text, index)
            if match is not None:
                atoms.append(_Atom(match.group(0), html.unescape(match.group(0))))
        if match is None:
            # A stray "<" or "&" is not valid for Telegram; keep it as a character anyway.
            atoms.append(_Atom(char, char))
            index += 1
        else:
            index = match.end()
    return atoms


def _is_space(char: str) -> bool:
    """Whether char is whitespace, dropped at a cut (no-break spaces included)."""
    return char.isspace()


def _is_break(char: str) -> bool:
    """Whether a cut may fall at char: whitespace, but no no-break space."""
    return char.isspace() and char not in _NO_BREAK


def _skip_space(chars: list[str], index: int) -> int:
    """Return the first position at or after index that holds no whitespace."""
    while index < len(chars) and _is_space(chars[index]):
        index += 1
    return index


def _breaks(chars: list[str]) -> list[tuple[int, int]]:
    """Return the runs of whitespace a cut may fall in as (start, rank), in order."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(chars):
        if not _is_break(chars[index]):
            index += 1
            continue
        start = index
        while index < len(chars) and _is_break(chars[index]):
            index += 1
        newlines = sum(char == "\n" for char in chars[start:index])
        if newlines >= 2:
            rank = _PARAGRAPH
        elif newlines == 1:
            rank = _LINE
        elif _ends_sentence(chars, start):
            rank = _SENTENCE
        else:
            rank = _SPACE
        found.append((start, rank))
    return found


def _ends_sentence(chars: list[str], end: int) -> bool:
    """Whether the text before end closes a sentence, maybe followed by quotes or brackets."""
    index = end - 1
    while index >= 0 and chars[index] in _TRAILING:
        index -= 1
    return index >= 0 and chars[index] in _SENTENCE_END


def _choose_cut(
    chars: list[str],
    widths: list[int],
    breaks: list[tuple[int, int]],
    starts: list[int],
    first: int,
    content: int,
    furthest: int,
    limit: int,
) -> int:
    """Return where the part starting at first ends (exclusive), at most at furthest."""
    best: dict[int, int] = {}  # rank -> latest break that fits
    full: dict[int, int] = {}  # rank -> latest break that fits and fills half the part
    for position in range(
        bisect.bisect_right(starts, furthest) - 1, bisect.bisect_right(starts, content) - 1, -1
    ):
        start, rank = breaks[position]
        best.setdefault(rank, start)
        if 2 * (widths[start] - widths[first]) >= limit:
            full.setdefault(rank, start)
    for choice in (full, best):
        for rank in _RANKS:
            if rank in choice:
                return choice[rank]
    # No break fits: cut inside the word, between two graphemes.
    for cut in range(furthest, content, -1):
        if not _joins(chars, cut):
            return cut
    return max(furthest, content + 1)


def _joins(chars: list[str], index: int) -> bool:
    """Whether chars[index] continues the grapheme of chars[index - 1] (no cut between)."""
    char, before = chars[index], chars[index - 1]
    if unicodedata.combining(char) or unicodedata.category(char) in {"Mn", "Mc", "Me"}:
        return True  # combining marks, variation selectors
    if _ZWJ in (char, before) or "\U0001f3fb" <= char <= "\U0001f3ff":
        return True  # emoji sequences and skin tones
    if _regional(char) and _regional(before):
        # Flags are pairs of regional indicators: count them to find the pair boundaries.
        run = 0
        while index - run - 1 >= 0 and _regional(chars[index - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _render(
    atoms: list[_Atom],
    low: int,
    high: int,
    first: int,
    last: int,
    stack: list[_Atom],
) -> tuple[str, list[_Atom]]:
    """Write atoms[low:high] as a part, keeping only the characters in atoms[first:last + 1].

    Tags open on entry are opened again first, tags still open at the end are closed;
    returns the part and the tags open after atoms[low:high].
    """
    stack = list(stack)
    tokens = list(stack)
    for index in range(low, high):
        atom = atoms[index]
        if atom.is_tag:
            tokens.append(atom)
            _track(stack, atom)
        elif first <= index <= last:
            tokens.append(atom)
    tokens.extend(_Atom(f"</{atom.name}>", name=atom.name, closing=True) for atom in stack[::-1])
    # Drop tags left empty by the cut: <b></b> is of no use and Telegram may object to it.
    kept: list[_Atom] = []
    for atom in tokens:
        if atom.closing and kept and kept[-1].is_open and kept[-1].name == atom.name:
            kept.pop()
        else:
            kept.append(atom)
    return "".join(atom.raw for atom in kept), stack


def _track(stack: list[_Atom], tag: _Atom) -> None:
    """Update the open tags for one more tag."""
    if tag.is_open:
        stack.append(tag)
        return
    for position in range(len(stack) - 1, -1, -1):
        if stack[position].name == tag.name:
            del stack[position:]
            return
