"""Three schools in one database, each through its own bot: nothing of one school reaches
another's people, files, exports, pages or rows (issue 20, item 1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox.server import RunningSandbox
from storage.db import create_engine
from tests.databases import postgres_server
from tests.district import isolation_flows as flows
from tests.district import isolation_outside as outside_
from tests.district import isolation_papers as papers
from tests.district.isolation_check import Seen, delivered, exclusive, found, leaks
from tests.district.isolation_presses import replay
from tests.district.isolation_rows import changed, crossings, rows_per_school, snapshot
from tests.district.isolation_world import Campus, campuses

# Tables every school must have rows in by the end, so that the row checks are not vacuous.
FILLED = (
    "telegram_accounts",
    "notices",
    "deliveries",
    "weekly_comments",
    "health_checks",
    "feedback",
    "leave_requests",
    "correction_requests",
    "audit_events",
    "web_sessions",
    "invitation_codes",
)


@pytest_asyncio.fixture
async def shared_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    if database_url.startswith("sqlite") and postgres_server() is not None:
        # A district runs on PostgreSQL: there when the server answers (CI), else on SQLite.
        pytest.skip("run on PostgreSQL, the district's database")
    """The one engine the three schools' bots share, as a district's worker has."""
    engine = create_engine(database_url, write_lock_at_begin=True)
    yield engine
    await engine.dispose()


def own_jobs_only(campus: Campus) -> None:
    """The school's bot plans the schedules of its own school and no other."""
    queue = campus.app.job_queue
    assert queue is not None
    names = [job.name or "" for job in queue.jobs() if (job.name or "").startswith("schedule:")]
    assert names, "no schedule planned"
    strays = [name for name in names if name.split(":")[1] != str(campus.school_id)]
    assert strays == [], f"school {campus.school_id} plans another school's jobs: {strays}"


async def each(work: object) -> None:
    """Run one coroutine per school at once (the three bots serve at the same time)."""
    assert isinstance(work, list)
    await asyncio.gather(*work)


async def test_three_schools_in_one_database_never_see_each_others_data(
    sandbox: RunningSandbox, shared_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    engine = shared_engine
    async with (
        httpx.AsyncClient(timeout=30.0) as http,
        campuses(sandbox, engine, database_url, tmp_path) as schools,
    ):
        only = exclusive([campus.spec for campus in schools])
        ids = [campus.school_id for campus in schools]
        for campus in schools:
            own_jobs_only(campus)
        await flows.people(sandbox, http, schools)
        await each([flows.urgent(campus) for campus in schools])
        for campus in schools:
            await flows.weekly_comments(engine, campus)
            await flows.friday(campus)
        await each([flows.feedback(engine, campus) for campus in schools])
        await each([papers.leave(engine, campus) for campus in schools])
        await each([papers.health(engine, campus) for campus in schools])
        await each([papers.correction(sandbox, engine, campus) for campus in schools])
        await each([papers.archive(campus) for campus in schools])
        await each([flows.personal_data(campus) for campus in schools])
        outside: dict[int, list[Seen]] = {campus.spec.index: [] for campus in schools}
        for campus in schools:
            outside[campus.spec.index] += [
                await outside_.outbox_status(engine, database_url, campus),
                await outside_.invites(database_url, campus, tmp_path),
                await outside_.export(database_url, campus, tmp_path),
                *await outside_.web(campus),
            ]
        for home, elsewhere in ((schools[0], schools[1]), (schools[1], schools[0])):
            outside[elsewhere.spec.index].append(await outside_.foreign_link(home, elsewhere))
        codes = {c.spec.index: outside_.slip_codes(outside[c.spec.index][1]) for c in schools}
        for home, elsewhere in ((schools[0], schools[1]), (schools[2], schools[0])):
            await outside_.codes_elsewhere(
                sandbox, http, elsewhere, codes[home.spec.index][0], codes[elsewhere.spec.index][0]
            )
        for campus in schools:
            await flows.the_days_after(campus)
        # A request left waiting in each school, for another school's teacher to try.
        await each([papers.leave(engine, c, date(2026, 12, 10), confirmed=False) for c in schools])

        # Each school's people press the buttons another school's people were given.
        for source, target in zip(schools, [*schools[1:], schools[0]], strict=True):
            before = await snapshot(engine, source.school_id)
            pressed = await replay(sandbox, engine, source, target)
            assert pressed > 10
            assert changed(before, await snapshot(engine, source.school_id)) == []

        assert await crossings(engine, ids) == []
        counts = await rows_per_school(engine, ids)
        assert {table: counts[table] for table in FILLED if 0 in counts[table]} == {}
        for campus in schools:
            seen = delivered(sandbox, campus.spec.bot_id) + outside[campus.spec.index]
            foreign = set().union(*(w for i, w in only.items() if i != campus.spec.index))
            assert leaks(seen, foreign) == []
            # Not vacuous: the school's own words are in each kind of thing looked at.
            spec = campus.spec
            own = [spec.marker, spec.name, f"Lê {spec.marker} Anh", spec.staff[4].name]
            assert found("\n".join(item.text for item in seen), own) == own
            for kind in (" message ", " file ", "web ", "invites", "export"):
                kinds = [item for item in seen if kind in item.where or item.where.startswith(kind)]
                assert leaks(kinds, only[spec.index]), f"nothing of school {spec.index}: {kind}"
        # The mother of two schools reads each child in its own school's chat only.
        for campus, child in ((schools[0], "Lê Khuê Anh"), (schools[1], "Lê Diễm Anh")):
            weekly = [
                m["text"]
                for m in await campus.people["mother2"].messages()
                if "Sổ liên lạc tuần 13" in (m["text"] or "")
            ]
            assert len(weekly) == 1 and child in weekly[0], weekly
