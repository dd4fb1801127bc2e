"""The clerk's archive in chat (/luutru): the year's minutes and evidence, for staff only."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.calendar.queries import school_year_start
from bot.features.corrections.documents import minutes_fields
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import AuditEvent, School
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.e2e.test_weekly import download
from tests.features.archive.test_archive import read_index, seed_requests

CLERK = ("Đỗ Thanh Hương", "+84848144494")
VI = translator("vi")


def this_school_year() -> str:
    start = school_year_start(datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()).year
    return f"{start}-{start + 1}"


async def ask(person: PersonClient, args: str = "") -> list[dict[str, Any]]:
    """Send /luutru and return what the bot answers, up to the file or the refusal."""
    await person.skip_pending()
    await person.command("luutru", args)
    answers = [await person.next_message(timeout=30, new_only=True)]
    while answers[-1]["file"] is None and answers[-1]["text"].endswith("…"):
        answers.append(await person.next_message(timeout=30, new_only=True))
    return answers


async def test_the_clerk_gets_this_years_archive_and_reads_it_back(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    year = this_school_year()
    seeded = await seed_requests(session, lists, year)
    clerk = await linked_person(make_person, *CLERK)

    *_, reply = await ask(clerk)
    assert reply["file"]["file_name"] == f"luu-tru-sua-diem-{year}.zip"
    assert year in reply["caption"]
    data = await download(sandbox, reply)
    rows = read_index(data)
    assert [row[VI("Number")] for row in rows] == [
        str(number) for number in (seeded.signed, seeded.rejected, seeded.pending)
    ]
    signed = rows[0]
    assert signed[VI("Pupil")] == "Hoàng Anh Đăng"
    assert (signed[VI("Item")], signed[VI("Recorded result")], signed[VI("Corrected result")]) == (
        "Toán",
        "6",
        "8",
    )
    assert signed[VI("Requested by")] == "Phan Thị Thu"
    zipped = zipfile.ZipFile(io.BytesIO(data))
    fields = minutes_fields(zipped.read(f"bien-ban/{seeded.signed}.docx"))
    assert fields[VI("Pupil")] == "Hoàng Anh Đăng"
    assert (fields[VI("Recorded result")], fields[VI("Corrected result")]) == ("6", "8")
    assert "Trịnh Văn Khải" in fields["Hiệu trưởng"]
    assert len(zipped.namelist()) == 5  # the index, the minutes and three pieces of evidence

    await session.commit()
    exported = await session.scalars(
        select(AuditEvent).where(
            AuditEvent.school_id == lists.id, AuditEvent.action == "archive.exported"
        )
    )
    assert [(event.entity_id, event.after) for event in exported] == [
        (year, {"requests": 3, "files": 4})
    ]


async def test_a_year_can_be_named_and_a_wrong_one_is_explained(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    await seed_requests(session, lists, this_school_year())
    clerk = await linked_person(make_person, *CLERK)

    *_, reply = await ask(clerk, "2024–2025")
    assert reply["file"]["file_name"] == "luu-tru-sua-diem-2024-2025.zip"
    assert len(read_index(await download(sandbox, reply))) == 1

    (wrong,) = await ask(clerk, "2024-2026")
    assert wrong["file"] is None and "2024-2026" in wrong["text"]
    *_, nothing = await ask(clerk, "2019-2020")
    assert nothing["file"] is None and "2019-2020" in nothing["text"]


async def test_a_parent_and_a_teacher_are_refused(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    await seed_requests(session, lists, this_school_year())
    for person in (
        await linked_person(make_person, *MOTHER),
        await linked_person(make_person, *TEACHER_1A),
    ):
        (refusal,) = await ask(person)
        assert refusal["file"] is None
        assert refusal["text"] == VI(
            "The archive is for the clerk, the principal and the system administrator."
        )
