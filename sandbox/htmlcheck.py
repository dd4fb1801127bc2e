"""Telegram-style parsing of parse_mode=HTML text into plain text and entities."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_OTHER = {"span", "a", "code", "pre", "blockquote", "tg-emoji"}


class HtmlError(ValueError):
    """Raised with Telegram's wording when HTML text can't be parsed."""


@dataclass
class _Open:
    name: str
    offset: int
    entity: dict[str, Any] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit Telegram offsets use."""
    return len(text.encode("utf-16-le")) // 2


def _at(source: str, index: int) -> int:
    return len(source[:index].encode())


def _attrs(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        found[match.group(1).lower()] = html.unescape(value)
    return found


def _entity_for(name: str, attrs: dict[str, str], at: int) -> dict[str, Any]:
    if name in _SIMPLE:
        return {"type": _SIMPLE[name]}
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        return {"type": "spoiler"}
    if name == "a":
        return {"type": "text_link", "url": attrs.get("href", "")}
    if name == "code":
        lang = attrs.get("class", "")
        entity: dict[str, Any] = {"type": "code"}
        if lang.startswith("language-"):
            entity["language"] = lang.removeprefix("language-")
        return entity
    if name == "pre":
        return {"type": "pre"}
    if name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind}
    return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}


def parse_html(source: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Turn HTML-formatted text into (plain text, entities) or raise HtmlError."""
    out: list[str] = []
    length = 0  # UTF-16 length of the text produced so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            if match is None:
                name = re.match(r"/?([a-zA-Z0-9-]*)", source[i + 1 :])
                tag = name.group(1) if name else ""
                raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {_at(source, i)}')
            closing, name_raw, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not stack:
                    raise HtmlError(f"Unexpected end tag at byte offset {_at(source, i)}")
                top = stack.pop()
                if top.name != name_raw:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {_at(source, i)}, "
                        f'expected "</{top.name}>", found "</{name_raw}>"'
                    )
                if length > top.offset:
                    entity = {**top.entity, "offset": top.offset, "length": length - top.offset}
                    entities.append(entity)
            else:
                if name_raw not in _SIMPLE and name_raw not in _OTHER:
                    raise HtmlError(
                        f'Unsupported start tag "{name_raw}" at byte offset {_at(source, i)}'
                    )
                entity = _entity_for(name_raw, _attrs(raw_attrs), _at(source, i))
                if name_raw == "code" and stack and stack[-1].name == "pre":
                    # <pre><code class="language-x"> is a single pre entity with a language.
                    if "language" in entity:
                        stack[-1].entity["language"] = entity["language"]
                    entity = {"type": "_merged"}
                stack.append(_Open(name_raw, length, entity))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(source, i)
            if match is None:
                if strict_ampersand:
                    raise HtmlError(f"Character entity expected at byte offset {_at(source, i)}")
                decoded, i = "&", i + 1
            else:
                decoded, i = html.unescape(match.group(0)), match.end()
            out.append(decoded)
            length += utf16_len(decoded)
            continue
        out.append(char)
        length += utf16_len(char)
        i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[0].name}"')
    result = [e for e in entities if e["type"] != "_merged"]
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), result
