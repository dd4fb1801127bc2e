"""The flows of the assessment book's periods, through the sandbox as people do them:

- the principal (or the vice principal, who may not) locks or unlocks a period for the school
  or one class and publishes it: with the shortcuts (/khoaso ck1, /mokhoa ck1 1A, /congbo ck1)
  or through the leaders' screens ("Sổ điểm", the period, "Khóa toàn trường", "Theo lớp", the
  class, "Khóa" / "Mở khóa"; "Công bố kết quả" and its confirmation);
- a homeroom teacher downloads the class summary of a period (/sodiem, the period), changes
  one result or fills them all with openpyxl, and sends it back;
- a parent asks for results (/ketqua, the child, the period), or presses a period's button for
  a period not published (as an old or forged button would).

Each flow returns what the person saw; simulation/periods.py records the database's state
around it and checks the promises.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.i18n import Translator, translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.results import NONE_PUBLISHED
from bot.features.assessment.rules import (
    LEADERS_ONLY,
    PERIOD_NAMES,
    PRINCIPAL_ONLY,
    QUALITIES,
    Period,
)
from sandbox.client import SandboxClientError
from simulation.people import ANSWER_SECONDS, Person, data_of
from simulation.world import vn
from storage.models import AssessmentResult, SchoolClass, Student

Message = dict[str, Any]
VI = translator("vi")
LEVELS, QUALITY_LEVELS = ("T", "H"), ("T", "Đ")
FLIP = {"T": "Đ", "Đ": "T", "C": "Đ"}


def period_name(period: str, _: Translator = VI) -> str:
    return _(PERIOD_NAMES[Period(period)])


async def reply(
    person: Person,
    want: Callable[[Message], bool],
    seconds: float = ANSWER_SECONDS,
    *,
    new_only: bool = True,
) -> Message | None:
    """The bot's next message (or edit) that `want` accepts, passing over the others (a notice
    arriving meanwhile); None if none comes in time."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        message: Message | None = await person.answer(left, new_only=new_only)
        if message is None:
            return None
        if want(message):
            return message
    return None


def with_buttons(prefix: str) -> Callable[[Message], bool]:
    return lambda message: bool(data_of(message, prefix))


def text_of(message: Message | None) -> str:
    return str((message or {}).get("text") or (message or {}).get("caption") or "")


def label_data(message: Message | None, label: str) -> str | None:
    """The callback data of the button labelled `label`."""
    for row in (message or {}).get("buttons") or []:
        for button in row:
            if button.get("text") == label and button.get("callback_data"):
                return str(button["callback_data"])
    return None


# --- the leaders -------------------------------------------------------------------------------


# The first words of each answer of /khoaso, /mokhoa and /congbo (the period named after them).
ANSWERS = {
    "khoaso": ("Locked {period} for {scope}. Changes now go through /suadiem.",),
    "mokhoa": ("Unlocked {period} for {scope}. Teachers can send their spreadsheets again.",),
    "congbo": (
        "Published {period}. {count} parent accounts are being told to use /ketqua.",
        "{period} was already published.",
    ),
}


async def by_command(person: Person, command: str, *args: str) -> str:
    """/khoaso, /mokhoa or /congbo with its arguments; the answer (the first message that
    says it done, or refuses: a correction's card naming the period is not the answer)."""
    await person.client.skip_pending()
    await person.client.command(command, " ".join(args))
    name = period_name(args[0])
    starts = [VI(text).split("{scope}")[0].split("{count}")[0] for text in ANSWERS[command]]
    fragments = [start.format(period=name) for start in starts]
    fragments += [VI(PRINCIPAL_ONLY), VI(LEADERS_ONLY)]
    return text_of(await reply(person, lambda m: any(f in text_of(m) for f in fragments)))


async def open_table(person: Person) -> Message | None:
    """The menu's "Sổ điểm" (or /khoaso alone when the menu is not shown): the year's table."""
    await person.client.skip_pending()
    try:
        await person.client.choose(VI("Assessment book"))
    except SandboxClientError:
        await person.client.command("khoaso")
    return await reply(person, with_buttons("v1:lead:per:"))


async def press_and_see(person: Person, data: str, message: Message) -> tuple[str, Message | None]:
    """Press a button of `message`; (the alert, the message as it was edited)."""
    alert = await person.press(data, int(message["message_id"]))
    if alert is not None:
        return alert, None
    edited = await reply(person, lambda m: m["message_id"] == message["message_id"], new_only=False)
    return "", edited


