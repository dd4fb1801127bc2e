"""The outcome before → after that a correction request stores (corrections.outcome_change),
read from the database, at each boundary of the rules in domain-vn.md 1.5 (Điều 9, TT27).

A grade-1 pupil at CN: seven subject levels, the tests of Tiếng Việt and Toán, fifteen qualities
and competences. Expected outcomes from the table in 1.5: HTXS = all subjects T, all qualities
Tốt, every CN test ≥ 9; HTT = the same with every test ≥ 7; HT = every subject T or H, every
quality Tốt or Đạt, every test ≥ 5; CHT otherwise. Outside CN, or while the CN record lacks
what the rule needs, there is no outcome to show (None).
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period, QualityLevel, SubjectLevel
from bot.features.corrections import queries as corrections
from storage.models import AssessmentKind, School, SchoolClass, Student
from tests.features.assessment.test_assessment import YEAR, make_class, make_pupil

TV, TOAN = Item(AssessmentKind.SCORE, "TV"), Item(AssessmentKind.SCORE, "TOAN")
LEVEL_DD = Item(AssessmentKind.LEVEL, "DD")  # Đạo đức
LEVEL_TOAN = Item(AssessmentKind.LEVEL, "TOAN")
LEVEL_TNXH = Item(AssessmentKind.LEVEL, "TNXH")  # Tự nhiên và Xã hội
CHAM_CHI = Item(AssessmentKind.QUALITY, "pc_cham_chi")
TU_CHU = Item(AssessmentKind.QUALITY, "nlc_tu_chu")
THE_CHAT = Item(AssessmentKind.QUALITY, "nldt_the_chat")
T, H, C = (level.value for level in SubjectLevel)
GOOD, PASS, EFFORT = (level.value for level in QualityLevel)


def top_record() -> dict[Item, str]:
    """A grade-1 CN record with every level T, every quality Tốt, Tiếng Việt and Toán 10."""
    top = {AssessmentKind.LEVEL: T, AssessmentKind.QUALITY: GOOD, AssessmentKind.SCORE: "10"}
    return {item: top[item.kind] for item in assessment.items_for(1, Period.CN)}


async def pupil_with(
    session: AsyncSession, school: School, record: dict[Item, str], period: Period = Period.CN
) -> tuple[Student, SchoolClass]:
    """A grade-1 pupil of class 1A with `record` stored for `period`."""
    klass = await make_class(session, school, "1A")
    pupil = await make_pupil(session, klass, "7900000001")
    await assessment.record(
        session,
        school_id=school.id,
        student_id=pupil.id,
        class_id=klass.id,
        school_year=YEAR,
        period=period,
        values=dict(record),
        by=None,
    )
    await session.commit()
    return pupil, klass


async def change(
    session: AsyncSession,
    pupil: Student,
    klass: SchoolClass,
    item: Item,
    new_value: str,
    period: Period = Period.CN,
) -> tuple[str | None, str | None]:
    """The outcome codes before and after correcting `item` of `period` to `new_value`."""
    book = await assessment.pupil_results(session, pupil.id, YEAR, period)
    old = book[item].value if item in book else None
    target = corrections.Target(pupil, klass, YEAR, period, item, old)
    return await corrections.outcome_change(session, target, new_value)


BOUNDARIES = [
    # Test scores: 9 (HTXS), 7 (HTT) and 5 (HT) are the lowest scores of their outcome.
    pytest.param({}, TOAN, "9", ("htxs", "htxs"), id="toan-10-to-9-stays-excellent"),
    pytest.param({TOAN: "9"}, TOAN, "8", ("htxs", "htt"), id="toan-9-to-8-excellent-to-well"),
    pytest.param({TOAN: "8"}, TOAN, "9", ("htt", "htxs"), id="toan-8-to-9-well-to-excellent"),
    pytest.param({TV: "9"}, TV, "8", ("htxs", "htt"), id="tieng-viet-9-to-8-excellent-to-well"),
    pytest.param({TOAN: "8"}, TOAN, "7", ("htt", "htt"), id="toan-8-to-7-stays-well"),
    pytest.param({TOAN: "7"}, TOAN, "6", ("htt", "ht"), id="toan-7-to-6-well-to-completed"),
    pytest.param({TOAN: "6"}, TOAN, "7", ("ht", "htt"), id="toan-6-to-7-completed-to-well"),
    pytest.param({TOAN: "6"}, TOAN, "5", ("ht", "ht"), id="toan-6-to-5-stays-completed"),
    pytest.param({TOAN: "5"}, TOAN, "4", ("ht", "cht"), id="toan-5-to-4-completed-to-not-yet"),
    pytest.param({TOAN: "4"}, TOAN, "5", ("cht", "ht"), id="toan-4-to-5-not-yet-to-completed"),
    pytest.param({TV: "4"}, TV, "0", ("cht", "cht"), id="tieng-viet-4-to-0-stays-not-yet"),
    pytest.param({TOAN: "9"}, TOAN, "10", ("htxs", "htxs"), id="toan-9-to-10-stays-excellent"),
    # Subject levels: one H caps the outcome at HT, whatever the scores; one C is CHT.
    pytest.param({}, LEVEL_DD, H, ("htxs", "ht"), id="level-t-to-h-excellent-to-completed"),
    pytest.param({TOAN: "8"}, LEVEL_TOAN, H, ("htt", "ht"), id="level-t-to-h-well-to-completed"),
    pytest.param(
        {TOAN: "6"}, LEVEL_TOAN, H, ("ht", "ht"), id="level-t-to-h-with-a-6-stays-completed"
    ),
    pytest.param(
        {LEVEL_DD: H}, LEVEL_DD, T, ("ht", "htxs"), id="level-h-to-t-completed-to-excellent"
    ),
    pytest.param(
        {LEVEL_DD: H, LEVEL_TNXH: H},
        LEVEL_DD,
        T,
        ("ht", "ht"),
        id="level-h-to-t-with-another-h-stays-completed",
    ),
    pytest.param(
        {LEVEL_TNXH: H}, LEVEL_TNXH, C, ("ht", "cht"), id="level-h-to-c-completed-to-not-yet"
    ),
    pytest.param(
        {LEVEL_TNXH: C}, LEVEL_TNXH, H, ("cht", "ht"), id="level-c-to-h-not-yet-to-completed"
    ),
    pytest.param({}, LEVEL_TNXH, C, ("htxs", "cht"), id="level-t-to-c-excellent-to-not-yet"),
    # Qualities and competences: one Đạt caps the outcome at HT; one Cần cố gắng is CHT.
    pytest.param(
        {}, CHAM_CHI, PASS, ("htxs", "ht"), id="quality-good-to-satisfactory-excellent-to-completed"
    ),
    pytest.param(
        {TOAN: "7"},
        THE_CHAT,
        PASS,
        ("htt", "ht"),
        id="competence-good-to-satisfactory-well-to-completed",
    ),
    pytest.param(
        {CHAM_CHI: PASS},
        CHAM_CHI,
        GOOD,
        ("ht", "htxs"),
        id="quality-satisfactory-to-good-completed-to-excellent",
    ),
    pytest.param(
        {TU_CHU: PASS},
        TU_CHU,
        EFFORT,
        ("ht", "cht"),
        id="competence-satisfactory-to-needs-effort-completed-to-not-yet",
    ),
    pytest.param(
        {TU_CHU: EFFORT},
        TU_CHU,
        PASS,
        ("cht", "ht"),
        id="competence-needs-effort-to-satisfactory-not-yet-to-completed",
    ),
    pytest.param(
        {},
        CHAM_CHI,
        EFFORT,
        ("htxs", "cht"),
        id="quality-good-to-needs-effort-excellent-to-not-yet",
    ),
    pytest.param(
        {TOAN: "4"},
        CHAM_CHI,
        PASS,
        ("cht", "cht"),
        id="quality-good-to-satisfactory-with-a-4-stays-not-yet",
    ),
]


@pytest.mark.parametrize(("baseline", "item", "new_value", "expected"), BOUNDARIES)
async def test_the_outcome_change_follows_the_rules_at_each_boundary(
    session: AsyncSession,
    school: School,
    baseline: dict[Item, str],
    item: Item,
    new_value: str,
    expected: tuple[str, str],
) -> None:
    pupil, klass = await pupil_with(session, school, top_record() | baseline)
    assert await change(session, pupil, klass, item, new_value) == expected


@pytest.mark.parametrize("period", [Period.GK1, Period.CK1, Period.GK2])
async def test_a_correction_outside_the_end_of_year_shows_no_outcome(
    session: AsyncSession, school: School, period: Period
) -> None:
    pupil, klass = await pupil_with(session, school, top_record())  # a complete CN record
    await assessment.record(
        session,
        school_id=school.id,
        student_id=pupil.id,
        class_id=klass.id,
        school_year=YEAR,
        period=period,
        values={LEVEL_TOAN: T},
        by=None,
    )
    await session.commit()
    assert await change(session, pupil, klass, LEVEL_TOAN, C, period) == (None, None)


async def test_a_record_missing_a_tested_score_has_no_outcome_before_or_after(
    session: AsyncSession, school: School
) -> None:
    record = top_record()
    del record[TV]
    pupil, klass = await pupil_with(session, school, record)
    assert await change(session, pupil, klass, TOAN, "4") == (None, None)
    assert await change(session, pupil, klass, LEVEL_DD, H) == (None, None)


async def test_a_correction_that_gives_the_missing_score_shows_the_outcome_after(
    session: AsyncSession, school: School
) -> None:
    record = top_record()
    del record[TOAN]
    pupil, klass = await pupil_with(session, school, record)
    assert await change(session, pupil, klass, TOAN, "9") == (None, "htxs")
    assert await change(session, pupil, klass, TOAN, "4") == (None, "cht")


async def test_a_record_missing_a_subject_level_has_no_outcome(
    session: AsyncSession, school: School
) -> None:
    record = top_record()
    del record[LEVEL_TNXH]
    pupil, klass = await pupil_with(session, school, record)
    assert await change(session, pupil, klass, TOAN, "8") == (None, None)


async def test_the_outcome_reads_only_this_pupils_record_of_this_year(
    session: AsyncSession, school: School
) -> None:
    pupil, klass = await pupil_with(session, school, top_record() | {TOAN: "9"})
    other = await make_pupil(session, klass, "7900000002", "Trần Thị Bình")
    for student_id, school_year, record in (
        (other.id, YEAR, top_record() | {TOAN: "3"}),
        (pupil.id, "2025-2026", top_record() | {TOAN: "2", LEVEL_DD: C}),
    ):
        await assessment.record(
            session,
            school_id=school.id,
            student_id=student_id,
            class_id=klass.id,
            school_year=school_year,
            period=Period.CN,
            values=dict(record),
            by=None,
        )
    await session.commit()
    assert await change(session, pupil, klass, TOAN, "8") == ("htxs", "htt")
