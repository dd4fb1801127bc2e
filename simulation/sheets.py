"""Weekly comments by spreadsheet, planned on top of `simulation/town.py`, and the promise about
every comment a teacher gave:

- some homeroom teachers, some weeks (the first class on the first Thursday evening, then about
  a class-week in three: Thursday evening, the Friday rush or Sunday evening), open /nhanxet,
  press "Bảng tính (Excel)", fill the file the bot sends with openpyxl (some empty rows left
  empty, one comment already written in chat changed, one comment far too long) and send it
  back; told which row to fix, they shorten it and send the file again.

Checked at the end (`Sheets.check`):

- **comments**: the last notice or addendum each guardian got about a pupil's week carries, as
  its homeroom comment, the text the teacher last gave for that child that week (in chat or by
  sheet, whichever came last);
- **sheet**: a sheet with a row the bot cannot take is refused with that row named to the
  teacher (who then fixes it and sends the file again); an accepted sheet is acknowledged.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from simulation.invariants import Checks
from simulation.people import Given, Person, data_of
from simulation.texts import ADDENDUM, HOMEROOM_COMMENT, NOTICE, SHEET_RECEIVED, SHEET_REFUSED
from simulation.town import Action, Town
from simulation.world import calendar, vn
from storage.models import Student
from storage.names import nfc

TOO_LONG = 1001  # characters: over the sheet's limit of 1,000
MARGIN = timedelta(hours=14)  # a comment newer than this at the end may still be held
WRITTEN = [
    "Tuần này con tiến bộ trong môn Toán, làm bài cẩn thận hơn.",
    "Con đọc trôi chảy; cần rèn thêm chữ viết cho đều nét.",
    "Con lễ phép, biết giúp đỡ bạn; cần mạnh dạn phát biểu hơn.",
    "Con hoàn thành các bài tập; nhờ gia đình nhắc con ngủ sớm.",
]
FILE_WEEK = re.compile(r"-tuan-(\d+)\.xlsx$")


@dataclass
class Round:
    """One sheet a teacher filled and sent back: what she wrote, and what she was told."""

    teacher: Person
    klass: str
    at: datetime
    long_row: int = 0  # the row of the too-long comment (0: none)
    refused: str = ""  # the answer to the sheet with the long row, if it was refused
    accepted: str = ""  # the answer to the sheet she sent last
    texts: dict[str, str] = field(default_factory=dict)  # pupil code -> the text written


@dataclass
class Sheets:
    town: Town
    rounds: list[Round] = field(default_factory=list)
    # Its own draws, from the seed: the other flows' draws stay as they were without sheets.
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"sheets-{self.town.stage.options.seed}")

    def acts(self) -> dict[str, int]:
        return {
            "comment_sheets": len(self.rounds),
            "sheet_refusals": sum(1 for r in self.rounds if r.refused),
        }

    def plan(self, weeks: int) -> None:
        town, rng = self.town, self.rng
        for week in range(weeks):
            for n, klass in enumerate(town.school.classes):
                if week == 0 and n == 0:
                    day, hour = 3, 20  # the first class, the first Thursday evening
                elif rng.random() < 0.3:
                    day, hour = rng.choice([(3, 20), (4, 14), (6, 21)])
                else:
                    continue
                town.agenda[town.hour_of(week * 7 + day, hour)].append(self._round(klass))

    # --- the action ------------------------------------------------------------------------

    def _round(self, klass: str) -> Action:
        async def act() -> None:
            teacher = self.town.teacher(klass)
            if teacher.linked_at is not None:
                done = await fill_and_send(self.town, teacher, klass, self.rng)
                if done is not None:
                    self.rounds.append(done)

        return act

    # --- checks ----------------------------------------------------------------------------

    async def check(self, checks: Checks, end: datetime) -> None:
        for done in self.rounds:
            self._told(checks, done)
        codes = await codes_of(self.town)
        last: dict[tuple[str, date], Given] = {}
        for given in self.town.given:
            last[(codes[given.student_id], given.week)] = given
        for (code, monday), given in last.items():
            if given.at <= end - MARGIN:
                self._carried(checks, code, monday, given)

    def _told(self, checks: Checks, done: Round) -> None:
        if done.long_row:
            row = re.compile(rf"(?:Dòng|Row) {done.long_row}\b")
            if not done.refused or not row.search(done.refused):
                told = (done.refused or done.accepted)[-160:]
                detail = f"a too-long comment in row {done.long_row} not named: told “{told}”"
                checks.fail("sheet", done.at, [done.teacher], detail)
        if not any(phrase in done.accepted for phrase in SHEET_RECEIVED):
            detail = f"the sheet of {done.klass} not acknowledged: “{done.accepted[-160:]}”"
            checks.fail("sheet", done.at, [done.teacher], detail)

    def _carried(self, checks: Checks, code: str, monday: date, given: Given) -> None:
        """The last notice or addendum with the pupil's homeroom comment carries `given`."""
        town = self.town
        week = calendar().week_of(monday)
        if week is None:
            return
        name = town.school.pupil(code).name
        for person in town.guardians_of(code):
            if any(b is None or b > given.at for _a, b in person.blocked):
                continue  # blocked since: an addendum may not have reached her
            told = [
                d
                for d in town.stage.log
                if d.chat_id == person.id and not d.edit and _about(d.text, week.number, name)
            ]
            if not told:
                continue  # no notice of the week (yet): the delivery invariant's business
            carried = homeroom_comment(told[-1].text)
            if carried != nfc(given.text):
                detail = (
                    f"week {week.number} of {name}: the family was last told "
                    f"“{(carried or '')[:60]}”, the teacher last gave ({given.how}, "
                    f"{vn(given.at):%d/%m %H:%M}) “{given.text[:60]}”"
                )
                checks.fail("comments", told[-1].at, [person, given_by(town, code)], detail)


