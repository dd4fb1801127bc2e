"""The school benchmarks/web.py measures: its roster, its week, its people and their sessions.

--classes classes of --class-size pupils (an export like the national database's, written here
so that every class has the same size), imported into a fresh database; every guardian gets a
linked account, the school a principal and every class a homeroom teacher; week 12
(23/11/2026) gets one weekly notice per pupil, delivered, a third of them seen, and a few
feedback items, leave requests and health checks, so the dashboard draws every chart. Web
sessions are opened directly (as the one-time link does).
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from import_roster import FAMILY, GIVEN, HEADER, MIDDLE
from openpyxl import Workbook
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.administration.imports import import_roster
from bot.features.web_access.queries import open_session
from bot.features.weekly.notices import ref
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import (
    AccountState,
    CommentKind,
    Delivery,
    DeliveryState,
    Feedback,
    FeedbackState,
    FeedbackTopic,
    Guardian,
    HealthCheck,
    LeavePart,
    LeaveRequest,
    RequestState,
    Role,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    TelegramAccount,
    WeeklyComment,
)
from storage.queries import ensure_school

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday of week 12, 15:00 in Hà Nội
LETTERS = "ABCDEGHIKLMNPQRSTUVXY"  # Vietnamese class letters (no F, J, O, W, Z)
COMMENT = "Con chăm chỉ, đọc to rõ ràng; cần luyện thêm phép chia có dư."


@dataclass
class Made:
    """What the clients need: the school, the page cookies, who presses, who saves."""

    school_id: int
    cookies: dict[str, str] = field(default_factory=dict)
    pressing: list[tuple[str, int]] = field(default_factory=list)  # (cookie, delivery)
    saving: list[tuple[str, int]] = field(default_factory=list)  # (cookie, pupil)
    families: list[TelegramAccount] = field(default_factory=list)


def class_names(classes: int) -> list[str]:
    """`classes` class names spread over grades 1 to 5: 1A, 1B, ... 5K."""
    names: list[str] = []
    for grade in range(1, 6):
        count = classes * grade // 5 - classes * (grade - 1) // 5
        names += [f"{grade}{LETTERS[n]}" for n in range(count)]
    return names


def write_roster(path: Path, classes: int, size: int) -> int:
    """An export like the national database's, `size` pupils in each class, siblings sharing
    parents (one pupil in ten); the number of pupils."""
    rng = random.Random(2026)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in (["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], ["DANH SÁCH HỌC SINH"], [], HEADER):
        sheet.append(line)
    family: tuple[str, str, str, str] | None = None
    n = 0
    for klass in class_names(classes):
        grade = int(klass[0])
        for _ in range(size):
            n += 1
            if family is None or rng.random() > 0.1:
                family = (
                    f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}",
                    f"09{n:08d}",
                    f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}",
                    f"03{n:08d}",
                )
            name = f"{family[0].split()[0]} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            born = date(2020 - grade, rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice(["Nam", "Nữ"])
            row = [n, f"79{n:08d}", name, born.strftime("%d/%m/%Y"), sex, "Kinh", "Đang học"]
            sheet.append([*row, family[3], *family, klass, f"Khối {grade}"])
    sheet.append([f"Tổng số: {n} học sinh"])
    workbook.save(path)
    return n


@contextlib.asynccontextmanager
async def fresh_database(url: str | None, folder: Path) -> AsyncIterator[str]:
    """A new SQLite file, or a new database on the PostgreSQL server of `url` (dropped after)."""
    if url is None:
        yield f"sqlite+aiosqlite:///{folder / 'bench.sqlite'}"
        return
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("--database-url: a PostgreSQL server (SQLite is the default)")
    name = f"web_bench_{uuid.uuid4().hex[:12]}"
    server = create_async_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with server.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            async with server.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await server.dispose()


async def linked(session: Any, school_id: int, user: int, **link: int) -> TelegramAccount:
    account = TelegramAccount(
        school_id=school_id,
        telegram_user_id=user,
        chat_id=user,
        state=AccountState.LINKED,
        consent_at=NOW,
        consent_version="2026.1",
        failed_codes=0,
        **link,
    )
    session.add(account)
    await session.flush()
    return account


async def staff(session: Any, school_id: int, n: int, role: Role, klass: int | None) -> int:
    name = f"{FAMILY[n % len(FAMILY)]} Thị {GIVEN[n % len(GIVEN)]} {n}"
    member = Staff(school_id=school_id, full_name=name, phone=f"+8491{n:07d}")
    member.homeroom_class_id = klass
    session.add(member)
    await session.flush()
    session.add(StaffRole(staff_id=member.id, role=role))
    return member.id


async def school_life(session: Any, school_id: int, pupils: list[tuple[int, int]]) -> None:
    """A few feedback items, leave requests and health checks, so every chart has bars."""
    for n, (pupil, klass) in enumerate(pupils[:60]):
        day = datetime(2026, 11, 23 + n % 5, 2, tzinfo=UTC)
        session.add(
            Feedback(
                school_id=school_id,
                student_id=pupil,
                class_id=klass,
                topic=list(FeedbackTopic)[n % 5],
                state=FeedbackState.ANSWERED if n % 3 else FeedbackState.OPEN,
                created_at=day,
            )
        )
        session.add(
            LeaveRequest(
                school_id=school_id,
                student_id=pupil,
                class_id=klass,
                first_day=day.date(),
                last_day=day.date(),
                part=LeavePart.ALL_DAY,
                reason="Con bị sốt.",
                state=[RequestState.PENDING, RequestState.APPROVED][n % 2],
            )
        )
    nutrition = ["normal", "normal", "normal", "thinness", "overweight", "obesity"]
    for n, (pupil, _klass) in enumerate(pupils):
        session.add(
            HealthCheck(
                school_id=school_id,
                student_id=pupil,
                measured_on=date(2026, 10, 15),
                height_cm=120.0,
                weight_kg=22.0,
                vision_left="10/10" if n % 4 else "7/10",
                vision_right="10/10",
                bmi=15.3,
                bmi_z=0.1,
                height_z=0.2,
                nutrition=nutrition[n % 6],
                stunted=False,
            )
        )


async def week_delivered(session: Any, school_id: int, rows: list[tuple[int, int]]) -> None:
    """Week 12's notice for every pupil, sent; a third of them seen."""
    drafts = {
        pupil: Draft(
            "weekly",
            f"<b>SỔ LIÊN LẠC TUẦN 12</b>\nCon tiến bộ trong tuần {n}.",
            ref(MONDAY, k, pupil),
        )
        for n, (pupil, k) in enumerate(rows)
    }
    await enqueue_per_pupil(session, school_id, drafts, now=NOW)
    await session.execute(
        update(Delivery).values(state=DeliveryState.SENT, sent_at=NOW, due_at=NOW)
    )
    await session.execute(
        update(Delivery).where(Delivery.id % 3 == 0).values(read_at=NOW + timedelta(hours=3))
    )


