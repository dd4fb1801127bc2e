"""The monthly anomaly report: frequent correctors, bunching before deadlines, score gaps."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.features.administration.anomalies import AnomalyReport, monthly_report, report_text
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import Calendar
from storage.models import (
    AssessmentKind,
    AssessmentPeriod,
    AssessmentResult,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    School,
    SchoolClass,
    Staff,
    Student,
    TeachingAssignment,
)
from storage.queries import ensure_school

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = "2026-2027"
CALENDAR = Calendar(date(2026, 9, 5))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
CLASSES = ("3A", "3B", "3C", "3D")
TEACHERS = {
    "3A": "Lê Thị Năm",
    "3B": "Võ Văn Sáu",
    "3C": "Đặng Thị Bảy",
    "3D": "Hồ Văn Tám",
}
_pupils = itertools.count(1)


class World:
    """Four grade-3 classes, each with a homeroom teacher and pupils."""

    def __init__(self, session: AsyncSession, school: School) -> None:
        self.session, self.school = session, school
        self.classes: dict[str, SchoolClass] = {}
        self.staff: dict[str, Staff] = {}
        self.pupils: dict[str, list[Student]] = {}

    async def build(self, pupils: int = 12) -> World:
        for name in CLASSES:
            self.classes[name] = SchoolClass(school_id=self.school.id, name=name, grade=3)
        self.session.add_all(self.classes.values())
        await self.session.flush()
        for n, (klass, teacher) in enumerate(TEACHERS.items()):
            self.staff[klass] = Staff(
                school_id=self.school.id,
                full_name=teacher,
                phone=f"+8490000{self.school.id % 1000:03d}{n}",
                homeroom_class_id=self.classes[klass].id,
            )
            self.pupils[klass] = [
                self._pupil(self.classes[klass].id, next(_pupils)) for _ in range(pupils)
            ]
        self.session.add_all([*self.staff.values(), *itertools.chain(*self.pupils.values())])
        await self.session.flush()
        return self

    def _pupil(self, class_id: int, n: int) -> Student:
        return Student(
            school_id=self.school.id,
            student_code=f"A{n:06d}",
            full_name=f"Trần Văn Bé{n}",
            family_name="Trần",
            middle_name="Văn",
            given_name=f"Bé{n}",
            search_key=f"tran van be{n}",
            class_id=class_id,
        )

    def request(self, klass: str, filed: datetime, *, teacher: str | None = None) -> None:
        """A correction request from `teacher`'s (default: the class's own teacher's) account."""
        pupil = self.pupils[klass][0]
        self.session.add(
            CorrectionRequest(
                school_id=self.school.id,
                school_year=YEAR,
                student_id=pupil.id,
                class_id=pupil.class_id,
                period=Period.CK1.value,
                kind=AssessmentKind.SCORE,
                item="TOAN",
                old_value="5",
                new_value="7",
                reason=CorrectionReason.ENTRY_ERROR,
                reason_text="Nhập nhầm cột.",
                state=CorrectionState.PENDING,
                requested_by=self.staff[teacher or klass].id,
                created_at=filed,
            )
        )

    def scores(self, klass: str, subject: str, values: list[int]) -> None:
        """Test scores of the class's pupils at CK1."""
        self.session.add_all(
            AssessmentResult(
                school_id=self.school.id,
                student_id=pupil.id,
                class_id=pupil.class_id,
                school_year=YEAR,
                period=Period.CK1.value,
                kind=AssessmentKind.SCORE,
                item=subject,
                value=str(value),
            )
            for pupil, value in zip(self.pupils[klass], values, strict=True)
        )

    async def report(self) -> AnomalyReport:
        await self.session.flush()
        return await monthly_report(self.session, self.school.id, *NOVEMBER, CALENDAR)


@pytest.fixture
async def world(session: AsyncSession, school: School) -> World:
    return await World(session, school).build()


def local(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), ZONE).astimezone(UTC)


def around(mean: int) -> list[int]:
    """Twelve scores averaging `mean`."""
    return [mean - 1, mean + 1] * 6


async def test_a_teacher_with_five_requests_in_a_month_is_named_and_one_with_two_is_not(
    world: World,
) -> None:
    for day in (2, 5, 9, 12, 16):
        world.request("3A" if day != 16 else "3C", local(day), teacher="3A")
    for day in (3, 4):
        world.request("3B", local(day))
    report = await world.report()
    assert [(f.name, f.count, f.classes) for f in report.frequent] == [
        (TEACHERS["3A"], 5, ("3A", "3C"))
    ]
    assert report.threshold == 3
    text = report_text(report, NOVEMBER[0], translator("vi"))
    assert TEACHERS["3A"] in text and "5" in text and "11/2026" in text
    assert TEACHERS["3B"] not in text


