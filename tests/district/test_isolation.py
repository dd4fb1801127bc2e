"""Three schools in one database, each through its own bot: nothing of one school reaches
another's people, files, exports or jobs (issue 20, item 1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox.server import RunningSandbox
from storage.db import create_engine
from tests.district import isolation_flows as flows
from tests.district.isolation_check import delivered, exclusive, found, leaks
from tests.district.isolation_world import Campus, campuses


@pytest_asyncio.fixture
async def shared_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
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


async def test_three_schools_in_one_database_never_see_each_others_data(
    sandbox: RunningSandbox, shared_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    async with (
        httpx.AsyncClient(timeout=30.0) as http,
        campuses(sandbox, shared_engine, database_url, tmp_path) as schools,
    ):
        only = exclusive([campus.spec for campus in schools])
        for campus in schools:
            own_jobs_only(campus)
        await flows.people(sandbox, http, schools)
        await asyncio.gather(*(flows.urgent(campus) for campus in schools))
        for campus in schools:
            await flows.weekly_comments(shared_engine, campus)
        for campus in schools:
            await flows.friday(campus)
        await asyncio.gather(*(flows.feedback(shared_engine, campus) for campus in schools))

        for campus in schools:
            seen = delivered(sandbox, campus.spec.bot_id)
            foreign = set().union(*(w for i, w in only.items() if i != campus.spec.index))
            assert leaks(seen, foreign) == []
            # Not vacuous: the school's own names are in what its bot sent.
            spec = campus.spec
            own = [spec.marker, spec.name, f"Lê {spec.marker} Anh", spec.staff[4].name]
            assert found("\n".join(item.text for item in seen), own) == own
        # The mother of two schools reads each child in its own school's chat only.
        for campus, child in ((schools[0], "Lê Khuê Anh"), (schools[1], "Lê Diễm Anh")):
            weekly = [
                m["text"]
                for m in await campus.people["mother2"].messages()
                if "Sổ liên lạc tuần 13" in (m["text"] or "")
            ]
            assert len(weekly) == 1 and child in weekly[0], weekly