async def people(session: Any, made: Made, rows: list[tuple[int, int]]) -> None:
    """The accounts and their sessions: a family, the principal, a homeroom teacher per class
    (each saving a comment for a pupil of her class), the other families."""
    school_id = made.school_id
    classes = list(
        await session.scalars(
            select(SchoolClass.id)
            .where(SchoolClass.school_id == school_id)
            .order_by(SchoolClass.id)
        )
    )
    guardians = list(
        await session.scalars(
            select(Guardian.id).where(Guardian.school_id == school_id).order_by(Guardian.id)
        )
    )
    families = [
        await linked(session, school_id, 10_000 + n, guardian_id=g) for n, g in enumerate(guardians)
    ]
    leader = await staff(session, school_id, 0, Role.PRINCIPAL, None)
    principal = await linked(session, school_id, 1, staff_id=leader)

    async def cookie(account: TelegramAccount) -> str:
        return (await open_session(session, account, NOW, 12, via="link")).token

    made.cookies["family"] = await cookie(families[0])
    made.cookies["leader"] = await cookie(principal)
    first_pupil = {k: p for p, k in reversed(rows)}
    for n, klass in enumerate(classes, start=1):
        member = await staff(session, school_id, n, Role.HOMEROOM, klass)
        account = await linked(session, school_id, 100 + n, staff_id=member)
        made.saving.append((await cookie(account), first_pupil[klass]))
    made.cookies["teacher"] = made.saving[0][0]
    made.families = families[1:]


async def pressing(session: Any, made: Made, presses: int) -> None:
    """The families who press "Đã xem": each with a notice not seen yet, and a session."""
    for account in made.families:
        if len(made.pressing) >= presses:
            break
        delivery = await session.scalar(
            select(Delivery.id).where(Delivery.account_id == account.id, Delivery.read_at.is_(None))
        )
        if delivery is not None:
            token = (await open_session(session, account, NOW, 12, via="link")).token
            made.pressing.append((token, delivery))


async def prepare(url: str, folder: Path, classes: int, size: int, presses: int) -> Made:
    """The school, its week, the people and their sessions; what the clients need."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    roster = folder / "roster.xlsx"
    write_roster(roster, classes, size)
    async with session_factory(engine)() as session, session.begin():
        school = await ensure_school(session, "bench", "Trường Tiểu học Thử")
        outcome = await import_roster(session, school, roster, today=MONDAY, actor="bench")
        assert not outcome.refused, outcome.problems[:3]
        made = Made(school.id)
        found = await session.execute(
            select(Student.id, Student.class_id)
            .where(Student.school_id == school.id)
            .order_by(Student.id)
        )
        rows = [(pupil, klass) for pupil, klass in found]
        await people(session, made, rows)
        await week_delivered(session, school.id, rows)
        await school_life(session, school.id, rows)
        await pressing(session, made, presses)
    await engine.dispose()
    return made


async def stored_comments(url: str, pupils: list[int]) -> int:
    """How many of these pupils have week 12's homeroom comment as the teachers saved it."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            count = await session.scalar(
                select(func.count(WeeklyComment.id)).where(
                    WeeklyComment.student_id.in_(pupils),
                    WeeklyComment.week_start == MONDAY,
                    WeeklyComment.kind == CommentKind.HOMEROOM,
                    WeeklyComment.text == COMMENT,
                )
            )
    finally:
        await engine.dispose()
    return int(count or 0)
