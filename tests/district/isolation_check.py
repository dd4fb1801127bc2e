"""Reading back everything a school's bot delivered, with its files opened, and looking in it
for words that belong to another school only."""

from __future__ import annotations

import functools
import html
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.server import RunningSandbox
from tests.district.isolation_world import SchoolSpec, e164

TAG = re.compile(r"<[^>]+>")
BLOCK_END = re.compile(r"</(?:w:p|w:tc|a:p|si|c|is)>")
GROUPED = re.compile(r"(?<=\d)[ .](?=\d)")  # a space or a dot inside a number
DIGITS = re.compile(r"\d+")


def phone_forms(local: str) -> list[str]:
    """A phone as a message or a paper could print it."""
    digits = local[1:]
    return [
        e164(local),
        "84" + digits,
        local,
        f"{local[:4]} {local[4:7]} {local[7:]}",
        f"{local[:4]}.{local[4:7]}.{local[7:]}",
    ]


def words_of(spec: SchoolSpec) -> set[str]:
    """Every name, code and phone of the school's own lists, and its name."""
    words = {spec.marker, spec.name}
    for row in spec.pupils:
        _n, code, name, _born, _gender, _class, father, f_phone, mother, m_phone, _c = row
        words |= {str(code), str(name), str(father), str(mother)}
        words |= {*phone_forms(str(f_phone)), *phone_forms(str(m_phone))}
    for staff in spec.staff:
        words |= {staff.name, *phone_forms(staff.phone)}
    return words


def exclusive(specs: list[SchoolSpec]) -> dict[int, set[str]]:
    """For each school, the words no other school has (the shared name, code and mother's
    phone are left out: they belong to several)."""
    words = {spec.index: words_of(spec) for spec in specs}
    only: dict[int, set[str]] = {}
    for spec in specs:
        others = set().union(*(w for i, w in words.items() if i != spec.index))
        only[spec.index] = words[spec.index] - others
        assert spec.marker in only[spec.index]
    return only


def normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def numbers(text: str) -> set[str]:
    """The numbers in a text, digit groups joined ("0912 345 678" and "+84912345678" read
    as 0912345678 and 84912345678)."""
    return set(DIGITS.findall(GROUPED.sub("", text)))


def is_number(word: str) -> bool:
    return word[-1].isdigit()


def found_in(text: str, digits: set[str], words: Iterable[str]) -> list[str]:
    """The words present (a number only as a whole number), in the order given."""
    return [
        word
        for word in words
        if (numbers(word) <= digits if is_number(word) else normal(word) in text)
    ]


def found(text: str, words: Iterable[str]) -> list[str]:
    """The words present in the text, in the order given."""
    return found_in(normal(text), numbers(text), words)


def text_of_file(data: bytes) -> str:
    """A file's readable text: the parts of a .docx/.xlsx/.zip (recursively), a JSON file's
    values, a text file; nothing of an image."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return ""  # a photo, a QR code, a chart: no words to read
        try:  # a JSON file may write its words as \u escapes
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith((".xml", ".rels")):
                text = content.decode("utf-8", errors="ignore")
                text = BLOCK_END.sub("\n", text)  # paragraphs, cells, strings apart
                parts.append(html.unescape(TAG.sub("", text)))
            else:
                parts.append(text_of_file(content))
    return "\n".join(parts)


@dataclass(frozen=True)
class Seen:
    """One thing a person saw: a message (with its buttons) or a file's text."""

    where: str
    text: str

    @functools.cached_property
    def normal(self) -> str:
        return normal(self.text)

    @functools.cached_property
    def numbers(self) -> set[str]:
        return numbers(self.text)


def delivered(sandbox: RunningSandbox, bot_id: int) -> list[Seen]:
    """Every message the bot sent or edited, in every chat, and the text of every file."""
    seen = []
    for (bot, chat), log in sandbox.state.chats.items():
        if bot != bot_id:
            continue
        for entry in log.entries:
            if not entry.outgoing:
                continue
            message = entry.message
            where = f"bot {bot_id} chat {chat} message {message['message_id']}"
            seen.append(Seen(where, json.dumps(message, ensure_ascii=False)))
            document = message.get("document")
            if document:
                stored = sandbox.state.files.get(document["file_id"])
                assert stored is not None, document
                name = document.get("file_name")
                seen.append(Seen(f"{where} file {name}", text_of_file(stored.data)))
        for alert in log.alerts:
            seen.append(
                Seen(f"bot {bot_id} chat {chat} alert", json.dumps(alert, ensure_ascii=False))
            )
    return seen


def leaks(seen: Iterable[Seen], foreign: Iterable[str]) -> list[str]:
    """Where another school's words were seen."""
    words = list(foreign)
    wanted = {normal(word) for word in words if not is_number(word)}
    wanted_numbers = set().union(*(numbers(word) for word in words if is_number(word)))
    return [
        f"{item.where}: {found_in(item.normal, item.numbers, words)}"
        for item in seen
        if item.numbers & wanted_numbers or any(word in item.normal for word in wanted)
    ]
