"""Telegram's Markdown and MarkdownV2 parse modes: plain text and entities, or Telegram's error.

Follows TDLib's parsers: in MarkdownV2 every one of _*[]()~`>#+-=|{}.! outside an entity's
markup must be escaped with a backslash (inside code and pre only ` and \\ must be).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.htmlcheck import HtmlError, utf16_len

RESERVED = "_*[]()~`>#+-=|{}.!"
_ENDS = {
    "Bold": "*",
    "Italic": "_",
    "Code": "`",
    "Strikethrough": "~",
    "TextUrl": "]",
    "CustomEmoji": "]",
}
_TYPES = {
    "Bold": "bold",
    "Italic": "italic",
    "Underline": "underline",
    "Strikethrough": "strikethrough",
    "Spoiler": "spoiler",
    "Code": "code",
    "Pre": "pre",
    "PreCode": "pre",
    "TextUrl": "text_link",
    "CustomEmoji": "custom_emoji",
}


@dataclass
class _Open:
    kind: str
    offset: int  # UTF-16 offset in the produced text
    at: int  # byte offset in the source, for error messages
    begin: int  # index in the produced text
    language: str = ""


def _reserved(char: str) -> HtmlError:
    return HtmlError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")


def _byte(source: str, index: int) -> int:
    return len(source[:index].encode())


class _V2:
    """One MarkdownV2 parse."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []
        self.quote_start: int | None = None

    def char(self, i: int) -> str:
        return self.s[i] if 0 <= i < len(self.s) else ""

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.s):
            i = self.step(i) + 1
        if self.stack:
            last = self.stack[-1]
            raise HtmlError(f"Can't find end of {last.kind} entity at byte offset {last.at}")
        self.close_quote()
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def step(self, i: int) -> int:
        c, top = self.s[i], self.stack[-1] if self.stack else None
        if c == "\\" and "\x00" < self.char(i + 1) <= "~":
            self.emit(self.s[i + 1])
            return i + 1
        if c == "\n" and self.char(i + 1) != ">":
            self.close_quote()
        reserved = "`" if top and top.kind in {"Code", "Pre", "PreCode"} else RESERVED
        if c not in reserved:
            self.emit(c)
            return i
        if c == ">" and not self.stack and (i == 0 or self.s[i - 1] == "\n"):
            self.quote_start = self.length if self.quote_start is None else self.quote_start
            return i
        if top is not None and self.ends(top, i):
            return self.finish(i)
        return self.begin(i)

    def ends(self, top: _Open, i: int) -> bool:
        c, after = self.s[i], self.char(i + 1)
        if top.kind == "Italic":
            return c == "_" and after != "_"
        if top.kind == "Underline":
            return c == "_" and after == "_"
        if top.kind == "Spoiler":
            return c == "|" and after == "|"
        if top.kind in {"Pre", "PreCode"}:
            return self.s.startswith("```", i)
        return c == _ENDS[top.kind]

    def begin(self, i: int) -> int:
        c, after, at = self.s[i], self.char(i + 1), _byte(self.s, i)
        language = ""
        if c == "_":
            kind, i = ("Underline", i + 1) if after == "_" else ("Italic", i)
        elif c in "*~[":
            kind = {"*": "Bold", "~": "Strikethrough", "[": "TextUrl"}[c]
        elif c == "|" and after == "|":
            kind, i = "Spoiler", i + 1
        elif c == "!" and after == "[":
            kind, i = "CustomEmoji", i + 1
        elif c == "`" and self.s.startswith("```", i):
            kind, i, language = self.pre_start(i + 3)
        elif c == "`":
            kind = "Code"
        else:
            raise _reserved(c)
        self.stack.append(_Open(kind, self.length, at, len(self.out), language))
        return i

    def pre_start(self, i: int) -> tuple[str, int, str]:
        end = i
        while end < len(self.s) and not self.s[end].isspace() and self.s[end] != "`":
            end += 1
        kind, language = "Pre", ""
        if end != i and end < len(self.s) and self.s[end] != "`":
            kind, language, i = "PreCode", self.s[i:end], end
        first, second = self.char(i), self.char(i + 1)
        if first and first in "\r\n":
            # One line break after the language is not part of the text.
            i += 2 if second and second in "\r\n" and second != first else 1
        return kind, i - 1, language

    def finish(self, i: int) -> int:
        top = self.stack.pop()
        entity: dict[str, Any] = {"type": _TYPES[top.kind]}
        if top.kind in {"Underline", "Spoiler"}:
            i += 1
        elif top.kind in {"Pre", "PreCode"}:
            i += 2
            if top.language:
                entity["language"] = top.language
        elif top.kind in {"TextUrl", "CustomEmoji"}:
            url, i = self.url(i, top)
            key = "custom_emoji_id" if top.kind == "CustomEmoji" else "url"
            entity[key] = url.removeprefix("tg://emoji?id=") if key == "custom_emoji_id" else url
        if self.length > top.offset:
            length = self.length - top.offset
            self.entities.append({**entity, "offset": top.offset, "length": length})
        return i

    def url(self, i: int, top: _Open) -> tuple[str, int]:
        if self.char(i + 1) != "(":
            return "".join(self.out[top.begin :]), i
        i += 2
        start, url = i, []
        while i < len(self.s) and self.s[i] != ")":
            if self.s[i] == "\\" and "\x00" < self.char(i + 1) <= "~":
                i += 1
            url.append(self.s[i])
            i += 1
        if i >= len(self.s):
            raise HtmlError(f"Can't find end of a URL at byte offset {_byte(self.s, start)}")
        return "".join(url), i

    def close_quote(self) -> None:
        if self.quote_start is not None and self.length > self.quote_start:
            start, length = self.quote_start, self.length - self.quote_start
            self.entities.append({"type": "blockquote", "offset": start, "length": length})
        self.quote_start = None


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Turn MarkdownV2 text into (plain text, entities) or raise HtmlError."""
    return _V2(source).run()


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Turn legacy Markdown text into (plain text, entities) or raise HtmlError."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    length, i = 0, 0
    while i < len(source):
        c = source[i]
        if c == "\\" and source[i + 1 : i + 2] in {"_", "*", "`", "["}:
            out.append(source[i + 1])
            length, i = length + 1, i + 2
            continue
        if c not in "_*`[":
            out.append(c)
            length, i = length + utf16_len(c), i + 1
            continue
        begin, end, start = i, "]" if c == "[" else c, len(out)
        pre = source.startswith("```", i)
        i += 3 if pre else 1
        offset = length
        while i < len(source) and not (source.startswith("```", i) if pre else source[i] == end):
            out.append(source[i])
            length, i = length + utf16_len(source[i]), i + 1
        if i >= len(source):
            raise HtmlError(
                f"Can't find end of the entity starting at byte offset {_byte(source, begin)}"
            )
        entity: dict[str, Any] = {"type": {"*": "bold", "_": "italic", "`": "code"}.get(c, "")}
        if pre:
            entity["type"], i = "pre", i + 2
        elif c == "[":
            entity, i = _legacy_link(source, i, "".join(out[start:]))
        if length > offset and entity:
            entities.append({**entity, "offset": offset, "length": length - offset})
        i += 1
    return "".join(out), entities


def _legacy_link(source: str, i: int, label: str) -> tuple[dict[str, Any], int]:
    if source[i + 1 : i + 2] != "(":
        return {"type": "text_link", "url": label}, i
    close = source.find(")", i + 2)
    if close < 0:
        return {}, len(source) - 1
    return {"type": "text_link", "url": source[i + 2 : close]}, close
