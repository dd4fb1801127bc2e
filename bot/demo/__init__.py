"""`schoolbot demo`: a demo school, the sandbox and the bot together, without a token."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime
from pathlib import Path

from bot.core.i18n import Translator
from bot.core.labels import ROLE_LABELS
from bot.core.settings import Settings, load_settings
from bot.demo.assessment import seed_book
from bot.demo.web import demo_routes
from bot.features.administration.imports import import_roster, import_staff
from bot.runner import run_bot, stop_on_signals
from sandbox.server import RunningSandbox, running_sandbox
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import Guardian, Role, Staff
from storage.queries import (
    class_name,
    ensure_school,
    guardians_with_children,
    staff_by_role,
)

DATA = Path(__file__).parent
DEMO_TOKEN = "7000000001:DEMO-schoolbot-token"
DEMO_USERNAME = "so_lien_lac_demo_bot"
PARENTS = 3
# Staff who get a person in the sandbox after the parents and homeroom teachers.
OTHER_STAFF = (
    Role.VICE_PRINCIPAL,
    Role.ADMIN,
    Role.SUBJECT_TEACHER,
    Role.MEDICAL,
    Role.CLERK,
)


PAPER = {"governing_body": "UBND PHƯỜNG XUÂN HÒA", "place": "Xuân Hòa", "abbreviation": "THHD"}


async def prepare_school(database_url: str, settings: Settings, _: Translator) -> None:
    """Create the demo school from the bundled lists in a fresh database."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            school = await ensure_school(
                session, "demo", _("Sunflower Primary School (demo)"), settings.timezone
            )
            # What the minutes of a correction need (Nghị định 30/2020), in today's wards.
            school.settings = {**PAPER, **(school.settings or {})}
            today = datetime.now(settings.zone).date()
            for outcome in (
                await import_roster(
                    session, school, DATA / "roster.csv", today=today, actor="demo"
                ),
                await import_staff(session, school, DATA / "staff.csv", actor="demo"),
            ):
                if outcome.refused:
                    raise RuntimeError(f"demo data refused: {outcome.problems[:3]}")
            await session.flush()
            await seed_book(session, school, datetime.now(settings.zone))
    finally:
        await engine.dispose()


async def add_people(sandbox: RunningSandbox, database_url: str, _: Translator) -> None:
    """Create sandbox people whose phones match the lists.

    The first three (the page's default panels) are a parent, their child's homeroom teacher
    and the principal; then parents from other classes, the other teachers and a visitor.
    """
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            school = await ensure_school(session, "demo")
            families = await guardians_with_children(session, school.id)
            families.sort(key=lambda family: -len(family[1]))
            teachers: dict[str, Staff] = {}
            for teacher in await staff_by_role(session, school.id, Role.HOMEROOM):
                teachers[await class_name(session, teacher.homeroom_class_id) or ""] = teacher
            principals = await staff_by_role(session, school.id, Role.PRINCIPAL)
            more_staff = [
                (staff, ROLE_LABELS[role])
                for role in OTHER_STAFF
                for staff in await staff_by_role(session, school.id, role)
            ]
    finally:
        await engine.dispose()
    parents: list[tuple[Guardian, list[tuple[str, str]]]] = []
    classes_seen: set[str] = set()
    for guardian, children in families:
        first_class = children[0][1]
        if first_class not in classes_seen:
            classes_seen.add(first_class)
            parents.append((guardian, children))
    (first, first_children), *others = parents
    _add_parent(sandbox, first, first_children, _)
    _add_teacher(sandbox, first_children[0][1], teachers.pop(first_children[0][1], None), _)
    for principal in principals:
        sandbox.add_person(principal.full_name, principal.phone, "vi", _("Principal"))
    for guardian, children in others[: PARENTS - 1]:
        _add_parent(sandbox, guardian, children, _)
    for klass in sorted(teachers):
        _add_teacher(sandbox, klass, teachers[klass], _)
    for staff, label in more_staff:
        sandbox.add_person(staff.full_name, staff.phone, "vi", _(label))
    sandbox.add_person(
        "Guest", "+84909000000", "en", _("A visitor whose phone is not on the lists")
    )


def _add_parent(
    sandbox: RunningSandbox, guardian: Guardian, children: list[tuple[str, str]], _: Translator
) -> None:
    names = ", ".join(f"{child} ({klass})" for child, klass in children)
    label = _("Parent of {children}").format(children=names)
    sandbox.add_person(guardian.full_name or "", guardian.phone or "", "vi", label)


def _add_teacher(sandbox: RunningSandbox, klass: str, teacher: Staff | None, _: Translator) -> None:
    if teacher is not None:
        label = _("Homeroom teacher of class {name}").format(name=klass)
        sandbox.add_person(teacher.full_name, teacher.phone, "vi", label)


def free_port(host: str) -> int:
    """A port free on `host` now, for the web contact book beside the sandbox."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def fresh_database_file(folder: Path) -> Path:
    """Return the demo's database path after removing the previous run's files."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("demo.db*"):
        stale.unlink()
    return (folder / "demo.db").resolve()


async def run_demo(host: str, port: int, folder: Path, _: Translator) -> None:
    """Run the demo until Ctrl-C: fresh database, sandbox with people, and the bot."""
    database = await asyncio.to_thread(fresh_database_file, folder)
    database_url = f"sqlite+aiosqlite:///{database}"
    base = load_settings(database_url=database_url)
    await prepare_school(database_url, base, _)
    stop = stop_on_signals()
    web_port = free_port(host)
    async with running_sandbox(host=host, port=port) as sandbox:
        sandbox.add_bot(DEMO_TOKEN, DEMO_USERNAME, _("School contact book"))
        await add_people(sandbox, database_url, _)
        settings = load_settings(
            database_url=database_url,
            token=DEMO_TOKEN,
            api_base_url=sandbox.url,
            school="demo",
            webhook_url=None,
            # The contact book on the web, beside the sandbox (polling mode: on `listen`).
            web_url=f"http://{host}:{web_port}/",
            listen=f"{host}:{web_port}",
        )
        door = demo_routes(sandbox, DEMO_TOKEN, _)
        bot = asyncio.create_task(run_bot(settings, stop, web_extra=door))
        print(
            # ?web=: the page links to the web contact book's door (sandbox/static/index.html).
            _("The demo is running: open {url} in a browser. Press Ctrl-C to stop.").format(
                url=f"{sandbox.url}/?web={web_port}"
            ),
            flush=True,
        )
        print(
            _("The contact book on the web: {url}").format(url=f"{settings.web_url}demo"),
            flush=True,
        )
        await stop.wait()
        await bot
