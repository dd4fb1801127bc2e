"""The assessment grid of a period: the TT27 matrix of the homeroom teacher's class, each cell
saved through the spreadsheet import's own steps (its validation, its locks), read back in the
chat's class summary sheet; nothing for anyone else; locked cells read-only with a deep link
that opens the correction request in chat, checked again there."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections import deep_link
from bot.features.corrections.chat.start import NOT_A_REQUEST, OLD_YEAR
from bot.features.corrections.rules import NOT_YOURS
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import AssessmentKind, AssessmentResult, School
from storage.names import class_list_key, split_name
from tests.e2e.conftest import MOTHER, TEACHER_1A, TEACHER_3B, BotClock, linked_person, vn
from tests.e2e.test_assessment_book import template
from tests.web.teacher import JSON, class_pupils, on_2026_calendar, sign_in_again, signed_in

THURSDAY = vn(2026, 12, 3, 10, 0)
YEAR = "2026-2027"
vi = translator("vi")


async def post_cell(
    browser: httpx.AsyncClient, csrf: str, pupil: int, item: str, value: str, **extra: str
) -> httpx.Response:
    data = {"csrf": csrf, "year": YEAR, "period": "ck1", "pupil": str(pupil), "item": item}
    return await browser.post(
        "/teacher/book/cell", data={**data, "value": value, **extra}, headers=JSON
    )


async def book_of(session: AsyncSession, pupil: int, period: str = "ck1") -> dict[str, str]:
    await session.commit()
    rows = await session.scalars(
        select(AssessmentResult)
        .where(AssessmentResult.student_id == pupil, AssessmentResult.period == period)
        .execution_options(populate_existing=True)
    )
    return {f"{row.kind.value}.{row.item}": row.value for row in rows}


async def teacher_in(
    make_person: PersonFactory, browser: httpx.AsyncClient, who: tuple[str, str]
) -> tuple[PersonClient, str]:
    person = await linked_person(make_person, *who)
    return person, await sign_in_again(person, browser)


def inputs(page: str) -> list[str]:
    return re.findall(r'<input name="([a-z]+\.[A-Za-z_]+)"', page)


async def test_the_matrix_of_the_grade_and_period_in_class_order_saved_cell_by_cell(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    sandbox: RunningSandbox,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    teacher, csrf = await teacher_in(make_person, browser, TEACHER_1A)
    pupils = sorted(
        await class_pupils(session, school, "1A"), key=lambda p: class_list_key(split_name(p[1]))
    )
    grid = await browser.get("/teacher/book?period=ck1")
    assert grid.status_code == 200, grid.text[:300]
    assert 'aria-current="page">Cuối học kì I' in grid.text or "ck1" in grid.text
    rows = re.findall(r'<tr id="p(\d+)" data-pupil', grid.text)
    assert [int(r) for r in rows] == [p for p, _name in pupils]
    names = inputs(grid.text)[: len(assessment.items_for(1, Period.CK1))]
    assert names == [item.key for item in assessment.items_for(1, Period.CK1)]
    # Grade 1 at the end of term I: Toán and Tiếng Việt are tested, Đạo đức is not; no Tin học
    # competence before grade 3; each cell read-only until the script opens it.
    assert "score.TOAN" in names and "score.TV" in names and "score.DD" not in names
    assert "quality.nldt_tin_hoc" not in names and "level.AN" in names
    assert grid.text.count("readonly data-open") == len(names) * len(pupils)
    (first, _n), (second, _m) = pupils[0], pupils[1]

    saved = await post_cell(browser, csrf, first, "score.TOAN", " 9 ")
    assert saved.status_code == 200 and saved.json() == {
        "ok": True,
        "message": vi("Saved"),
        "value": "9",
        "note": "",
    }
    written = await post_cell(browser, csrf, first, "level.TOAN", "hoàn thành tốt")
    assert written.json()["value"] == "T"
    await post_cell(browser, csrf, first, "quality.pc_cham_chi", "đ")
    await post_cell(browser, csrf, second, "level.TV", "c")
    assert await book_of(session, first) == {
        "score.TOAN": "9",
        "level.TOAN": "hoan_thanh_tot",
        "quality.pc_cham_chi": "dat",
    }
    # An empty cell removes the value, as in the sheet.
    assert (await post_cell(browser, csrf, second, "level.TV", "")).json()["ok"] is True
    assert await book_of(session, second) == {}
    # Reloaded: the values as the sheet writes them.
    again = await browser.get("/teacher/book?period=ck1")
    assert 'name="score.TOAN" value="9"' in again.text
    assert 'name="quality.pc_cham_chi" value="Đ"' in again.text
    # The chat's class summary sheet holds what the web saved.
    sheet = (await template(teacher, sandbox)).worksheets[0]
    header = next(r[0].row for r in sheet.iter_rows() if r[0].value == "STT")
    columns = {cell.value: cell.column for cell in sheet[header]}
    name = dict(pupils)[first]
    row = next(r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 3).value == name)
    assert sheet.cell(row, columns["Toán (điểm)"]).value == 9
    assert sheet.cell(row, columns["Toán (mức)"]).value == "T"
    assert sheet.cell(row, columns["Chăm chỉ"]).value == "Đ"
    # The period chooser, and an unknown period.
    assert (await browser.get("/teacher/book")).status_code == 200
    assert (await browser.get("/teacher/book?period=hk3")).status_code == 404
    assert 'href="/teacher/book"' in (await browser.get("/teacher")).text


async def test_refusals_in_vietnamese_store_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    ((pupil, _name), *_rest) = await class_pupils(session, school, "1A")
    refused: dict[tuple[str, str], str] = {
        ("score.TOAN", "11"): "Điểm không được lớn hơn 10: 11.",
        ("level.TOAN", "X"): "“X” không phải là mức đánh giá môn học: hãy ghi T, H hoặc C.",
        ("score.DD", "8"): "Môn Đạo đức không có bài kiểm tra định kỳ ở lớp 1",
        ("score.TOAN", "7.5"): "7.5",
    }
    for (item, value), said in refused.items():
        answer = await post_cell(browser, csrf, pupil, item, value)
        assert answer.status_code == 422, (item, value, answer.text)
        assert said in answer.json()["message"], answer.json()
    # A subject with parts: its own value must lie between its parts' (the sheet's row rule);
    # parts that differ are saved with the sheet's note.
    missing = await post_cell(browser, csrf, pupil, "level.AN", "H")
    assert missing.json()["ok"] is True and "Mĩ thuật còn trống" in missing.json()["note"]
    differ = await post_cell(browser, csrf, pupil, "level.MT", "C")
    assert differ.json()["ok"] is True and "Nghệ thuật" in differ.json()["note"]
    outside = await post_cell(browser, csrf, pupil, "level.NT", "T")
    assert outside.status_code == 422 and "Nghệ thuật" in outside.json()["message"]
    assert (await post_cell(browser, csrf, pupil, "level.NT", "H")).json()["ok"] is True
    assert await book_of(session, pupil) == {
        "level.AN": "hoan_thanh",
        "level.MT": "chua_hoan_thanh",
        "level.NT": "hoan_thanh",
    }
    # No form token, a page of another school year, an unknown item: refused, nothing stored.
    data = {"year": YEAR, "period": "ck1", "pupil": str(pupil), "item": "score.TOAN"}
    no_token = await browser.post("/teacher/book/cell", data={**data, "value": "8"}, headers=JSON)
    assert no_token.status_code == 403
    old = await post_cell(browser, csrf, pupil, "score.TOAN", "8", year="2025-2026")
    assert old.status_code == 409
    assert (await post_cell(browser, csrf, pupil, "score.XYZ", "8")).status_code == 404
    assert "score.TOAN" not in await book_of(session, pupil)


async def test_another_class_a_parent_and_a_stranger_reach_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    ((pupil_1a, _name), *_rest) = await class_pupils(session, school, "1A")
    csrf = await signed_in(make_person, browser, TEACHER_3B)
    assert (await browser.get("/teacher/book?period=ck1")).status_code == 200  # 3B's own
    # 3B's teacher posts a 1A pupil's id: refused, nothing stored.
    forged = await post_cell(browser, csrf, pupil_1a, "score.TOAN", "10")
    assert forged.status_code == 404
    assert await book_of(session, pupil_1a) == {}
    browser.cookies.clear()
    await signed_in(make_person, browser, MOTHER)
    parent = await browser.get("/teacher/book?period=ck1")
    assert parent.status_code == 404 and "data-pupil" not in parent.text
    browser.cookies.clear()
    stranger = await browser.get("/teacher/book?period=ck1")
    assert "data-pupil" not in stranger.text


async def lock(session: AsyncSession, school: School, locked: bool) -> None:
    await assessment.set_lock(
        session,
        school_id=school.id,
        school_year=YEAR,
        period=Period.CK1,
        scope="school",
        locked=locked,
        by=None,
        actor="test",
    )
    await session.commit()


async def answer_to(person: PersonClient, start: str) -> dict[str, Any]:
    await person.command("start", start)
    return await person.next_message(timeout=10, new_only=True)


async def test_locked_cells_are_read_only_refused_if_forged_and_link_to_a_request(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    teacher, csrf = await teacher_in(make_person, browser, TEACHER_1A)
    ((pupil, _name), *_rest) = await class_pupils(session, school, "1A")
    await post_cell(browser, csrf, pupil, "score.TOAN", "8")
    await lock(session, school, True)
    page = await browser.get("/teacher/book?period=ck1")
    assert "readonly data-open" not in page.text
    payload = deep_link.payload(pupil, YEAR, Period.CK1, Item(AssessmentKind.SCORE, "TOAN"))
    bot = web_bot.bot.username
    assert f'href="https://t.me/{bot}?start={payload}"' in page.text
    assert len(payload) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    forged = await post_cell(browser, csrf, pupil, "score.TOAN", "10")
    assert forged.status_code == 409 and "/suadiem" in forged.json()["message"]
    assert (await book_of(session, pupil))["score.TOAN"] == "8"

    # The link opens /suadiem at the item's new value, for this teacher only.
    asked = await answer_to(teacher, payload)
    assert "Toán" in asked["text"] and "8" in asked["text"], asked["text"]
    other = await linked_person(make_person, *TEACHER_3B)
    assert (await answer_to(other, payload))["text"] == vi(NOT_YOURS)
    last_year = payload.replace("-2026-", "-2025-")
    assert (await answer_to(teacher, last_year))["text"] == vi(OLD_YEAR).format(year="2025-2026")
    assert (await answer_to(teacher, "sd-x"))["text"] == vi(NOT_A_REQUEST)

    # Unlocked, an item a correction locked again stays read-only, and is refused if forged.
    await lock(session, school, False)
    row = await session.scalar(
        select(AssessmentResult).where(
            AssessmentResult.student_id == pupil, AssessmentResult.item == "TOAN"
        )
    )
    assert row is not None
    row.relocked = True
    await session.commit()
    page = await browser.get("/teacher/book?period=ck1")
    assert f"start={payload}" in page.text and 'name="level.TOAN"' in page.text
    relocked = await post_cell(browser, csrf, pupil, "score.TOAN", "")
    assert relocked.status_code == 409
    assert relocked.json()["message"] == vi(
        "This result was corrected and locked again: it can only change through /suadiem."
    )
    assert (await book_of(session, pupil))["score.TOAN"] == "8"
    # An open item's link would say no request is needed.
    open_item = deep_link.payload(pupil, YEAR, Period.CK1, Item(AssessmentKind.LEVEL, "TV"))
    assert "/sodiem" in (await answer_to(teacher, open_item))["text"]
