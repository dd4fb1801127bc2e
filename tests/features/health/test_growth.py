"""Health screening: BMI, WHO 2007 z-scores, nutrition status and the cells nurses write."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.features.health.growth import (
    Growth,
    Nutrition,
    assess,
    classify,
    parse_height,
    parse_weight,
)
from storage.models import Gender
from storage.roster.cells import CellError

BORN = date(2015, 3, 1)

# L, M, S from the WHO Growth Reference 2007 (5-19 years) tables, as published by WHO
# (bmi-boys-z-who-2007-exp.xlsx, bmi-girls-..., hfa-boys-z-who-2007-exp.xlsx, hfa-girls-...)
# and embedded in WHO's anthroplus R package (data-raw/growthstandards/bfawho2007.txt and
# hfawho2007.txt): (sex, month) -> (L, M, S).
WHO_BMI = {
    (Gender.MALE, 96): (-1.4629, 15.7368, 0.09526),
    (Gender.MALE, 144): (-1.7751, 17.5334, 0.11522),
    (Gender.FEMALE, 96): (-1.3880, 15.6810, 0.11291),
    (Gender.FEMALE, 144): (-1.4006, 17.9966, 0.13129),
}
WHO_HEIGHT = {
    (Gender.MALE, 96): (1.0, 127.2651, 0.04438),
    (Gender.MALE, 144): (1.0, 149.0807, 0.04753),
    (Gender.FEMALE, 96): (1.0, 126.5558, 0.04581),
    (Gender.FEMALE, 144): (1.0, 151.2327, 0.04523),
}


def on_month(month: int) -> date:
    """The day a child born on BORN is exactly `month` WHO months old (days / 30.4375)."""
    days = month * 30.4375
    assert days.is_integer(), "pick a multiple of 16 months: a whole number of days"
    return BORN + timedelta(days=int(days))


def lms_z(value: float, lms: tuple[float, float, float]) -> float:
    power, median, cv = lms
    return float(((value / median) ** power - 1) / (power * cv))


def lms_value(z: float, lms: tuple[float, float, float]) -> float:
    """The measurement with z-score z: the LMS formula inverted."""
    power, median, cv = lms
    return float(median * (1 + power * cv * z) ** (1 / power))


def weight_for_bmi_z(z: float, sex: Gender, month: int, height_cm: float) -> float:
    return lms_value(z, WHO_BMI[sex, month]) * (height_cm / 100) ** 2


def test_bmi_is_weight_over_height_squared_rounded_to_one_decimal() -> None:
    growth = assess(Gender.MALE, BORN, on_month(96), height_cm=125.0, weight_kg=25.0)
    assert growth.bmi == 16.0  # 25 / 1.25²
    growth = assess(Gender.FEMALE, BORN, on_month(96), height_cm=130.0, weight_kg=27.3)
    assert growth.bmi == 16.2  # 16.15...


def test_age_is_counted_in_whole_who_months() -> None:
    assert assess(Gender.MALE, BORN, on_month(96), 125, 25).age_months == 96
    one_day_short = on_month(96) - timedelta(days=1)
    assert assess(Gender.MALE, BORN, one_day_short, 125, 25).age_months == 95


@pytest.mark.parametrize(("sex", "month"), list(WHO_BMI))
@pytest.mark.parametrize(("height", "weight"), [(125.0, 24.0), (130.0, 30.0), (140.0, 33.0)])
def test_z_scores_match_the_who_lms_tables(
    sex: Gender, month: int, height: float, weight: float
) -> None:
    growth = assess(sex, BORN, on_month(month), height, weight)
    bmi_z = lms_z(weight / (height / 100) ** 2, WHO_BMI[sex, month])
    assert -3 < bmi_z < 3  # inside ±3 SD the restricted method is plain LMS
    assert growth.bmi_z == round(bmi_z, 2)
    assert growth.height_z == round(lms_z(height, WHO_HEIGHT[sex, month]), 2)


def test_boy_of_eight_at_the_median_has_z_scores_of_zero() -> None:
    median_bmi = WHO_BMI[Gender.MALE, 96][1]
    height = WHO_HEIGHT[Gender.MALE, 96][1]
    growth = assess(Gender.MALE, BORN, on_month(96), height, median_bmi * (height / 100) ** 2)
    assert growth == Growth(96, 15.7, 0.0, 0.0, Nutrition.NORMAL, False)


def test_between_whole_months_the_lms_values_are_interpolated() -> None:
    halfway = on_month(96) + timedelta(days=15)  # 96.49 months
    lower = assess(Gender.MALE, BORN, on_month(96), 130.0, 30.0).bmi_z
    middle = assess(Gender.MALE, BORN, halfway, 130.0, 30.0).bmi_z
    upper = assess(Gender.MALE, BORN, on_month(96) + timedelta(days=30), 130.0, 30.0).bmi_z
    assert lower is not None and middle is not None and upper is not None
    assert upper < middle < lower


def test_beyond_three_sd_the_bmi_z_score_is_restricted_as_in_who_anthroplus() -> None:
    lms = WHO_BMI[Gender.FEMALE, 96]
    sd2, sd3 = lms_value(2, lms), lms_value(3, lms)
    bmi = sd3 + 0.5 * (sd3 - sd2)  # half a 2-3 SD gap above +3 SD
    growth = assess(Gender.FEMALE, BORN, on_month(96), 100.0, bmi)
    assert growth.bmi_z == 3.5
    assert growth.nutrition is Nutrition.OBESITY


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        (-3.5, Nutrition.SEVERE_THINNESS),
        (-3.0, Nutrition.THINNESS),
        (-2.5, Nutrition.THINNESS),
        (-2.0, Nutrition.NORMAL),
        (0.0, Nutrition.NORMAL),
        (1.0, Nutrition.NORMAL),
        (1.5, Nutrition.OVERWEIGHT),
        (2.0, Nutrition.OVERWEIGHT),
        (2.5, Nutrition.OBESITY),
    ],
)
def test_classification_at_the_cut_offs(z: float, expected: Nutrition) -> None:
    assert classify(z) is expected


# (cut-off, status at or just beyond it on the normal side, status past it by 0.01 z)
CUT_OFFS = [
    (-3.0, Nutrition.THINNESS, Nutrition.SEVERE_THINNESS),
    (-2.0, Nutrition.NORMAL, Nutrition.THINNESS),
    (1.0, Nutrition.NORMAL, Nutrition.OVERWEIGHT),
    (2.0, Nutrition.OVERWEIGHT, Nutrition.OBESITY),
]


def who_status(z: float) -> Nutrition:
    """WHO's rule on a z-score already rounded to two decimals (anthroplus_prevalence)."""
    if z < -3:
        return Nutrition.SEVERE_THINNESS
    if z < -2:
        return Nutrition.THINNESS
    if z > 2:
        return Nutrition.OBESITY
    if z > 1:
        return Nutrition.OVERWEIGHT
    return Nutrition.NORMAL


