"""The end-of-year outcome before → after on the principal's card, at each boundary of the
rules in domain-vn.md 1.5 (Điều 9, Thông tư 27), for a grade-1 pupil in period CN.

Grade 1 at CN: seven subject levels, the tests of Tiếng Việt and Toán, fifteen qualities and
competences. The expected outcomes come from the table in 1.5:
HTXS = all subjects T, all qualities Tốt, every CN test ≥ 9; HTT = the same with every test ≥ 7;
HT = every subject T or H, every quality Tốt or Đạt, every test ≥ 5; CHT otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, QualityLevel, SubjectLevel
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import AssessmentKind, School, Student
from tests.e2e.conftest import TEACHER_1A, linked_person, send_outbox
from tests.e2e.test_corrections import (
    CHILD,
    PHOTO,
    PRINCIPAL,
    datas,
    edited,
    mark,
    reply,
    requests,
    start_request,
    tap,
    year,
)
from tests.e2e.test_leave import pupil_id
from tests.e2e.test_weekly import YEAR_START

# The outcome names as the principal reads them (locales/vi/LC_MESSAGES/messages.po).
OUTCOME_VI = {
    "htxs": "Hoàn thành xuất sắc",
    "htt": "Hoàn thành tốt",
    "ht": "Hoàn thành",
    "cht": "Chưa hoàn thành",
}
OUTCOME_LINE = "Kết quả cuối năm"  # "End-of-year outcome: {before} → {after}"
CHANGE_LINE = "Sửa"  # "Change: {old} → {new}"

TV, TOAN = Item(AssessmentKind.SCORE, "TV"), Item(AssessmentKind.SCORE, "TOAN")
LEVEL_DD = Item(AssessmentKind.LEVEL, "DD")  # Đạo đức
LEVEL_TOAN = Item(AssessmentKind.LEVEL, "TOAN")
LEVEL_TNXH = Item(AssessmentKind.LEVEL, "TNXH")  # Tự nhiên và Xã hội
CHAM_CHI = Item(AssessmentKind.QUALITY, "pc_cham_chi")
TU_CHU = Item(AssessmentKind.QUALITY, "nlc_tu_chu")
T, H = SubjectLevel.T.value, SubjectLevel.H.value
GOOD, PASS = QualityLevel.T.value, QualityLevel.D.value


@dataclass(frozen=True)
class Case:
    """One correction: the item, the value given, and the outcomes the rules expect."""

    item: Item
    value: str  # typed by the teacher, or the level code of the button pressed
    change: str  # the card's "Sửa: old → new" as the principal reads it
    before: str
    after: str
    baseline: dict[Item, str] = field(default_factory=dict)  # apart from the top record
    pressed: bool = False  # a level chosen with its button rather than typed


CASES = [
    pytest.param(
        Case(TOAN, "8", "9 → 8", "htxs", "htt", {TOAN: "9"}),
        id="toan-9-to-8-excellent-becomes-completed-well",
    ),
    pytest.param(
        Case(TOAN, "6", "7 → 6", "htt", "ht", {TOAN: "7"}),
        id="toan-7-to-6-completed-well-becomes-completed",
    ),
    pytest.param(
        Case(TOAN, "4", "5 → 4", "ht", "cht", {TOAN: "5"}),
        id="toan-5-to-4-completed-becomes-not-yet-completed",
    ),
    pytest.param(
        Case(TOAN, "5", "4 → 5", "cht", "ht", {TOAN: "4"}),
        id="toan-4-to-5-not-yet-completed-becomes-completed",
    ),
    pytest.param(
        Case(
            LEVEL_DD,
            SubjectLevel.H.value,
            "Hoàn thành tốt → Hoàn thành",
            "htxs",
            "ht",
            pressed=True,
        ),
        id="level-t-to-h-excellent-becomes-completed",
    ),
    pytest.param(
        Case(LEVEL_TOAN, "Hoàn thành", "Hoàn thành tốt → Hoàn thành", "htt", "ht", {TOAN: "8"}),
        id="level-t-to-h-completed-well-becomes-completed",
    ),
    pytest.param(
        Case(
            LEVEL_TNXH,
            SubjectLevel.C.value,
            "Hoàn thành → Chưa hoàn thành",
            "ht",
            "cht",
            {LEVEL_TNXH: H},
            pressed=True,
        ),
        id="level-h-to-c-completed-becomes-not-yet-completed",
    ),
    pytest.param(
        Case(CHAM_CHI, QualityLevel.D.value, "Tốt → Đạt", "htxs", "ht", pressed=True),
        id="quality-good-to-satisfactory-excellent-becomes-completed",
    ),
    pytest.param(
        Case(TU_CHU, "Cần cố gắng", "Đạt → Cần cố gắng", "ht", "cht", {TU_CHU: PASS}),
        id="competence-satisfactory-to-needs-effort-completed-becomes-not-yet-completed",
    ),
    pytest.param(
        Case(TOAN, "10", "9 → 10", "htxs", "htxs", {TOAN: "9"}),
        id="toan-9-to-10-stays-excellent",
    ),
]


async def write_book(session: AsyncSession, lists: School, baseline: dict[Item, str]) -> int:
    """The child's grade-1 CN record: all T, all Tốt, TV and Toán 10, except `baseline`;
    CN locked for the school. Returns the child's id."""
    lists.year_start = YEAR_START
    session.add(lists)
    student_id = await pupil_id(session, lists, CHILD)
    student = await session.get(Student, student_id)
    assert student is not None
    top = {
        AssessmentKind.LEVEL: T,
        AssessmentKind.QUALITY: GOOD,
        AssessmentKind.SCORE: "10",
    }
    values: dict[Item, str | None] = {
        item: top[item.kind] for item in assessment.items_for(1, Period.CN)
    }
    assert set(baseline) <= set(values)
    values.update(baseline)
    await assessment.record(
        session,
        school_id=lists.id,
        student_id=student_id,
        class_id=student.class_id,
        school_year=year(),
        period=Period.CN,
        values=values,
        by=None,
    )
    await assessment.set_lock(
        session,
        school_id=lists.id,
        school_year=year(),
        period=Period.CN,
        scope="school",
        locked=True,
        by=None,
        actor="test",
    )
    await session.commit()
    return student_id