async def lock_on_screens(
    person: Person, period: str, klass: str | None, class_id: int, locked: bool
) -> str:
    """Through the screens: the period, then the school's button or "Theo lớp", the class and
    "Khóa" / "Mở khóa"; what the last screen (or an alert) said."""
    table = await open_table(person)
    wanted = f"v1:lead:per:{period}"
    if table is None or wanted not in data_of(table, wanted):
        return ""
    alert, screen = await press_and_see(person, wanted, table)
    if alert or screen is None:
        return alert or text_of(screen)
    flag = "1" if locked else "0"
    if klass is None:
        alert, screen = await press_and_see(person, f"v1:lead:lock:{period}:s:0:{flag}", screen)
        return alert or text_of(screen)
    scopes = f"v1:lead:scopes:{period}:c"
    if scopes not in data_of(screen, scopes):
        return text_of(screen)  # no buttons to change anything: the refusal is on the screen
    alert, screen = await press_and_see(person, scopes, screen)
    chosen = label_data(screen, klass)
    if alert or screen is None or chosen is None:
        return alert or text_of(screen)
    alert, screen = await press_and_see(person, chosen, screen)
    if alert or screen is None:
        return alert or text_of(screen)
    press = f"v1:lead:lock:{period}:c:{class_id}:{flag}"
    alert, screen = await press_and_see(person, press, screen)
    return alert or text_of(screen)


async def publish_on_screens(person: Person, period: str) -> str:
    """The period, "Công bố kết quả", "Công bố"; what the last screen (or an alert) said."""
    table = await open_table(person)
    wanted = f"v1:lead:per:{period}"
    if table is None or wanted not in data_of(table, wanted):
        return ""
    alert, screen = await press_and_see(person, wanted, table)
    ask = f"v1:lead:pub:{period}"
    if alert or screen is None or ask not in data_of(screen, ask):
        return alert or text_of(screen)
    alert, screen = await press_and_see(person, ask, screen)
    confirm = f"v1:lead:pubok:{period}"
    if alert or screen is None or confirm not in data_of(screen, confirm):
        return alert or text_of(screen)
    alert, screen = await press_and_see(person, confirm, screen)
    return alert or text_of(screen)


# --- the class summary sheet -----------------------------------------------------------------


@dataclass
class Written:
    """What a teacher wrote in a class summary sheet: (pupil code, item key) -> stored value."""

    cells: dict[tuple[str, str], str] = field(default_factory=dict)


async def book_sheet(
    person: Person, period: str, rng: random.Random, *, fill: bool
) -> tuple[Written, str] | None:
    """/sodiem, the period, the file filled (`fill`: every result; else one quality changed) and
    sent back; what was written and the answer (None if a step was not offered)."""
    await person.client.skip_pending()
    await person.client.command("sodiem")
    choice = await reply(person, with_buttons("v1:book:t:"))
    presses = [d for d in data_of(choice, "v1:book:t:") if d.endswith(f":{period}")]
    if choice is None or not presses:
        return None
    await person.press(presses[0], int(choice["message_id"]))
    document = await reply(person, lambda m: bool(m.get("file")), 20.0)
    if document is None:
        return None
    stage = person.stage
    blank = (await stage.http.get(stage.sandbox.url + document["file"]["url"])).content
    book = await asyncio.to_thread(load_workbook, io.BytesIO(blank))
    written = Written()
    _write(book.worksheets[0], rng, written, fill=fill)
    out = io.BytesIO()
    book.save(out)
    await person.client.send_document(out.getvalue(), str(document["file"]["file_name"]))
    told = await reply(person, lambda m: bool(text_of(m)) and not m.get("file"), 20.0)
    return written, text_of(told)


def _write(sheet: Any, rng: random.Random, written: Written, *, fill: bool) -> None:
    rows = [[str(c.value or "").strip() for c in row] for row in sheet.iter_rows()]
    header = next(n for n, row in enumerate(rows) if "Mã học sinh" in row)
    titles = rows[header]
    code_at = titles.index("Mã học sinh")
    columns = {n: key for n, title in enumerate(titles) if (key := _item_key(title))}
    pupils = [
        (number, row[code_at])
        for number, row in enumerate(rows[header + 1 :], start=header + 2)
        if len(row) > code_at and row[code_at].isdigit()
    ]
    if not fill:  # one pupil's quality changed (T <-> Đ)
        number, code = rng.choice(pupils)
        qualities = [n for n, key in columns.items() if key.startswith("quality.")]
        column = rng.choice(qualities)
        letter = FLIP.get(rows[number - 1][column], "Đ")
        _put(sheet, written, number, column, code, columns[column], letter)
        return
    for number, code in pupils:
        level, quality = rng.choice(LEVELS), rng.choice(QUALITY_LEVELS)
        score = rng.randint(7, 10) if level == "T" else rng.randint(5, 8)
        for column, key in columns.items():
            value = score if key.startswith("score.") else level
            value = quality if key.startswith("quality.") else value
            _put(sheet, written, number, column, code, key, value)