async def test_the_schools_setting_lowers_the_count_that_names_a_teacher(
    world: World, school: School
) -> None:
    school.settings = {"correction_alert_count": 2}
    for day in (3, 4):
        world.request("3B", local(day))
    world.request("3C", local(5))
    report = await world.report()
    assert [(f.name, f.count) for f in report.frequent] == [(TEACHERS["3B"], 2)]


async def test_requests_of_another_school_or_month_are_not_counted(
    world: World, session: AsyncSession
) -> None:
    for day in (20, 27, 30):
        world.request("3A", local(day, month=10))
    world.request("3A", local(30, hour=23))  # 30/11 23:00 in Hà Nội: November
    world.request("3A", datetime(2026, 11, 30, 17, 30, tzinfo=UTC))  # 01/12 00:30 in Hà Nội
    world.request("3A", local(2, month=12))
    other = await World(
        session, await ensure_school(session, f"o{uuid.uuid4().hex[:10]}", "Trường khác")
    ).build(pupils=1)
    for day in range(1, 8):
        other.request("3A", local(day))
    report = await world.report()
    assert report.frequent == ()
    assert (await other.report()).frequent[0].count == 7


async def test_requests_bunched_in_the_last_three_days_before_the_deadline_are_listed(
    world: World, session: AsyncSession, school: School
) -> None:
    session.add(
        AssessmentPeriod(
            school_id=school.id, school_year=YEAR, period="ck1", deadline=date(2026, 11, 20)
        )
    )
    world.request("3A", local(17))  # four days before: not bunched
    world.request("3A", local(18, hour=7))
    world.request("3A", local(20, hour=16))
    world.request("3A", local(21))  # after the deadline
    world.request("3B", local(19))  # a single late request is not a bunch
    report = await world.report()
    assert [(b.name, b.count, b.deadlines) for b in report.bunched] == [
        (TEACHERS["3A"], 2, (date(2026, 11, 20),))
    ]
    text = report_text(report, NOVEMBER[0], translator("vi"))
    assert "20/11/2026" in text and TEACHERS["3B"] not in text


async def test_a_class_three_points_below_its_grade_is_flagged_and_a_normal_one_is_not(
    world: World, session: AsyncSession
) -> None:
    world.scores("3A", "TOAN", around(4))
    for klass in ("3B", "3C", "3D"):
        world.scores(klass, "TOAN", around(7))
    report = await world.report()
    assert [(g.name, g.subject, g.classes, g.mean, g.others_mean) for g in report.score_gaps] == [
        (TEACHERS["3A"], "TOAN", ("3A",), 4.0, 7.0)
    ]
    (gap,) = report.score_gaps
    assert (gap.period, gap.count, gap.others_count) == (Period.CK1, 12, 36)
    text = report_text(report, NOVEMBER[0], translator("vi"))
    assert "Toán" in text and "4,0" in text and "7,0" in text


async def test_a_subject_teacher_answers_for_their_subject_instead_of_the_homeroom_teacher(
    world: World, session: AsyncSession, school: School
) -> None:
    english = Staff(school_id=school.id, full_name="Mai Anh Thư", phone="+84380737504")
    session.add(english)
    await session.flush()
    session.add(
        TeachingAssignment(staff_id=english.id, class_id=world.classes["3C"].id, subject="NN1")
    )
    world.scores("3C", "NN1", around(9))
    for klass in ("3A", "3B", "3D"):
        world.scores(klass, "NN1", around(6))
    report = await world.report()
    assert [(g.name, g.classes, g.mean) for g in report.score_gaps] == [
        ("Mai Anh Thư", ("3C",), 9.0)
    ]


async def test_too_few_scores_raise_no_alarm_and_an_empty_month_says_so(
    session: AsyncSession, school: School
) -> None:
    small = await World(session, school).build(pupils=4)
    small.scores("3A", "TOAN", [1, 1, 1, 1])
    for klass in ("3B", "3C", "3D"):
        small.scores(klass, "TOAN", [9, 9, 9, 9])
    report = await small.report()
    assert report.empty
    text = report_text(report, NOVEMBER[0], translator("vi"))
    assert "•" not in text and "11/2026" in text
