"""What a delivered message or document says about which pupils, for the `privacy` invariant.

- **Buttons**: the labels of a message's buttons are read with its text (a class list shows
  its pupils on buttons).
- **Documents**: the bytes the sandbox kept for a document (its file store), read as lines of
  text: an .xlsx's rows (openpyxl), a .docx's paragraphs and table rows (python-docx), a
  .zip's members (each read by its kind; .csv, .txt, .json and .html line by line; photos and
  PDFs are not read). A photo's caption is the message's text.
- **Namesakes**: two pupils with one name are told apart where the line shows which: the
  birth date "(dd/mm/yyyy)" or the end of the code "(…1234)" right after the name (as the bot
  labels namesakes for staff), else the whole code or the birth date elsewhere on the line (a
  sheet's row). A name nothing tells apart stands for every pupil with it.
- **Whose comment**: a notice's homeroom comment is the data of the pupils the teachers gave
  it to that week; a family whose child has a namesake must not get the comment the teacher
  gave the namesake and never their child.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from simulation.school import Pupil, School
from simulation.texts import HOMEROOM_COMMENT
from storage.names import nfc

TOLD_APART = re.compile(r"\s*\((?:(\d\d/\d\d/\d{4})|…(\d{4,}))\)")
TEXT_MEMBERS = (".csv", ".txt", ".json", ".html", ".xml")


@dataclass(frozen=True)
class Mention:
    """A pupil's name found on a line, and the pupils it may stand for."""

    name: str
    pupils: tuple[Pupil, ...]


def mentions(line: str, names: re.Pattern[str], school: School) -> list[Mention]:
    """Every pupil's name on the line, with the pupils it can be (namesakes told apart)."""
    found = []
    for match in names.finditer(line):
        name = match.group(1)
        same = tuple(p for p in school.pupils if p.name == name)
        found.append(Mention(name, told_apart(same, line[match.end() :], line)))
    return found


def told_apart(same: tuple[Pupil, ...], after: str, line: str) -> tuple[Pupil, ...]:
    """Which of the pupils sharing a name the line means (all of them if it does not say)."""
    if len(same) < 2:
        return same
    label = TOLD_APART.match(after)
    if label is not None:
        born, end = label.groups()
        chosen = tuple(
            p
            for p in same
            if (born is not None and f"{p.born:%d/%m/%Y}" == born)
            or (end is not None and p.code.endswith(end))
        )
        return chosen or same
    by_code = tuple(p for p in same if p.code in line)
    by_birth = tuple(p for p in same if f"{p.born:%d/%m/%Y}" in line)
    return by_code or by_birth or same


class Documents:
    """The text of the documents the sandbox delivered, read once per file."""

    def __init__(self, world: Any, bot_id: int) -> None:
        self.world = world
        self.bot_id = bot_id
        self.read: dict[str, list[str]] = {}

    def labels(self, chat_id: int, message_id: int) -> list[str]:
        """The labels of the message's inline buttons (a class list's pupils, for one), as the
        sandbox shows them now."""
        entry = self.world.chat_log(self.bot_id, chat_id).by_id.get(message_id)
        markup = (entry.message.get("reply_markup") or {}) if entry is not None else {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [str(b.get("text", "")) if isinstance(b, dict) else str(b) for r in rows for b in r]

    def lines(self, chat_id: int, message_id: int) -> tuple[str | None, list[str]]:
        """(the document's name, its lines) of a delivered message; (None, []) if it holds no
        document the sandbox kept."""
        entry = self.world.chat_log(self.bot_id, chat_id).by_id.get(message_id)
        document = (entry.message.get("document") or {}) if entry is not None else {}
        file_id = document.get("file_id")
        if not file_id:
            return None, []
        if file_id not in self.read:
            stored = self.world.files.get(file_id)
            data = stored.data if stored is not None else b""
            self.read[file_id] = read_document(data, document.get("file_name") or "")
        return document.get("file_name") or file_id, self.read[file_id]


def read_document(data: bytes, name: str) -> list[str]:
    """A document's text as lines (rows, paragraphs, members' lines); [] if unreadable."""
    if not data.startswith(b"PK"):
        return _text_lines(data) if name.lower().endswith(TEXT_MEMBERS) else []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.namelist()
            if "xl/workbook.xml" in members:
                return _workbook(data)
            if "word/document.xml" in members:
                return _word(data)
            return [
                line
                for member in members
                if not member.endswith("/")
                for line in [member, *read_document(archive.read(member), member)]
            ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return []


def _text_lines(data: bytes) -> list[str]:
    return data.decode("utf-8-sig", errors="replace").splitlines()


def _workbook(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [
            " | ".join(str(value) for value in row if value is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()


def _word(data: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    for section in document.sections:
        for part in (section.header, section.footer):
            lines += [paragraph.text for paragraph in part.paragraphs]
    return lines


def namesakes_comment(
    told: str, child: Iterable[Pupil], given: dict[str, set[str]], school: School
) -> list[Pupil]:
    """The namesakes of the recipient's `child` (pupils named on the notice) whose comment of
    the week `told` is, when the teachers never gave it to the child; `given`: pupil code ->
    the comments given for the notice's week."""
    children = list(child)
    if any(told in given.get(p.code, set()) for p in children):
        return []
    names = {p.name for p in children}
    codes = {p.code for p in children}
    return [
        p
        for p in school.pupils
        if p.name in names and p.code not in codes and told in given.get(p.code, set())
    ]


def homeroom_comment(text: str) -> str | None:
    """The homeroom comment a notice or an addendum carries (the lines under its heading, up to
    the blank line), or None."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    for n, line in enumerate(lines):
        if line.strip() in HOMEROOM_COMMENT:
            body = []
            for following in lines[n + 1 :]:
                if not following.strip():
                    break
                body.append(following)
            return nfc(" ".join(body))
    return None
