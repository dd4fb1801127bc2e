"""The nurse's check-up import and the clerk's archive, planned on top of `simulation/town.py`:

- on the first Thursday the nurse (/suckhoe) takes each class's spreadsheet template, fills it
  (a generated sheet: height, weight, eyesight, teeth, spine for every pupil), sends it back and
  presses "Xác nhận" (and again, the next morning);
- on the last Saturday the clerk asks for the year's correction archive (/luutru).

Checked at the end (`Records.check`):

- **delivery** (health): every guardian linked and not blocking the bot when a sheet was
  confirmed gets their own child's check-up result exactly once (a second "Xác nhận" sends
  nothing more; privacy is checked on every message as for any other);
- **archive**: the clerk's .zip holds the minutes of every request signed when it was asked and
  an index line for every request of the year.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from simulation.invariants import Checks
from simulation.people import Person, data_of
from simulation.town import Action, Town
from storage.models import CorrectionRequest, CorrectionState

HEALTH = ("Kết quả khám sức khỏe", "Health check results")


@dataclass
class Sheet:
    klass: str
    at: datetime
    codes: list[str]


@dataclass
class Archive:
    at: datetime
    signed: int  # requests signed when it was asked
    requests: int
    data: bytes | None


@dataclass
class Records:
    town: Town
    sheets: list[Sheet] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)

    @property
    def nurse(self) -> Person:
        return self.town.staff["Nhân viên y tế"]

    @property
    def clerk(self) -> Person:
        return self.town.staff["Văn thư"]

    def plan(self, weeks: int) -> None:
        town = self.town
        for n, klass in enumerate(town.school.classes):
            town.agenda[town.hour_of(3, 9 + n % 8)].append(self._sheet(klass))
        town.agenda[town.hour_of(7 * weeks - 2, 10)].append(self._archive())

    def acts(self) -> dict[str, int]:
        return {"health_sheets": len(self.sheets), "archives": len(self.archives)}

    # --- actions ---------------------------------------------------------------------------

    def _sheet(self, klass: str) -> Action:
        async def act() -> None:
            sent = await self._fill_and_send(klass)
            if sent is not None:
                self.sheets.append(Sheet(klass, self.town.stage.now(), sent[0]))
                later = self.town._index() + 20  # "Xác nhận" again, the next morning
                self.town.agenda[later].append(self._again(sent[1], sent[2]))

        return act

    async def _fill_and_send(self, klass: str) -> tuple[list[str], str, int] | None:
        nurse, rng = self.nurse, self.town.rng
        await nurse.client.skip_pending()
        await nurse.client.command("suckhoe")
        classes = await nurse.answer()
        chosen = [
            d for d in data_of(classes, "v1:hlth:cls:") if classes and klass in _labels(classes, d)
        ]
        if not chosen or classes is None:
            return None
        await nurse.press(chosen[0], classes["message_id"])
        menu = await nurse.answer(new_only=False)
        templates = data_of(menu, "v1:hlth:tpl:")
        if not templates or menu is None:
            return None
        await nurse.press(templates[0], menu["message_id"])
        template = await nurse.answer()
        if template is None or not template.get("file"):
            return None
        stage = self.town.stage
        blank = (await stage.http.get(stage.sandbox.url + template["file"]["url"])).content
        filled, codes = _fill(blank, rng)
        await nurse.client.send_document(filled, f"ket-qua-{klass}.xlsx")
        summary = await nurse.answer()
        oks = data_of(summary, "v1:hlf:ok:")
        if not oks or summary is None:
            return None
        await nurse.press(oks[0], summary["message_id"])
        await nurse.answer(new_only=False)
        return codes, oks[0], int(summary["message_id"])

    def _again(self, data: str, message_id: int) -> Action:
        async def act() -> None:
            await self.nurse.press(data, message_id, forged=True)
            await self.nurse.quiet_answer()

        return act

    def _archive(self) -> Action:
        async def act() -> None:
            clerk, stage = self.clerk, self.town.stage
            if clerk.linked_at is None:
                return
            async with stage.sessions() as session:
                counted = select(func.count(CorrectionRequest.id)).where(
                    CorrectionRequest.school_id == stage.school_id
                )
                requests = int(await session.scalar(counted) or 0)
                signed = int(
                    await session.scalar(
                        counted.where(CorrectionRequest.state == CorrectionState.SIGNED)
                    )
                    or 0
                )
            await clerk.client.skip_pending()
            await clerk.client.command("luutru")
            data = None
            for _ in range(3):  # "Đang chuẩn bị…", then the file
                message = await clerk.answer(10.0)
                if message is not None and message.get("file"):
                    url = stage.sandbox.url + message["file"]["url"]
                    data = (await stage.http.get(url)).content
                    break
            self.archives.append(Archive(stage.now(), signed, requests, data))

        return act

    # --- checks ----------------------------------------------------------------------------

    def check(self, checks: Checks) -> None:
        town = self.town
        for sheet in self.sheets:
            for code in sheet.codes:
                name = town.school.pupil(code).name

                def mine(text: str, name: str = name) -> bool:
                    return name in text and any(title in text for title in HEALTH)

                for person in town.guardians_of(code):
                    checks._count(person, sheet.at, mine, False, f"check-up of {name}")
        for archive in self.archives:
            self._archive_holds(checks, archive)

    def _archive_holds(self, checks: Checks, archive: Archive) -> None:
        if archive.requests and archive.data is None:
            checks.fail("archive", archive.at, [self.clerk], "no archive sent")
            return
        if archive.data is None:
            return
        with zipfile.ZipFile(io.BytesIO(archive.data)) as kept:
            names = kept.namelist()
            index = kept.read("index.csv").decode("utf-8-sig") if "index.csv" in names else ""
        minutes = sum(1 for n in names if n.startswith("bien-ban/") and n.endswith(".docx"))
        rows = max(len(list(csv.reader(io.StringIO(index)))) - 1, 0)
        if minutes != archive.signed or rows != archive.requests:
            detail = (
                f"{minutes} minutes and {rows} index lines for {archive.signed} signed of "
                f"{archive.requests} requests"
            )
            checks.fail("archive", archive.at, [self.clerk], detail)


def _labels(message: dict[str, object], data: str) -> str:
    rows = message.get("buttons") or []
    assert isinstance(rows, list)
    return " ".join(
        str(b.get("text")) for row in rows for b in row if b.get("callback_data") == data
    )


def _fill(blank: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """The template with every pupil's results; the codes filled."""
    book = load_workbook(io.BytesIO(blank))
    sheet = book.active
    assert sheet is not None
    rows = [[str(c.value or "").strip() for c in row] for row in sheet.iter_rows()]
    header = next(n for n, row in enumerate(rows) if "Mã học sinh" in row)
    titles = {title: column for column, title in enumerate(rows[header], start=1) if title}
    values: dict[str, Callable[[], str]] = {
        "Chiều cao (cm)": lambda: f"{rng.uniform(112, 135):.1f}".replace(".", ","),
        "Cân nặng (kg)": lambda: f"{rng.uniform(18, 34):.1f}".replace(".", ","),
        "Thị lực mắt trái (không kính)": lambda: rng.choice(["10/10", "9/10", "8/10"]),
        "Thị lực mắt phải (không kính)": lambda: rng.choice(["10/10", "9/10", "7/10"]),
        "Răng miệng": lambda: rng.choice(["Bình thường", "Sâu răng"]),
        "Cột sống": lambda: "Bình thường",
    }
    codes = []
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        code = row[titles["Mã học sinh"] - 1] if len(row) >= titles["Mã học sinh"] else ""
        if not code.isdigit():
            continue
        codes.append(code)
        for title, value in values.items():
            if title in titles:
                sheet.cell(number, titles[title], value())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), codes