@pytest.mark.parametrize(("sex", "month"), list(WHO_BMI))
@pytest.mark.parametrize(("cut", "inside", "beyond"), CUT_OFFS)
def test_the_category_is_read_on_the_z_score_rounded_to_two_decimals(
    sex: Gender, month: int, cut: float, inside: Nutrition, beyond: Nutrition
) -> None:
    height = 130.0
    away = 1 if cut > 0 else -1  # the direction away from normal
    for offset in (-0.006, -0.005, -0.004, -0.001, 0.0, 0.001, 0.004, 0.005, 0.006, 0.01):
        weight = weight_for_bmi_z(cut + away * offset, sex, month, height)
        growth = assess(sex, BORN, on_month(month), height, weight)
        assert growth.bmi_z is not None
        # The stored z and the stored category always agree, by WHO's rule.
        assert growth.nutrition is who_status(growth.bmi_z) is classify(growth.bmi_z)
        if abs(offset) < 0.005:
            assert (growth.bmi_z, growth.nutrition) == (cut, inside)
        if offset >= 0.006:
            assert growth.nutrition is beyond


def test_a_z_score_of_1_003_is_stored_as_1_and_normal_as_who_reads_it() -> None:
    # Issue 17: a boy born 10/03/2018, measured 15/09/2026 at 115.3 cm and 23.5 kg has an
    # unrounded BMI-for-age z of 1.0029: WHO reports 1.00, which is not above +1.
    growth = assess(Gender.MALE, date(2018, 3, 10), date(2026, 9, 15), 115.3, 23.5)
    assert (growth.bmi_z, growth.nutrition) == (1.0, Nutrition.NORMAL)


# AnthroPlus's rows for girls (data-raw/growthstandards/bfawho2007.txt): months 102 and 103.
GIRL_BMI_102, GIRL_BMI_103 = (-1.4336, 15.8738, 0.11557), (-1.4398, 15.9090, 0.11601)


