"""School health screening: BMI, WHO 2007 z-scores (5-19 years) and the cells nurses write.

The WHO 2007 growth reference tables come from `pygrowthstandards` (docs/health.md says why);
the z-scores follow WHO's AnthroPlus: linear interpolation of L, M and S between whole months,
and for BMI-for-age the restricted LMS method beyond ±3 SD.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from storage.models import Gender
from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.problems import N_

# Age as AnthroPlus takes it: days / 30.4375 (the mean month), a fraction kept for the
# interpolation. `Growth.age_months` is its whole months, and z-scores exist when that is
# 61 to 228; from 228 to 229 the month-228 values hold, as in AnthroPlus 1.1.
DAYS_PER_MONTH = 30.4375
FIRST_MONTH, LAST_MONTH = 61, 228
STUNTING_CUT = -2.0  # height-for-age z below it (rounded, so -2.00 is not stunted)

LMS = tuple[float, float, float]
_SEX = {Gender.MALE: "M", Gender.FEMALE: "F"}


class Nutrition(enum.StrEnum):
    """Nutrition status from BMI-for-age (WHO 2007 cut-offs)."""

    SEVERE_THINNESS = "severe_thinness"
    THINNESS = "thinness"
    NORMAL = "normal"
    OVERWEIGHT = "overweight"
    OBESITY = "obesity"


@dataclass(frozen=True, slots=True)
class Growth:
    """One screening: BMI (kg/m², 1 decimal), z-scores (2 decimals) and what they mean."""

    age_months: int
    bmi: float
    bmi_z: float | None
    height_z: float | None
    nutrition: Nutrition | None
    stunted: bool | None


def assess(
    sex: Gender, birth_date: date, measured_on: date, height_cm: float, weight_kg: float
) -> Growth:
    """Return the pupil's BMI, z-scores and nutrition status on the day of the measurement."""
    if measured_on < birth_date:
        raise ValueError("measured_on is before birth_date")
    age = (measured_on - birth_date).days / DAYS_PER_MONTH
    months = math.floor(age)
    bmi = weight_kg / (height_cm / 100) ** 2
    if not FIRST_MONTH <= months <= LAST_MONTH:
        return Growth(months, round(bmi, 1), None, None, None, None)
    # Rounded to two decimals before anything is decided, as WHO's AnthroPlus does: the stored
    # z-score and the stored category then always agree (1.003 is 1.0, and 1.0 is normal).
    bmi_z = rounded_z(_restricted_z(bmi, _lms(sex, "body_mass_index", age)))
    height_z = rounded_z(_z(height_cm, _lms(sex, "stature", age)))
    return Growth(
        age_months=months,
        bmi=round(bmi, 1),
        bmi_z=bmi_z,
        height_z=height_z,
        nutrition=classify(bmi_z),
        stunted=height_z < STUNTING_CUT,
    )


def rounded_z(z: float) -> float:
    """A z-score as WHO's tools report and classify it: two decimals (-0.0 read as 0.0)."""
    return round(z, 2) + 0.0


def classify(bmi_z: float) -> Nutrition:
    """Return the nutrition status for a BMI-for-age z-score rounded to two decimals (WHO 2007
    cut-offs, as AnthroPlus applies them: above +1 overweight, so 1.00 is normal and 1.01 not)."""
    if bmi_z < -3:
        return Nutrition.SEVERE_THINNESS
    if bmi_z < -2:
        return Nutrition.THINNESS
    if bmi_z <= 1:
        return Nutrition.NORMAL
    if bmi_z <= 2:
        return Nutrition.OVERWEIGHT
    return Nutrition.OBESITY


def _z(value: float, lms: LMS) -> float:
    power, median, cv = lms
    if power == 0:
        return math.log(value / median) / cv
    return (float((value / median) ** power) - 1) / (power * cv)


def _at(z: float, lms: LMS) -> float:
    """Return the measurement that has z-score z."""
    power, median, cv = lms
    if power == 0:
        return median * math.exp(cv * z)
    return float(median * (1 + power * cv * z) ** (1 / power))


def _restricted_z(value: float, lms: LMS) -> float:
    """Return WHO's z-score with the tails beyond ±3 SD measured in steps of the 2-3 SD gap."""
    z = _z(value, lms)
    if z > 3:
        sd3 = _at(3, lms)
        return 3 + (value - sd3) / (sd3 - _at(2, lms))
    if z < -3:
        sd3 = _at(-3, lms)
        return -3 + (value - sd3) / (_at(-2, lms) - sd3)
    return z


def _lms(sex: Gender, indicator: str, age_months: float) -> LMS:
    """Return L, M and S at an age, interpolated linearly between whole months."""
    table = _table(sex, indicator)
    low = math.floor(age_months)
    if low == LAST_MONTH:
        return table[low]
    share = age_months - low
    below, above = table[low], table[low + 1]
    return (
        below[0] + share * (above[0] - below[0]),
        below[1] + share * (above[1] - below[1]),
        below[2] + share * (above[2] - below[2]),
    )


@cache
def _table(sex: Gender, indicator: str) -> dict[int, LMS]:
    """Return {month: (L, M, S)} of one WHO 2007 table, loaded once."""
    # Imported here: the package loads pandas and its data file (about 2 s) when imported.
    from pygrowthstandards.data.load import load_reference

    data = load_reference()
    rows = data[
        (data["source"] == "who")
        & (data["name"] == "growth")
        & (data["x_var_type"] == "age")
        & (data["sex"] == _SEX[sex])
        & (data["measurement_type"] == indicator)
    ]
    # The package keys the monthly rows by day (month x 30.4375, rounded up).
    table = {
        round(float(day) / DAYS_PER_MONTH): (float(power), float(median), float(cv))
        for day, power, median, cv in zip(rows["x"], rows["l"], rows["m"], rows["s"], strict=True)
    }
    if sorted(table) != list(range(FIRST_MONTH, LAST_MONTH + 1)):
        raise RuntimeError(f"The WHO 2007 {indicator} table for {sex} is incomplete")
    return table


HEIGHT_RANGE = N_("The height must be a number of centimetres between 80 and 200.")
WEIGHT_RANGE = N_("The weight must be a number of kilograms between 10 and 120.")
HEIGHT_LIMITS = (80.0, 200.0)
WEIGHT_LIMITS = (10.0, 120.0)

_NUMBER = re.compile(r"^(\d{1,4}(?:[.,]\d+)?)\s*(?:cm|kg)?$", re.IGNORECASE)


def parse_height(cell: object) -> float:
    """Return a height in cm ("125,5" allowed), refusing blanks and values outside 80-200."""
    return _measure(cell, HEIGHT_LIMITS, N_("The height is missing."), HEIGHT_RANGE)


def parse_weight(cell: object) -> float:
    """Return a weight in kg ("25,5" allowed), refusing blanks and values outside 10-120."""
    return _measure(cell, WEIGHT_LIMITS, N_("The weight is missing."), WEIGHT_RANGE)


def _measure(cell: object, limits: tuple[float, float], missing: str, out_of_range: str) -> float:
    if isinstance(cell, bool | datetime | date):
        raise CellError(out_of_range)
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        written = cells.text(cell).strip()
        if not written:
            raise CellError(missing)
        match = _NUMBER.match(written)
        if match is None:
            raise CellError(out_of_range)
        value = float(match.group(1).replace(",", "."))
    low, high = limits
    if not low <= value <= high:
        raise CellError(out_of_range)
    return value
