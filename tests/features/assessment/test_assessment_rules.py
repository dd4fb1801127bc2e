"""Thông tư 27 rules: the test matrix, score and level parsing, the end-of-year outcome."""

from __future__ import annotations

import pytest

from bot.features.assessment.rules import (
    QUALITIES,
    Outcome,
    Period,
    QualityLevel,
    RuleError,
    SubjectLevel,
    YearEnd,
    has_test,
    outcome,
    outcome_change,
    parse_quality_level,
    parse_score,
    parse_subject_level,
    qualities_of,
    subjects_taught,
)

# Renamed so that pytest does not collect it as a test.
from bot.features.assessment.rules import tested_subjects as subjects_tested

T, H, C = SubjectLevel.T, SubjectLevel.H, SubjectLevel.C
GOOD, PASS, EFFORT = QualityLevel.T, QualityLevel.D, QualityLevel.C


def grade5(
    scores: dict[str, int] | None = None,
    levels: dict[str, SubjectLevel] | None = None,
    qualities: dict[str, QualityLevel | None] | None = None,
) -> Outcome:
    """Return the outcome of a grade-5 pupil with all T, Tốt and 10 except the overrides."""
    all_levels = {code: T for code in subjects_taught(5)} | (levels or {})
    all_qualities = dict.fromkeys(QUALITIES, GOOD) | (qualities or {})
    all_scores = {code: 10 for code in subjects_tested(5, Period.CN)} | (scores or {})
    return outcome(all_levels, all_qualities, all_scores, grade=5)


def test_subjects_taught_per_grade() -> None:
    assert subjects_taught(1) == ("TV", "TOAN", "DD", "TNXH", "GDTC", "NT", "HDTN")
    assert subjects_taught(2) == subjects_taught(1)
    assert subjects_taught(3) == (
        *("TV", "TOAN", "NN1", "DD", "TNXH", "TINCN", "GDTC", "NT", "HDTN"),
    )
    assert subjects_taught(4) == (
        *("TV", "TOAN", "NN1", "DD", "LSDL", "KH", "TINCN", "GDTC", "NT", "HDTN"),
    )
    assert subjects_taught(5) == subjects_taught(4)
    with pytest.raises(ValueError):
        subjects_taught(6)


MATRIX = {
    (1, Period.GK1): (),
    (1, Period.CK1): ("TV", "TOAN"),
    (1, Period.GK2): (),
    (1, Period.CN): ("TV", "TOAN"),
    (2, Period.GK1): (),
    (2, Period.CK1): ("TV", "TOAN"),
    (2, Period.GK2): (),
    (2, Period.CN): ("TV", "TOAN"),
    (3, Period.GK1): (),
    (3, Period.CK1): ("TV", "TOAN", "NN1", "TINCN"),
    (3, Period.GK2): (),
    (3, Period.CN): ("TV", "TOAN", "NN1", "TINCN"),
    (4, Period.GK1): ("TV", "TOAN"),
    (4, Period.CK1): ("TV", "TOAN", "NN1", "LSDL", "KH", "TINCN"),
    (4, Period.GK2): ("TV", "TOAN"),
    (4, Period.CN): ("TV", "TOAN", "NN1", "LSDL", "KH", "TINCN"),
    (5, Period.GK1): ("TV", "TOAN"),
    (5, Period.CK1): ("TV", "TOAN", "NN1", "LSDL", "KH", "TINCN"),
    (5, Period.GK2): ("TV", "TOAN"),
    (5, Period.CN): ("TV", "TOAN", "NN1", "LSDL", "KH", "TINCN"),
}


@pytest.mark.parametrize(("grade", "period"), list(MATRIX))
def test_tested_subjects_follow_the_matrix(grade: int, period: Period) -> None:
    assert subjects_tested(grade, period) == MATRIX[grade, period]


def test_subjects_without_a_test() -> None:
    assert not has_test("TV", 1, Period.GK1)
    assert not has_test("KH", 3, Period.CK1)
    assert not has_test("NN1", 2, Period.CN)
    assert not has_test("TDTTS", 4, Period.CN)
    assert not has_test("DD", 5, Period.CN)
    assert has_test("TV", 4, Period.GK2)


