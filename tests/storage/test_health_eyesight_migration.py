"""Migration 0012: eyesight kept as written ("9/10", "1/20", "ĐNT 3m"), with glasses beside it."""

import asyncio
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.db import create_engine
from tests.databases import fresh_database, postgres_server

ROWS = (
    "INSERT INTO schools (id, code, name, timezone, term1_weeks, term2_weeks, settings) "
    "VALUES (1, 'th', 'Trường Tiểu học Thử', 'Asia/Ho_Chi_Minh', 18, 17, '{}')",
    "INSERT INTO classes (id, school_id, name, grade) VALUES (1, 1, '3A', 3)",
    "INSERT INTO students (id, school_id, student_code, full_name, family_name, middle_name, "
    "given_name, search_key, class_id, status) VALUES (1, 1, '0001', 'Lê An', 'Lê', '', 'An', "
    "'le an', 1, 'studying')",
)


def check_row(vision: tuple[str, str]) -> str:
    left, right = vision
    return (
        "INSERT INTO health_checks (school_id, student_id, measured_on, height_cm, weight_kg, "
        f"bmi, vision_left, vision_right, created_at) VALUES (1, 1, '2026-09-15', 120, 22, "
        f"15.3, {left}, {right}, CURRENT_TIMESTAMP)"
    )


async def eyes(engine: AsyncEngine, columns: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        found = await conn.execute(text(f"SELECT {columns} FROM health_checks ORDER BY id"))
        return [tuple(row) for row in found]


async def go(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    step = command.downgrade if down else command.upgrade
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: step(migrate.alembic_config(sync), revision))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_tenths_become_written_values_and_back(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and postgres_server() is None:
        pytest.skip("PostgreSQL tests need SCHOOLBOT_TEST_DATABASE_URL")

    async def check(url: str) -> None:
        engine = create_engine(url)
        try:
            await go(engine, "0011")
            async with engine.begin() as conn:
                for statement in (*ROWS, check_row(("9", "NULL")), check_row(("10", "12"))):
                    await conn.execute(text(statement))
            await go(engine, "0012")
            both = "vision_left, vision_right, vision_left_glasses, vision_right_glasses"
            assert await eyes(engine, both) == [
                ("9/10", None, None, None),
                ("10/10", "12/10", None, None),
            ]
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "UPDATE health_checks SET vision_left = '1/20', vision_right = 'ĐNT 3m', "
                        "vision_left_glasses = '8/10' WHERE id = (SELECT MIN(id) FROM "
                        "health_checks)"
                    )
                )
            await go(engine, "0011", down=True)
            # Whole tenths come back; what tenths cannot hold is cleared.
            assert await eyes(engine, "vision_left, vision_right") == [(None, None), (10, 12)]
        finally:
            await engine.dispose()

    with fresh_database(backend, tmp_path) as url:
        asyncio.run(check(url))