async def file_correction(
    teacher: PersonClient, sandbox: RunningSandbox, student_id: int, case: Case
) -> dict[str, Any]:
    """The teacher's whole CN request for `case.item` with a photo of the record book (and the
    test, for a score), each marked with what it shows; the bot's last answer."""
    asked = await start_request(sandbox, teacher, student_id, Period.CN, case.item)
    assert not isinstance(asked, str), asked
    # The buttons without the form's flow token, and "Hủy" apart.
    offered = [data.rsplit(":", 1)[0] for data in datas(asked)]
    assert offered.pop() == "v1:corr:x", asked
    if case.item.kind is AssessmentKind.SCORE:
        assert not offered, asked  # a score is typed
    else:  # a level is chosen with a button, or typed
        levels = SubjectLevel if case.item.kind is AssessmentKind.LEVEL else QualityLevel
        assert len(offered) == len(levels) - 1, asked  # every level but the one the book holds
        assert set(offered) < {f"v1:corr:val:{level.value}" for level in levels}, asked
        assert f"v1:corr:val:{case.value}" in offered or not case.pressed, asked
    if case.pressed:
        await tap(teacher, f"v1:corr:val:{case.value}")
        await edited(teacher)
    else:
        await teacher.send(case.value)
        await reply(teacher)
    await tap(teacher, "v1:corr:why:entry_error")
    await edited(teacher)
    await teacher.send("Nhập nhầm khi chép từ sổ theo dõi.")
    await reply(teacher)
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    await reply(teacher)
    await mark(teacher, "book")
    if case.item.kind is AssessmentKind.SCORE:  # a score needs the pupil's test too
        await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
        await reply(teacher)
        await mark(teacher, "test")
    await tap(teacher, "v1:corr:done")
    await edited(teacher)
    await tap(teacher, "v1:corr:send")
    return await edited(teacher)


@pytest.mark.parametrize("case", CASES)
async def test_the_principal_sees_the_outcome_change_the_rules_give(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    case: Case,
) -> None:
    student_id = await write_book(session, lists, case.baseline)
    school_id = lists.id
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)

    done = await file_correction(teacher, sandbox, student_id, case)

    (request,) = await requests(session, school_id)
    assert done["text"].startswith("Đề nghị sửa ") and " đã được gửi Hiệu trưởng" in done["text"]
    assert (request.outcome_before, request.outcome_after) == (case.before, case.after)
    files = 2 if case.item.kind is AssessmentKind.SCORE else 1  # the photo (and the test)
    assert await send_outbox(running_bot) == 1 + files  # the card, then the evidence
    card = await reply(principal)
    text = card["text"]
    assert CHILD in text and f"{CHANGE_LINE}: {case.change}" in text.splitlines(), text
    assert datas(card) == [f"v1:corr:{a}:{request.id}" for a in ("okq", "noq", "more")]
    outcome = f"{OUTCOME_LINE}: {OUTCOME_VI[case.before]} → {OUTCOME_VI[case.after]}"
    if case.before == case.after:
        assert OUTCOME_LINE not in text, text
    else:
        assert outcome in text.splitlines(), text