@pytest.mark.parametrize(
    ("subject", "grade", "period"),
    [("TV", 1, Period.GK1), ("KH", 3, Period.CK1), ("NN1", 2, Period.CN)],
)
def test_score_for_a_subject_without_a_test_is_refused(
    subject: str, grade: int, period: Period
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_score("8", subject, grade, period)
    assert caught.value.msgid == "{subject} has no periodic test in grade {grade} at {period}."
    assert caught.value.params["grade"] == grade
    assert caught.value.params["period"] is period


def test_no_test_message_names_the_subject_and_period() -> None:
    with pytest.raises(RuleError) as caught:
        parse_score(8, "TV", 1, Period.GK1)
    assert caught.value.message(lambda text: text) == (
        "Tiếng Việt has no periodic test in grade 1 at Mid-term I."
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("7", 7), (" 10 ", 10), ("0", 0), (9, 9), (8.0, 8), ("7,0", 7)]
)
def test_whole_scores_are_accepted(value: str | int | float, expected: int) -> None:
    assert parse_score(value, "TOAN", 3, Period.CN) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7.5", "Scores are whole numbers, without decimals: {value}."),
        ("7,5", "Scores are whole numbers, without decimals: {value}."),
        (7.5, "Scores are whole numbers, without decimals: {value}."),
        ("11", "A score cannot be above 10: {value}."),
        ("-1", "A score cannot be below 0: {value}."),
        ("abc", "“{value}” is not a score: write a whole number from 0 to 10."),
        ("", "The score is empty."),
    ],
)
def test_bad_scores_are_refused_with_their_reason(value: str | float, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_score(value, "TV", 5, Period.GK1)
    assert caught.value.msgid == reason


def test_zero_depends_on_the_school() -> None:
    assert parse_score("0", "TV", 2, Period.CK1) == 0
    with pytest.raises(RuleError) as caught:
        parse_score("0", "TV", 2, Period.CK1, allow_zero=False)
    assert caught.value.msgid == "This school does not give a score of 0."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T", T),
        ("t", T),
        ("Hoàn thành tốt", T),
        ("hoan  thanh TOT", T),
        ("H", H),
        ("Hoàn thành", H),
        ("C", C),
        ("chưa hoàn thành", C),
    ],
)
def test_subject_levels_are_parsed(text: str, expected: SubjectLevel) -> None:
    assert parse_subject_level(text) is expected


@pytest.mark.parametrize("text", ["Giỏi", "Xuất sắc", "8", "", "Đ"])
def test_other_subject_levels_are_refused(text: str) -> None:
    with pytest.raises(RuleError):
        parse_subject_level(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T", GOOD),
        ("tốt", GOOD),
        ("Đ", PASS),
        ("D", PASS),
        ("đạt", PASS),
        ("DAT", PASS),
        ("C", EFFORT),
        ("Cần cố gắng", EFFORT),
        ("can co gang", EFFORT),
    ],
)
def test_quality_levels_are_parsed(text: str, expected: QualityLevel) -> None:
    assert parse_quality_level(text) is expected


@pytest.mark.parametrize("text", ["H", "Khá", "Hoàn thành", "5"])
def test_other_quality_levels_are_refused(text: str) -> None:
    with pytest.raises(RuleError):
        parse_quality_level(text)


def test_all_t_all_good_and_scores_9_or_10_is_excellent() -> None:
    assert grade5({"TV": 9, "KH": 9}) is Outcome.HTXS


def test_one_score_8_is_completed_well() -> None:
    assert grade5({"NN1": 8}) is Outcome.HTT


def test_score_boundaries() -> None:
    assert grade5({"TOAN": 7}) is Outcome.HTT
    assert grade5({"TOAN": 6}) is Outcome.HT
    assert grade5({"TOAN": 5}) is Outcome.HT
    assert grade5({"TOAN": 4}) is Outcome.CHT


def test_one_subject_h_caps_at_completed() -> None:
    assert grade5(levels={"DD": H}) is Outcome.HT


def test_one_subject_c_is_not_completed() -> None:
    assert grade5(levels={"GDTC": C}) is Outcome.CHT


def test_one_quality_satisfactory_caps_at_completed() -> None:
    assert grade5(qualities={"pc_cham_chi": PASS}) is Outcome.HT


def test_one_quality_needing_effort_is_not_completed() -> None:
    assert grade5(qualities={"nlc_tu_chu": EFFORT}) is Outcome.CHT