def given_by(town: Town, code: str) -> Person:
    return town.teacher(town.school.pupil(code).klass)


def _about(text: str, number: int, name: str) -> bool:
    found = NOTICE.match(text) or ADDENDUM.match(text)
    return (
        found is not None
        and int(found.group(1)) == number
        and name in nfc(text)
        and homeroom_comment(text) is not None
    )


def homeroom_comment(text: str) -> str | None:
    """The homeroom comment a notice or an addendum carries (its lines under the heading, up to
    the blank line); None if it carries none."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    for n, line in enumerate(lines):
        if nfc(line) in HOMEROOM_COMMENT:
            body = []
            for following in lines[n + 1 :]:
                if not following.strip():
                    break
                body.append(following)
            return nfc("\n".join(body))
    return None


# --- the flow ------------------------------------------------------------------------------


async def fill_and_send(
    town: Town, teacher: Person, klass: str, rng: random.Random
) -> Round | None:
    """/nhanxet, "Bảng tính (Excel)", the file filled and sent back (again, once fixed, if the
    bot names a row to fix); what was written and told (None if a step was not offered)."""
    await teacher.client.skip_pending()
    await teacher.client.command("nhanxet")
    listing = await teacher.answer()
    sheets = data_of(listing, "v1:wk:xls:")
    if not sheets or listing is None:
        return None
    await teacher.press(sheets[0], listing["message_id"])
    document = await teacher.answer()
    if document is None or not document.get("file"):
        return None
    stage = town.stage
    blank = (await stage.http.get(stage.sandbox.url + document["file"]["url"])).content
    found = FILE_WEEK.search(document["file"].get("file_name") or "")
    week = next((w for w in calendar().weeks() if found and w.number == int(found.group(1))), None)
    if week is None:
        return None
    book = load_workbook(io.BytesIO(blank))
    done = Round(teacher, klass, stage.now())
    linked = {
        code
        for code in (p.code for p in town.school.in_class(klass))
        if any(g.linked_at and not g.is_blocked for g in town.guardians_of(code))
    }
    cells = _write(book, rng, done, linked)
    if done.long_row:
        await teacher.client.send_document(_saved(book), f"nhan-xet-{klass}.xlsx")
        answer = await teacher.answer()
        told = str((answer or {}).get("text") or "")
        if any(phrase in told for phrase in SHEET_REFUSED):
            done.refused = told
            code, cell = cells[done.long_row]
            cell.value = done.texts[code] = WRITTEN[done.long_row % len(WRITTEN)]
        else:
            done.accepted = told  # taken as it was: she believes the long text was saved
    if not done.accepted:
        await teacher.client.send_document(_saved(book), f"nhan-xet-{klass}.xlsx")
        done.accepted = str(((await teacher.answer()) or {}).get("text") or "")
    if any(phrase in done.accepted for phrase in SHEET_RECEIVED):
        moment = stage.now()
        ids = {code: sid for sid, code in (await codes_of(town)).items()}
        for code, text in done.texts.items():
            town.given.append(Given(ids[code], week.start, text, moment, "sheet"))
    return done


def _write(
    book: Any, rng: random.Random, done: Round, linked: set[str]
) -> dict[int, tuple[str, Any]]:
    """Fill the sheet: about half of the empty comments, one written one changed (of a pupil
    with a family linked, if any: a change the family must see), one far too long; the rows
    written, by row number: (code, cell)."""
    sheet = book.active
    rows = [[str(c.value or "").strip() for c in row] for row in sheet.iter_rows()]
    header = next(n for n, row in enumerate(rows) if "Mã học sinh" in row)
    code_at = rows[header].index("Mã học sinh")
    comment_at = rows[header].index("Nhận xét")
    pupils = [
        (number, row[code_at], row[comment_at])
        for number, row in enumerate(rows[header + 1 :], start=header + 2)
        if len(row) > comment_at and row[code_at].isdigit()
    ]
    written = [(n, code) for n, code, comment in pupils if comment]
    empty = [(n, code) for n, code, comment in pupils if not comment]
    chosen = [p for p in empty if rng.random() < 0.5]
    seen = [(n, code) for n, code in written if code in linked] or written
    # A comment written in chat, changed; when every comment is written already, a second one
    # changed too, to be the far too long one (so the first change is still one to carry).
    edited = rng.sample(seen, min(len(seen), 1 if chosen else 2))
    cells: dict[int, tuple[str, Any]] = {}
    for number, code in chosen + edited:
        cell = sheet.cell(number, comment_at + 1)
        cell.value = done.texts[code] = f"{WRITTEN[rng.randrange(len(WRITTEN))]} (bảng tính)"
        cells[number] = (code, cell)
    if cells:  # a new comment far too long (else the second changed one, else the only one)
        long_rows = [n for n, _code in chosen] or [n for n, _code in edited[1:]]
        done.long_row = rng.choice(long_rows or sorted(cells))
        code, cell = cells[done.long_row]
        cell.value = done.texts[code] = ("Con rất chăm chỉ và ngoan. " * 40)[:TOO_LONG]
    return cells


def _saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def codes_of(town: Town) -> dict[int, str]:
    """Student id -> pupil code."""
    stage = town.stage
    async with stage.sessions() as session:
        return dict(
            (
                await session.execute(
                    select(Student.id, Student.student_code).where(
                        Student.school_id == stage.school_id
                    )
                )
            ).all()
        )
