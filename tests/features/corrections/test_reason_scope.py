"""Correction reasons within their legal scope (Thông tư 27/2020): "kiểm tra lại" (Điều 7) only
for the periodic test scores of the end of term I and of the year; "đánh giá bổ sung" (Điều 11)
only at the end of the year, for a pupil who has not completed the grade."""

from __future__ import annotations

import pytest

from bot.core.i18n import translator
from bot.features.corrections.rules import (
    ADDITIONAL_SCOPE,
    RETEST_SCOPE,
    Refused,
    check_reason,
    reasons_for,
)
from storage.models import AssessmentKind, CorrectionReason

RETEST, ADDITIONAL = CorrectionReason.RETEST, CorrectionReason.ADDITIONAL
SCORE, LEVEL, QUALITY = AssessmentKind.SCORE, AssessmentKind.LEVEL, AssessmentKind.QUALITY


@pytest.mark.parametrize("period", ["ck1", "cn"])
def test_a_retest_corrects_a_periodic_test_score_of_the_end_of_term_or_year(period: str) -> None:
    check_reason(RETEST, SCORE, period, None)
    assert RETEST in reasons_for(SCORE, period, None)


@pytest.mark.parametrize(
    ("kind", "period"),
    [
        (SCORE, "gk1"),
        (SCORE, "gk2"),
        (LEVEL, "ck1"),
        (LEVEL, "cn"),
        (QUALITY, "cn"),
        (LEVEL, "gk1"),
    ],
)
def test_a_retest_outside_its_scope_is_refused(kind: AssessmentKind, period: str) -> None:
    with pytest.raises(Refused) as refused:
        check_reason(RETEST, kind, period, "cht")
    assert refused.value.msgid == RETEST_SCOPE
    assert RETEST not in reasons_for(kind, period, "cht")


@pytest.mark.parametrize("kind", [SCORE, LEVEL, QUALITY])
def test_an_additional_assessment_is_for_a_pupil_not_completing_the_year(
    kind: AssessmentKind,
) -> None:
    check_reason(ADDITIONAL, kind, "cn", "cht")
    assert ADDITIONAL in reasons_for(kind, "cn", "cht")


@pytest.mark.parametrize(
    ("period", "outcome"),
    [
        ("cn", "ht"),
        ("cn", "htt"),
        ("cn", "htxs"),
        ("cn", None),  # the year's record is not complete: no outcome to say it
        ("ck1", "cht"),
        ("gk1", None),
        ("gk2", None),
    ],
)
def test_an_additional_assessment_outside_its_scope_is_refused(
    period: str, outcome: str | None
) -> None:
    with pytest.raises(Refused) as refused:
        check_reason(ADDITIONAL, SCORE, period, outcome)
    assert refused.value.msgid == ADDITIONAL_SCOPE
    assert ADDITIONAL not in reasons_for(SCORE, period, outcome)


def test_entry_errors_and_remarking_fit_every_item() -> None:
    for kind in (SCORE, LEVEL, QUALITY):
        for period in ("gk1", "ck1", "gk2", "cn"):
            assert reasons_for(kind, period, None)[:2] == [
                CorrectionReason.ENTRY_ERROR,
                CorrectionReason.REMARKED,
            ]


def test_the_refusal_is_said_in_words() -> None:
    with pytest.raises(Refused) as refused:
        check_reason(RETEST, LEVEL, "cn", None)
    assert "Article 7" in refused.value.message(translator("en"))