def _put(
    sheet: Any, written: Written, row: int, column: int, code: str, key: str, value: Any
) -> None:
    sheet.cell(row, column + 1).value = value
    kind = key.partition(".")[0]
    stored = {"T": "hoan_thanh_tot", "H": "hoan_thanh", "C": "chua_hoan_thanh"}
    if kind == "quality":
        stored = {"T": "tot", "Đ": "dat", "C": "can_co_gang"}
    written.cells[(code, key)] = str(value) if kind == "score" else stored[str(value)]


def _item_key(title: str) -> str | None:
    """The item a column of the summary holds ("score.TOAN"), None for the other columns."""
    from bot.features.assessment.documents.template import HEADERS

    if title in QUALITIES.values():
        return next(f"quality.{code}" for code, name in QUALITIES.items() if name == title)
    for key, titles in HEADERS.items():
        if "." in key and title in titles:
            return key
    return None


# --- parents -----------------------------------------------------------------------------------


@dataclass
class Seen:
    """A parent's /ketqua: the periods offered, the one pressed and what it showed."""

    offered: list[str] = field(default_factory=list)
    period: str = ""
    text: str = ""
    alert: str = ""
    student_id: int = 0
    forged: bool = False  # a period's button pressed before its publication


async def results(person: Person, student_id: int, rng: random.Random) -> Seen:
    """/ketqua, the child (if asked), a period offered (the latest, or any): what was shown."""
    seen = Seen(student_id=student_id)
    await person.client.skip_pending()
    await person.client.command("ketqua")
    none = translator(person.language)(NONE_PUBLISHED)
    screen = await reply(person, lambda m: bool(data_of(m, "v1:book:")) or none in text_of(m))
    children = [d for d in data_of(screen, "v1:book:c:") if d.endswith(f":{student_id}")]
    if screen is not None and children:
        _alert, screen = await press_and_see(person, children[0], screen)
    offered = data_of(screen, f"v1:book:r:{student_id}:")
    seen.offered = [d.rsplit(":", 1)[1] for d in offered]
    seen.text = text_of(screen)
    if screen is None or not offered:
        return seen
    data = offered[-1] if rng.random() < 0.7 else rng.choice(offered)
    seen.period = data.rsplit(":", 1)[1]
    seen.alert, shown = await press_and_see(person, data, screen)
    seen.text = text_of(shown)
    return seen


async def unpublished_press(person: Person, student_id: int, period: str) -> Seen:
    """A period's button for a period not published (an old or forged button): the answer."""
    seen = Seen(period=period, student_id=student_id, forged=True)
    last = await person.client.last_message()
    if last is None:
        return seen
    await person.client.skip_pending()
    sent = await person.press(
        f"v1:book:r:{student_id}:{period}", int(last["message_id"]), forged=True
    )
    seen.alert = sent or ""
    edited = await person.answer(1.0, new_only=False)
    seen.text = text_of(edited) if edited and edited.get("message_id") == last["message_id"] else ""
    return seen


# --- the database ----------------------------------------------------------------------------


async def class_id(person: Person, klass: str) -> int:
    stage = person.stage
    async with stage.sessions() as session:
        found = await session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == stage.school_id, SchoolClass.name == klass
            )
        )
    return int(found or 0)


async def class_book(person: Person, klass: str, period: str) -> dict[tuple[str, str], str]:
    """The class's results of the period: (pupil code, item key) -> stored value."""
    stage = person.stage
    async with stage.sessions() as session:
        rows = await session.execute(
            select(Student.student_code, AssessmentResult.kind, AssessmentResult.item)
            .add_columns(AssessmentResult.value)
            .join(Student, Student.id == AssessmentResult.student_id)
            .join(SchoolClass, SchoolClass.id == AssessmentResult.class_id)
            .where(
                AssessmentResult.school_id == stage.school_id,
                AssessmentResult.period == period,
                SchoolClass.name == klass,
            )
        )
        return {(str(c), f"{k.value}.{i}"): str(v) for c, k, i, v in rows}


async def state(person: Person, period: str, klass: str | None) -> tuple[bool, bool]:
    """(locked for the class, or for the school; published) now, in the database."""
    stage = person.stage
    year = assessment.school_year_of(vn(stage.now()).date())
    async with stage.sessions() as session:
        published = Period(period) in await assessment.published(session, stage.school_id, year)
        if klass is None:
            table = await assessment.lock_table(session, stage.school_id, year)
            return table.get(period, {}).get(assessment.SCHOOL, False), published
        row = await session.scalar(
            select(SchoolClass).where(
                SchoolClass.school_id == stage.school_id, SchoolClass.name == klass
            )
        )
        assert row is not None
        locked = await assessment.is_locked(session, stage.school_id, year, Period(period), row)
        return locked, published
