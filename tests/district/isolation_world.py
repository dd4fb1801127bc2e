"""Three schools in one database, each with its own bot in one sandbox, their data made to
collide: the same class (3A), the same pupil names, one student code in all three, a mother
with a child in two schools (the same phone, the same Telegram user linked through two bots)
and the same roles among the staff. Each school's own names carry a marker word, so that a
leak is found by looking for another school's words."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_application, shutdown, startup
from bot.core import schedules
from bot.core.context import BotApplication, Services
from bot.core.settings import load_settings
from bot.delivery.dispatcher import Dispatcher
from bot.features.administration.imports import import_roster, import_staff
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import School, Student
from storage.queries import ensure_school
from tests.e2e.conftest import BotClock, consent, vn
from tests.factories import pupil, write_table

STAFF_HEADER = ["Họ và tên", "SĐT", "Vai trò", "Lớp chủ nhiệm", "Môn dạy", "Lớp dạy"]
# Ngô Thị Chung has a child in school A's 3A and another in school B's 3A.
SHARED_MOTHER = ("Ngô Thị Chung", "0977123456")
SHARED_NAME = "Nguyễn Văn An"  # a pupil of this name in every school's 3A
SHARED_CODE = "7900000777"  # one national student id in all three schools
# Paper settings the minutes need, as the demo fills them.
PAPER = {"governing_body": "UBND PHƯỜNG THỬ", "place": "Phường Thử", "abbreviation": "THT"}
YEAR_START = date(2026, 9, 7)
START = vn(2026, 12, 3, 10, 0)  # Thursday of week 13 (30/11–04/12/2026), mid-morning


def e164(local: str) -> str:
    """0912345678 -> +84912345678."""
    return "+84" + local[1:]


@dataclass(frozen=True)
class Staff:
    """One person on the school's staff list."""

    name: str
    phone: str
    role: str
    homeroom: str = ""


@dataclass(frozen=True)
class SchoolSpec:
    """What one school of the three is made of."""

    index: int  # 1, 2, 3
    marker: str  # the word in every name that belongs to this school only
    code: str
    bot_id: int

    @property
    def name(self) -> str:
        return f"Trường Tiểu học {self.marker} Sơn"

    @property
    def token(self) -> str:
        return f"{self.bot_id}:ISOLATION-{self.marker.encode('ascii', 'ignore').decode()}x"

    def phone(self, kind: int, n: int) -> str:
        """A valid mobile number of this school only: 09{kind}{index}..."""
        return f"09{kind}{self.index}{n:06d}"

    @property
    def pupils(self) -> list[list[object]]:
        """3A's rows: a common name, two marked names, and the shared code."""
        m = self.marker
        mother2 = SHARED_MOTHER if self.index in (1, 2) else (f"Đào {m} Hoa", self.phone(8, 2))
        rows = [
            (
                1,
                SHARED_NAME,
                None,
                ("Nguyễn Văn Bình", self.phone(1, 1)),
                (f"Mai {m} Hà", self.phone(8, 1)),
            ),
            (2, f"Lê {m} Anh", None, (f"Lý {m} Đức", self.phone(1, 2)), mother2),
            (
                3,
                f"Trần {m} Bảo",
                None,
                (f"Lý {m} Đạt", self.phone(1, 3)),
                (f"Vũ {m} Cúc", self.phone(8, 3)),
            ),
            (
                4,
                f"Phạm Thị {m}",
                SHARED_CODE,
                (f"Lý {m} Đông", self.phone(1, 4)),
                (f"Hồ {m} Dung", self.phone(8, 4)),
            ),
        ]
        return [
            pupil(
                n,
                code=code or f"79{self.index}{self.index}00{n:04d}",
                name=name,
                klass="3A",
                gender="Nữ" if n == 4 else "Nam",
                born="12/03/2018",
                father=father,
                mother=mother,
            )
            for n, name, code, father, mother in rows
        ]

    @property
    def staff(self) -> list[Staff]:
        m = self.marker
        return [
            Staff(f"Trịnh {m} Khải", self.phone(3, 1), "Hiệu trưởng"),
            Staff(f"Trần {m} Khoa", self.phone(3, 2), "Quản trị hệ thống"),
            Staff(f"Lê {m} Mai", self.phone(3, 3), "Nhân viên y tế"),
            Staff(f"Đỗ {m} Hương", self.phone(3, 4), "Văn thư"),
            Staff(f"Phan {m} Thu", self.phone(3, 5), "Giáo viên chủ nhiệm", "3A"),
        ]