QUALITIES_MISSING = "End-of-year assessment missing for the qualities and competences: {items}."


def test_no_qualities_at_all_gives_no_outcome_and_names_them_all() -> None:
    """Issue 17: every subject T and every score 10 is no outcome without the qualities."""
    with pytest.raises(RuleError) as caught:
        grade5(qualities=dict.fromkeys(QUALITIES))
    assert caught.value.msgid == QUALITIES_MISSING
    assert caught.value.params == {"items": ", ".join(QUALITIES.values())}
    with pytest.raises(RuleError) as caught:
        outcome(
            {code: T for code in subjects_taught(5)},
            {},
            {code: 10 for code in subjects_tested(5, Period.CN)},
            grade=5,
        )
    assert caught.value.params["items"].startswith("Yêu nước, Nhân ái, Chăm chỉ, Trung thực")
    assert "Giải quyết vấn đề và sáng tạo" in caught.value.params["items"]


def test_one_quality_unassessed_gives_no_outcome_and_names_it() -> None:
    with pytest.raises(RuleError) as caught:
        grade5(qualities={"pc_trung_thuc": None})
    assert caught.value.msgid == QUALITIES_MISSING
    assert caught.value.params == {"items": "Trung thực"}
    assert caught.value.message(lambda text: text).endswith("competences: Trung thực.")
    missing = {key: None for key in ("pc_trung_thuc", "nldt_tin_hoc")}
    with pytest.raises(RuleError) as caught:
        grade5(qualities=missing)
    assert caught.value.params == {"items": "Trung thực, Tin học"}


def test_grades_1_and_2_do_not_assess_the_tin_hoc_and_cong_nghe_competences() -> None:
    assert len(qualities_of(5)) == len(QUALITIES) == 15
    assert qualities_of(1) == qualities_of(2)
    assert set(QUALITIES) - set(qualities_of(1)) == {"nldt_cong_nghe", "nldt_tin_hoc"}
    levels = {code: T for code in subjects_taught(2)}
    good = dict.fromkeys(qualities_of(2), GOOD)
    assert outcome(levels, good, {"TV": 10, "TOAN": 10}, grade=2) is Outcome.HTXS
    # In grade 5 they are assessed: unassessed, there is no outcome.
    with pytest.raises(RuleError) as caught:
        grade5(qualities={"nldt_tin_hoc": None, "nldt_cong_nghe": None})
    assert caught.value.params == {"items": "Công nghệ, Tin học"}


def test_grade_1_needs_only_tieng_viet_and_toan_scores() -> None:
    levels = {code: T for code in subjects_taught(1)}
    good = dict.fromkeys(qualities_of(1), GOOD)
    assert outcome(levels, good, {"TV": 10, "TOAN": 9}, grade=1) is Outcome.HTXS
    # An optional English test in grade 1 does not count.
    assert outcome(levels, good, {"TV": 10, "TOAN": 9, "NN1": 3}, grade=1) is Outcome.HTXS
    # ... and without the qualities there is no outcome at all (issue 17).
    with pytest.raises(RuleError) as caught:
        outcome(levels, {}, {"TV": 10, "TOAN": 9}, grade=1)
    assert caught.value.msgid == QUALITIES_MISSING


def test_missing_score_for_a_tested_subject_is_refused() -> None:
    levels = {code: T for code in subjects_taught(3)}
    with pytest.raises(RuleError) as caught:
        outcome(levels, {}, {"TV": 10, "TOAN": 9, "NN1": 9}, grade=3)
    assert caught.value.msgid == "End-of-year score missing for {subject}."
    assert caught.value.params == {"subject": "Tin học và Công nghệ"}


def test_missing_level_for_a_taught_subject_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        outcome({"TV": T}, {}, {"TV": 10, "TOAN": 10}, grade=2)
    assert caught.value.msgid == "End-of-year level missing for {subject}."


def test_outcome_change_shows_before_and_after() -> None:
    levels = {code: T for code in subjects_taught(1)}
    good = dict.fromkeys(qualities_of(1), GOOD)
    before = YearEnd(1, levels, good, cn_scores={"TV": 10, "TOAN": 6})
    after = YearEnd(1, levels, good, cn_scores={"TV": 10, "TOAN": 9})
    assert outcome_change(before, after) == (Outcome.HT, Outcome.HTXS)