def test_between_months_the_z_score_is_anthroplus_s_interpolation_rounded() -> None:
    born, measured = date(2017, 1, 1), date(2025, 7, 16)  # 3,118 days: 102.44 WHO months
    age = (measured - born).days / 30.4375
    share = age - 102
    lms = tuple(
        low + share * (high - low) for low, high in zip(GIRL_BMI_102, GIRL_BMI_103, strict=True)
    )
    bmi = 21.0 / 1.28**2
    expected = round(lms_z(bmi, lms), 2)  # type: ignore[arg-type]
    growth = assess(Gender.FEMALE, born, measured, 128.0, 21.0)
    assert growth.bmi_z == expected


def test_the_anthroplus_test_girl_of_60_months_is_outside_the_bundled_tables() -> None:
    # anthroplus's own test (tests/testthat/test-zscores.R): a girl of 60.32 months, 113.8 cm,
    # 18.7 kg has BMI z -0.58 and height z 0.96 there, from its month-60 row; the WHO 2007
    # tables this bot bundles start at month 61, so it gives BMI only (no primary pupil is 5).
    born = date(2020, 1, 1)
    growth = assess(Gender.FEMALE, born, born + timedelta(days=1836), 113.8, 18.7)
    assert (growth.age_months, growth.bmi_z, growth.nutrition) == (60, None, None)


@pytest.mark.parametrize(("sex", "month"), list(WHO_HEIGHT))
def test_stunted_below_minus_two_sd_of_height_for_age(sex: Gender, month: int) -> None:
    cut = lms_value(-2, WHO_HEIGHT[sex, month])
    shorter = assess(sex, BORN, on_month(month), cut - 0.1, 20.0)
    taller = assess(sex, BORN, on_month(month), cut + 0.01, 20.0)
    assert (shorter.stunted, taller.stunted) == (True, False)
    for offset in (-0.006, -0.005, -0.004, 0.0, 0.004, 0.005, 0.006):
        height = lms_value(-2 + offset, WHO_HEIGHT[sex, month])
        growth = assess(sex, BORN, on_month(month), height, 20.0)
        assert growth.height_z is not None
        assert growth.stunted is (growth.height_z < -2)


@pytest.mark.parametrize(
    "days",
    [
        pytest.param(1856, id="60 months 30 days"),
        pytest.param(6971, id="229 months"),
        pytest.param(1500, id="4 years"),
    ],
)
def test_outside_the_reference_ages_only_bmi_is_given(days: int) -> None:
    growth = assess(Gender.FEMALE, BORN, BORN + timedelta(days=days), 110.0, 19.0)
    assert growth.bmi == 15.7
    assert (growth.bmi_z, growth.height_z, growth.nutrition, growth.stunted) == (None,) * 4


@pytest.mark.parametrize("days", [1857, 6969])
def test_the_first_and_last_months_of_the_reference_are_inside(days: int) -> None:
    growth = assess(Gender.MALE, BORN, BORN + timedelta(days=days), 140.0, 35.0)
    assert growth.age_months in (61, 228)
    assert growth.bmi_z is not None and growth.height_z is not None


def test_a_measurement_before_birth_is_refused() -> None:
    with pytest.raises(ValueError):
        assess(Gender.MALE, BORN, BORN - timedelta(days=1), 120.0, 20.0)


@pytest.mark.parametrize(("cell", "cm"), [(125, 125.0), ("125,5", 125.5), ("125.5 cm", 125.5)])
def test_height_is_read_in_centimetres(cell: object, cm: float) -> None:
    assert parse_height(cell) == cm


@pytest.mark.parametrize("cell", [1500, "1500", 79.9, 200.1, "1,25", "abc", None, ""])
def test_height_outside_80_to_200_cm_is_refused(cell: object) -> None:
    with pytest.raises(CellError):
        parse_height(cell)


@pytest.mark.parametrize(("cell", "kg"), [(25, 25.0), ("25,4", 25.4), (10, 10.0), (120, 120.0)])
def test_weight_is_read_in_kilograms(cell: object, kg: float) -> None:
    assert parse_weight(cell) == kg


@pytest.mark.parametrize("cell", [0, "0", -20, 9.9, 120.5, 2540, "abc", None])
def test_weight_outside_10_to_120_kg_is_refused(cell: object) -> None:
    with pytest.raises(CellError):
        parse_weight(cell)


def test_refusals_say_the_allowed_range() -> None:
    with pytest.raises(CellError) as height:
        parse_height(1500)
    with pytest.raises(CellError) as weight:
        parse_weight(0)
    assert "80" in height.value.args[0] and "200" in height.value.args[0]
    assert "10" in weight.value.args[0] and "120" in weight.value.args[0]