def specs() -> list[SchoolSpec]:
    """Three schools with fresh codes and bot ids (the run's database is shared by tests)."""
    tag = uuid.uuid4().hex[:6]
    first = random.randrange(10**8, 9 * 10**8)
    markers = ("Khuê", "Diễm", "Tuyết")
    return [
        SchoolSpec(i + 1, marker, f"iso{i + 1}-{tag}", first + i)
        for i, marker in enumerate(markers)
    ]


@dataclass
class Campus:
    """One school's running bot, its clock, its sender and its people."""

    spec: SchoolSpec
    school_id: int
    app: BotApplication
    clock: BotClock
    sender: Dispatcher
    people: dict[str, PersonClient] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        services = self.app.bot_data["services"]
        assert isinstance(services, Services)
        return services

    async def send(self) -> int:
        """Send what the outbox holds now, as the running bot's sender would."""
        claimed = 0
        while sent := await self.sender.tick():
            claimed += sent
        return claimed


async def seed(engine: AsyncEngine, spec: SchoolSpec, folder: Path) -> int:
    """The school, its 3A roster and its staff list imported; the school's id."""
    roster = write_table(folder / f"roster-{spec.index}.xlsx", spec.pupils)
    staff_rows = [[s.name, s.phone, s.role, s.homeroom, "", ""] for s in spec.staff]
    staff = write_table(
        folder / f"staff-{spec.index}.csv", staff_rows, header=STAFF_HEADER, titles=()
    )
    async with session_factory(engine)() as session:
        school = await ensure_school(session, spec.code, spec.name)
        school.year_start = YEAR_START
        school.settings = {**(school.settings or {}), **PAPER}
        imported = await import_roster(session, school, roster, today=START.date(), actor="test")
        assert not imported.refused, imported.problems
        listed = await import_staff(session, school, staff, actor="test")
        assert not listed.refused, listed.problems
        await session.commit()
        return school.id


@asynccontextmanager
async def campuses(
    sandbox: RunningSandbox, engine: AsyncEngine, database_url: str, folder: Path
) -> AsyncIterator[list[Campus]]:
    """The three schools seeded and their bots running on one engine, polling one sandbox."""
    running: list[Campus] = []
    try:
        for spec in specs():
            school_id = await seed(engine, spec, folder)
            sandbox.add_bot(spec.token, f"iso{spec.index}_{spec.bot_id}_bot", spec.name)
            settings = load_settings(
                _env_file=None,
                token=spec.token,
                api_base_url=sandbox.url,
                database_url=database_url,
                school=spec.code,
                school_name=spec.name,
                send_outbox=False,
                web_url="http://testserver/",
            )
            app = build_application(settings, engine=engine)
            await startup(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=2)
            clock = BotClock(app, START)
            await schedules.rebuild(app)  # planned again by the bot's clock, not today's
            services = app.bot_data["services"]
            assert services.school_id == school_id
            # The bot's sender, ticked by the test: set, so that the schedules fire here.
            sender = Dispatcher(
                app.bot,
                services.sessions,
                school_id=school_id,
                per_chat_interval=0,
                clock=clock,  # the BotClock, which services.clock is too
            )
            services.dispatcher = sender
            running.append(Campus(spec, school_id, app, clock, sender))
        yield running
    finally:
        for campus in running:
            campus.services.dispatcher = None
            assert campus.app.updater is not None
            await campus.app.updater.stop()
            await shutdown(campus.app)


async def person(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    campus: Campus,
    name: str,
    phone: str,
    *,
    user_id: int | None = None,
) -> PersonClient:
    """A person (new, or the Telegram user `user_id` already known) towards this school's bot."""
    if user_id is None:
        user_id = sandbox.add_person(name, e164(phone)).id
    return PersonClient(sandbox.url, user_id, campus.spec.bot_id, http=http)


async def link(client: PersonClient) -> PersonClient:
    """Consent and share one's own phone with the school's bot; checked linked."""
    await consent(client)
    await client.share_contact()
    welcome = await client.next_message(timeout=10)
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"], welcome["text"]
    return client


async def pupil_ids(engine: AsyncEngine, school_id: int) -> dict[str, int]:
    """The school's pupils by name."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(Student.full_name, Student.id).where(Student.school_id == school_id)
        )
        return {name: id_ for name, id_ in rows}


async def school_row(engine: AsyncEngine, school_id: int) -> School:
    async with session_factory(engine)() as session:
        school = await session.get(School, school_id)
        assert school is not None
        return school
