"""Subjects with two parts and optional subjects in the class summary sheet (issue 17, TT27)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.assessment import queries as assessment
from bot.features.assessment.documents import problem_text
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import (
    Outcome,
    Period,
    RuleError,
    combine_parts,
    optional_taught,
    qualities_of,
    subjects_taught,
)

# Renamed so that pytest does not collect it as a test.
from bot.features.assessment.rules import tested_subjects as subjects_tested
from bot.features.assessment.rules.parts import NOT_BETWEEN, PART_MISSING, PARTS_DIFFER
from storage.models import AssessmentKind, School
from tests.features.assessment.test_assessment import YEAR
from tests.features.assessment.test_assessment_sheet import (
    _,
    book_class,
    codes_to_ids,
    fill,
    identity,
    run,
    template,
)

LEVEL, SCORE, QUALITY = AssessmentKind.LEVEL, AssessmentKind.SCORE, AssessmentKind.QUALITY
T, H, C = "hoan_thanh_tot", "hoan_thanh", "chua_hoan_thanh"
PUPIL = "7900000011"
# The grade-4 sheet: the parts as the school enters them.
PARTS_WRITTEN = {
    (PUPIL, "Tin học (điểm)"): 9,
    (PUPIL, "Công nghệ (điểm)"): 4,
    (PUPIL, "Âm nhạc (mức)"): "T",
    (PUPIL, "Mĩ thuật (mức)"): "C",
}


async def book_of(session: AsyncSession, klass_id: int, pupil: int) -> dict[Item, str]:
    book = await assessment.class_results(session, klass_id, YEAR, Period.CK1)
    return book.get(pupil, {})


async def test_a_grade_4_sheet_with_both_parts_is_stored_whole(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    own = {(PUPIL, "Tin học và Công nghệ (điểm)"): 7, (PUPIL, "Nghệ thuật (mức)"): "H"}
    path = fill(template(tmp_path, ident), PARTS_WRITTEN | own)
    stored = await run(session, path, ident, klass)
    assert (stored.problems, stored.notes, stored.changed) == ([], [], 6)
    pupil = (await codes_to_ids(session, klass))[PUPIL]
    book = await book_of(session, klass.id, pupil)
    assert book == {
        Item(SCORE, "TIN"): "9",
        Item(SCORE, "CN"): "4",
        Item(LEVEL, "AN"): T,
        Item(LEVEL, "MT"): C,
        Item(SCORE, "TINCN"): "7",
        Item(LEVEL, "NT"): H,
    }
    # The next template shows every part as it was written.
    again = template(tmp_path, ident, values={PUPIL: book})
    stored = await run(session, again, ident, klass)
    assert (stored.problems, stored.changed) == ([], 0)


async def test_parts_that_differ_are_stored_and_the_teacher_is_asked_for_the_subject(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    """Nothing is dropped and nothing chosen: Tin học 9 and Công nghệ 4 stay 9 and 4."""
    klass = await book_class(session, school)
    ident = identity(school, klass)
    stored = await run(session, fill(template(tmp_path, ident), PARTS_WRITTEN), ident, klass)
    assert stored.problems == []
    assert [(n.row, n.column, n.reason) for n in stored.notes] == [
        (9, "Nghệ thuật (mức)", PARTS_DIFFER),
        (9, "Tin học và Công nghệ (điểm)", PARTS_DIFFER),
    ]
    texts = [problem_text(note, _) for note in stored.notes]
    assert "Âm nhạc T, Mĩ thuật C" in texts[0] and "Tin học 9, Công nghệ 4" in texts[1]
    pupil = (await codes_to_ids(session, klass))[PUPIL]
    book = await book_of(session, klass.id, pupil)
    assert book[Item(SCORE, "TIN")] == "9" and book[Item(SCORE, "CN")] == "4"
    assert book[Item(LEVEL, "AN")] == T and book[Item(LEVEL, "MT")] == C
    assert Item(SCORE, "TINCN") not in book and Item(LEVEL, "NT") not in book


async def test_a_subject_value_outside_its_parts_is_a_row_error(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school)
    ident = identity(school, klass)
    wrong = PARTS_WRITTEN | {(PUPIL, "Tin học và Công nghệ (điểm)"): 10}
    wrong |= {(PUPIL, "Nghệ thuật (mức)"): "H"}
    stored = await run(session, fill(template(tmp_path, ident), wrong), ident, klass)
    assert [(p.row, p.column, p.reason) for p in stored.problems] == [
        (9, "Tin học và Công nghệ (điểm)", NOT_BETWEEN)
    ]
    assert await assessment.class_results(session, klass.id, YEAR, Period.CK1) == {}


def test_the_subjects_result_from_its_parts() -> None:
    parts = {"AN": T, "MT": T}
    assert combine_parts("NT", None, parts, score=False) == T
    assert combine_parts("NT", H, {"AN": T, "MT": C}, score=False) == H
    assert combine_parts("NT", H, {"AN": None, "MT": None}, score=False) == H
    assert combine_parts("TINCN", "8", {"TIN": "8", "CN": "8"}, score=True) == "8"
    assert combine_parts("TINCN", None, {"TIN": "8", "CN": "8"}, score=True) == "8"
    with pytest.raises(RuleError) as caught:
        combine_parts("TINCN", None, {"TIN": "9", "CN": None}, score=True)
    assert caught.value.msgid == PART_MISSING and caught.value.params["missing"] == "Công nghệ"
    with pytest.raises(RuleError) as caught:
        combine_parts("TINCN", "3", {"TIN": "9", "CN": "4"}, score=True)
    assert caught.value.msgid == NOT_BETWEEN


def _cn_book(grade: int, **values: str) -> dict[Item, str]:
    book = {Item(LEVEL, code): T for code in subjects_taught(grade)}
    book |= {Item(SCORE, code): "10" for code in subjects_tested(grade, Period.CN)}
    book |= {Item(QUALITY, code): "tot" for code in qualities_of(grade)}
    for key, value in values.items():
        kind, _dot, code = key.partition("_")
        book[Item(AssessmentKind(kind), code)] = value
    return book


def test_the_outcome_reads_the_parts_when_the_subject_has_no_value_of_its_own() -> None:
    book = _cn_book(4)
    del book[Item(LEVEL, "NT")], book[Item(SCORE, "TINCN")]
    parts = {Item(LEVEL, "AN"): T, Item(LEVEL, "MT"): T, Item(SCORE, "TIN"): "9"}
    agreed = book | parts | {Item(SCORE, "CN"): "9"}
    assert assessment.outcome_or_none(agreed, 4) == Outcome.HTXS.value
    differ = book | parts | {Item(SCORE, "CN"): "4"}
    assert assessment.outcome_or_none(differ, 4) is None
    reason = assessment.outcome_reason(differ, 4)
    assert reason is not None and reason.msgid == PARTS_DIFFER
    # The teacher's own result for the subject decides, within its parts.
    decided = differ | {Item(SCORE, "TINCN"): "7"}
    assert assessment.outcome_or_none(decided, 4) == Outcome.HTT.value


def test_optional_subjects_come_from_the_schools_setting_per_grade() -> None:
    settings = {"optional_subjects": {"1": ["NN1", "Tiếng dân tộc thiểu số"], "3": ["NN1"]}}
    assert optional_taught(settings, 1) == ("NN1", "TDTTS")
    assert optional_taught(settings, 2) == ()
    assert optional_taught(settings, 3) == ()  # compulsory in grade 3: not an option there
    assert optional_taught({}, 1) == () and optional_taught(None, 1) == ()
    assert optional_taught({"optional_subjects": ["NN1"]}, 1) == ()


async def test_an_optional_subject_taught_by_the_school_is_given_a_level(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school, "1A")
    school.settings = {"optional_subjects": {"1": ["NN1"]}}
    await session.flush()
    ident = identity(school, klass)
    cells = {(PUPIL, "Ngoại ngữ 1 (mức)"): "T", ("7900000012", "Ngoại ngữ 1 (mức)"): "H"}
    path = fill(template(tmp_path, ident, grade=1, optional=("NN1",)), cells)
    stored = await run(session, path, ident, klass)
    assert (stored.problems, stored.changed) == ([], 2)
    pupil = (await codes_to_ids(session, klass))[PUPIL]
    assert (await book_of(session, klass.id, pupil))[Item(LEVEL, "NN1")] == T
    # Only its test is limited: no periodic test in an optional subject.
    scored = fill(path, {(PUPIL, "Ngoại ngữ 1 (điểm)"): 9})
    stored = await run(session, scored, ident, klass)
    (problem,) = stored.problems
    assert problem.column == "Ngoại ngữ 1 (điểm)" and problem.params["grade"] == 1


async def test_an_optional_subject_the_school_does_not_teach_is_refused(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    klass = await book_class(session, school, "2A")
    ident = identity(school, klass)
    path = fill(template(tmp_path, ident, grade=2), {(PUPIL, "Ngoại ngữ 1 (mức)"): "T"})
    stored = await run(session, path, ident, klass)
    (problem,) = stored.problems
    assert problem.column == "Ngoại ngữ 1 (mức)"
    assert "optional" in problem_text(problem, _) or "tự chọn" in problem_text(problem, _)
    assert await assessment.class_results(session, klass.id, YEAR, Period.CK1) == {}
