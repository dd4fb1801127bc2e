"""The school calendar: teaching weeks numbered as teachers say them ("Tuần 12").

Week 1 is the Monday-to-Friday week of the school-year start (the next one when the year starts
on a weekend). A week that a break covers from Monday to Friday is not a teaching week and gets
no number; term I has `term1_weeks` teaching weeks (18 by default), term II `term2_weeks` (17).
Each Sở GD&ĐT sets its own dates (domain-vn.md section 3), so everything is per school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from storage.models import School, SchoolBreak

NATIONAL_OPENING = (9, 5)  # khai giảng, 05/9, when a school has not set its own start


@dataclass(frozen=True, slots=True)
class Break:
    """A break (Tết, mid-term) from its first to its last day."""

    name: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class TeachingWeek:
    """A numbered teaching week: Monday to Friday, in term 1 or 2."""

    number: int
    term: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Calendar:
    """A school year's start, term lengths and breaks."""

    year_start: date
    term1_weeks: int = 18
    term2_weeks: int = 17
    breaks: tuple[Break, ...] = ()

    def weeks(self) -> list[TeachingWeek]:
        """Every teaching week of the year, in order."""
        monday = self.year_start - timedelta(days=self.year_start.weekday())
        if self.year_start.weekday() >= 5:
            monday += timedelta(days=7)
        weeks: list[TeachingWeek] = []
        total = self.term1_weeks + self.term2_weeks
        while len(weeks) < total:
            friday = monday + timedelta(days=4)
            if not any(b.start <= monday and friday <= b.end for b in self.breaks):
                number = len(weeks) + 1
                term = 1 if number <= self.term1_weeks else 2
                weeks.append(TeachingWeek(number, term, monday, friday))
            monday += timedelta(days=7)
        return weeks

    def week_of(self, day: date) -> TeachingWeek | None:
        """The teaching week a day falls in (Saturday and Sunday count with their week)."""
        monday = day - timedelta(days=day.weekday())
        return next((week for week in self.weeks() if week.start == monday), None)

    def break_on(self, day: date) -> Break | None:
        """The break a day falls in, if any."""
        return next((b for b in self.breaks if b.start <= day <= b.end), None)


def school_year_start(today: date) -> date:
    """The national opening day of the school year `today` belongs to (it turns in August)."""
    year = today.year if today.month >= 8 else today.year - 1
    return date(year, *NATIONAL_OPENING)


def week_label(week: TeachingWeek, _: Translator) -> str:
    """ "Tuần 12, 23/11–27/11" as teachers write it."""
    return _("Week {number}, {start}–{end}").format(
        number=week.number, start=week.start.strftime("%d/%m"), end=week.end.strftime("%d/%m")
    )


async def load_calendar(session: AsyncSession, school: School, today: date) -> Calendar:
    """The school's calendar; without a stored start, the national opening of this year."""
    breaks = await session.scalars(
        select(SchoolBreak).where(SchoolBreak.school_id == school.id).order_by(SchoolBreak.start)
    )
    return Calendar(
        school.year_start or school_year_start(today),
        school.term1_weeks,
        school.term2_weeks,
        tuple(Break(b.name, b.start, b.end) for b in breaks),
    )


async def set_calendar(
    session: AsyncSession,
    school: School,
    *,
    year_start: date | None = None,
    term1_weeks: int | None = None,
    term2_weeks: int | None = None,
    breaks: Sequence[Break] | None = None,
) -> None:
    """Change the parts given; breaks, when given, replace the stored ones."""
    if year_start is not None:
        school.year_start = year_start
    if term1_weeks is not None:
        school.term1_weeks = term1_weeks
    if term2_weeks is not None:
        school.term2_weeks = term2_weeks
    if breaks is not None:
        for old in await session.scalars(
            select(SchoolBreak).where(SchoolBreak.school_id == school.id)
        ):
            await session.delete(old)
        session.add_all(
            SchoolBreak(school_id=school.id, name=b.name, start=b.start, end=b.end) for b in breaks
        )
    await session.flush()
