"""Leave requests: reading the days, who may ask and decide, and what a decision records."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor, load_actor
from bot.core.i18n import translator
from bot.features.administration.imports import import_roster, import_staff
from bot.features.calendar.queries import school_year
from bot.features.corrections import rules as absences_rules
from bot.features.leave import queries as leave
from bot.features.leave import rules
from bot.features.leave.queries import DayProblem, Outcome
from storage.models import (
    Absence,
    AccountState,
    AuditEvent,
    DayPart,
    Guardian,
    LeavePart,
    LeaveRequest,
    RequestState,
    School,
    Staff,
    Student,
    TelegramAccount,
)
from tests.factories import shared_file

TODAY = date(2026, 11, 23)  # a Monday
DECISIONS = ("leave.approved", "leave.rejected")  # audited decisions (a request is too)
PHONES = {"1A": "+84784437323", "3B": "+84842493516", "mother": "+84841860913"}
_users = itertools.count(950_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/11", (date(2026, 11, 30), date(2026, 11, 30))),
        ("23/11", (TODAY, TODAY)),
        (" 30/11 - 02/12 ", (date(2026, 11, 30), date(2026, 12, 2))),
        ("1/12–3/12", (date(2026, 12, 1), date(2026, 12, 3))),
        ("28/12-05/01", (date(2026, 12, 28), date(2027, 1, 5))),
        ("05/01", (date(2027, 1, 5), date(2027, 1, 5))),
        ("30/11/2026", (date(2026, 11, 30), date(2026, 11, 30))),
        ("24/11 đến 26/11", (date(2026, 11, 24), date(2026, 11, 26))),
    ],
)
def test_days_are_read_day_first_in_the_nearest_year(
    text: str, expected: tuple[date, date]
) -> None:
    assert leave.parse_days(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("20/11", DayProblem.PAST),
        ("22/11-25/11", DayProblem.PAST),
        ("01/12-15/01", DayProblem.TOO_LONG),
        ("24/11-23/12", None),  # 30 days is still one request
        ("24/11-24/12", DayProblem.TOO_LONG),
        ("05/12-01/12", DayProblem.END_BEFORE_START),
        ("31/02", DayProblem.NO_SUCH_DATE),
        ("29/02", DayProblem.NO_SUCH_DATE),
        ("32/12", DayProblem.NO_SUCH_DATE),
        ("12/13", DayProblem.NO_SUCH_DATE),
        ("28/11", DayProblem.WEEKEND),
        ("28/11-29/11", DayProblem.WEEKEND),
        ("mai", DayProblem.BAD_FORM),
        ("30-11", DayProblem.BAD_FORM),
    ],
)
def test_wrong_days_are_refused_with_their_reason(text: str, problem: DayProblem | None) -> None:
    result = leave.parse_days(text, TODAY)
    assert (result if isinstance(result, DayProblem) else None) is problem


def test_every_refusal_reads_as_a_sentence_with_the_limit() -> None:
    _ = translator("vi")
    assert "30" in leave.explain(DayProblem.TOO_LONG, _)
    assert all("{" not in leave.explain(p, _) for p in DayProblem)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (
            datetime(2026, 11, 23, 9, 0),
            [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)],
        ),
        (datetime(2026, 11, 23, 13, 0), [date(2026, 11, 24), date(2026, 11, 25)]),
        (datetime(2026, 11, 27, 13, 0), [date(2026, 11, 30), date(2026, 12, 1)]),
        (datetime(2026, 11, 28, 8, 0), [date(2026, 11, 30), date(2026, 12, 1)]),
    ],
)
def test_the_offered_days_are_the_next_school_days(moment: datetime, expected: list[date]) -> None:
    assert rules.offered_days(moment) == expected


def test_days_are_labelled_with_their_weekday() -> None:
    _ = translator("vi")
    assert rules.day_label(date(2026, 11, 30), _) == "Thứ Hai 30/11"
    assert rules.school_days(date(2026, 11, 26), date(2026, 11, 30)) == [
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School) -> School:
    """The shared sample roster and staff list."""
    outcome = await import_roster(
        session, school, shared_file("roster.xlsx"), today=TODAY, actor="test"
    )
    assert not outcome.refused, outcome.problems
    staff = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    assert not staff.refused, staff.problems
    await session.commit()
    return school


async def actor_for(session: AsyncSession, school: School, who: str) -> Actor:
    """A linked account for a teacher (by class) or the mother of Hoàng Anh Đăng."""
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=1,
        state=AccountState.LINKED,
        failed_codes=0,
    )
    model = Guardian if who == "mother" else Staff
    found = await session.scalar(
        select(model.id).where(model.school_id == school.id, model.phone == PHONES[who])
    )
    if who == "mother":
        account.guardian_id = found
    else:
        account.staff_id = found
    session.add(account)
    await session.flush()
    return await load_actor(session, account)


async def pupil_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def ask(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    first: date = date(2026, 11, 26),
    last: date = date(2026, 11, 26),
    part: LeavePart = LeavePart.ALL_DAY,
    reason: str = "Con bị sốt.",
) -> LeaveRequest | DayProblem | str:
    return await leave.submit(
        session,
        actor,
        student_id,
        first,
        last,
        part,
        reason,
        now=datetime.now(UTC),
        today=TODAY,
    )


async def count(
    session: AsyncSession, school: School, model: type[LeaveRequest] | type[Absence]
) -> int:
    found = await session.scalar(
        select(func.count()).select_from(model).where(model.school_id == school.id)
    )
    return int(found or 0)


async def absences(session: AsyncSession, student_id: int) -> list[tuple[date, DayPart, bool]]:
    rows = await session.execute(
        select(Absence.day, Absence.part, Absence.excused).where(Absence.student_id == student_id)
    )
    return sorted((day, part, excused) for day, part, excused in rows)


async def test_a_parent_asks_only_for_their_own_child(session: AsyncSession, lists: School) -> None:
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    stranger = await pupil_id(session, lists, "Hoàng Bảo Nhi")
    assert rules.may_ask(mother, dang) and not rules.may_ask(mother, stranger)
    assert await ask(session, mother, stranger) == leave.NOT_YOURS
    teacher = await actor_for(session, lists, "1A")
    assert await ask(session, teacher, dang) == leave.NOT_YOURS
    request = await ask(session, mother, dang)
    assert isinstance(request, LeaveRequest)
    assert (request.state, request.class_id) == (
        RequestState.PENDING,
        await session.scalar(select(Student.class_id).where(Student.id == dang)),
    )


async def test_bad_days_and_texts_store_nothing(session: AsyncSession, lists: School) -> None:
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    assert await ask(session, mother, dang, first=date(2026, 11, 20)) is DayProblem.PAST
    assert await ask(session, mother, dang, last=date(2027, 1, 15)) is DayProblem.TOO_LONG
    assert await ask(session, mother, dang, reason="x" * 10_000) == limits.TEXT_TOO_LONG
    assert await ask(session, mother, dang, reason="  ") == limits.TEXT_EMPTY
    assert await count(session, lists, LeaveRequest) == 0


async def test_the_eleventh_request_in_an_hour_is_refused(
    session: AsyncSession, lists: School
) -> None:
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    for _ in range(limits.PER_HOUR):
        assert isinstance(await ask(session, mother, dang), LeaveRequest)
    assert await ask(session, mother, dang) == limits.TOO_MANY
    assert await count(session, lists, LeaveRequest) == limits.PER_HOUR


async def test_only_the_homeroom_teacher_of_the_class_decides(
    session: AsyncSession, lists: School
) -> None:
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    request = await ask(session, mother, dang)
    assert isinstance(request, LeaveRequest)
    now = datetime.now(UTC)
    for who in ("3B", "mother"):
        actor = await actor_for(session, lists, who)
        assert (await leave.check(session, actor, request.id)).outcome is Outcome.NOT_ALLOWED
        decision = await leave.decide(session, actor, request.id, approve=True, now=now, who="x")
        assert decision.outcome is Outcome.NOT_ALLOWED
    missing = await leave.decide(
        session, await actor_for(session, lists, "1A"), 999_999, approve=True, now=now, who="x"
    )
    assert missing.outcome is Outcome.NOT_ALLOWED
    assert request.state == RequestState.PENDING and await count(session, lists, Absence) == 0


async def test_a_confirmation_records_excused_absences_once(
    session: AsyncSession, lists: School
) -> None:
    mother = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    thursday, monday = date(2026, 11, 26), date(2026, 11, 30)
    request = await ask(session, mother, dang, thursday, monday, LeavePart.MORNING)
    assert isinstance(request, LeaveRequest)
    now = datetime.now(UTC)
    first = await leave.decide(session, teacher, request.id, approve=True, now=now, who="tg:1")
    assert first.outcome is Outcome.DONE and request.state == RequestState.APPROVED
    recorded = await absences(session, dang)
    assert recorded == [
        (date(2026, 11, 26), DayPart.MORNING, True),
        (date(2026, 11, 27), DayPart.MORNING, True),
        (date(2026, 11, 30), DayPart.MORNING, True),
    ]
    again = await leave.decide(session, teacher, request.id, approve=True, now=now, who="tg:1")
    refused = await leave.decide(
        session, teacher, request.id, approve=False, now=now, who="tg:1", refusal="Không."
    )
    assert again.outcome is refused.outcome is Outcome.DECIDED
    assert (await leave.check(session, teacher, request.id)).outcome is Outcome.DECIDED
    assert request.state == RequestState.APPROVED and request.refusal is None
    assert await absences(session, dang) == recorded
    reason = await session.scalar(select(Absence.reason).where(Absence.student_id == dang))
    assert reason == "Con bị sốt."
    decisions = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.school_id == lists.id, AuditEvent.action.in_(DECISIONS))
    )
    assert decisions == 1


async def test_a_refusal_keeps_its_reason_and_records_nothing(
    session: AsyncSession, lists: School
) -> None:
    mother = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    request = await ask(session, mother, dang)
    assert isinstance(request, LeaveRequest)
    now = datetime.now(UTC)
    with pytest.raises(ValueError):
        await leave.decide(session, teacher, request.id, approve=False, now=now, who="tg:1")
    decision = await leave.decide(
        session, teacher, request.id, approve=False, now=now, who="tg:1", refusal=" Thi cuối kỳ. "
    )
    assert decision.outcome is Outcome.DONE
    assert (request.state, request.refusal) == (RequestState.REJECTED, "Thi cuối kỳ.")
    assert await count(session, lists, Absence) == 0
    later = await leave.decide(session, teacher, request.id, approve=True, now=now, who="tg:1")
    assert later.outcome is Outcome.DECIDED and await count(session, lists, Absence) == 0


YEAR = (date(2026, 9, 5), date(2027, 5, 7))  # 35 teaching weeks from the national opening


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("02/01/2099", DayProblem.OUTSIDE_YEAR),
        ("06/05/2027-10/05/2027", DayProblem.OUTSIDE_YEAR),
        ("07/05/2027", None),
        ("24/11/2026", None),
    ],
)
def test_days_outside_the_school_year_are_refused(text: str, problem: DayProblem | None) -> None:
    result = leave.parse_days(text, TODAY, YEAR)
    assert (result if isinstance(result, DayProblem) else None) is problem
    days = leave.read_days(text, TODAY)
    assert not isinstance(days, DayProblem)
    assert absences_rules.check_days(*days, TODAY, YEAR) is problem


async def test_leave_and_the_principals_absence_stay_within_the_school_year(
    session: AsyncSession, lists: School
) -> None:
    year = await school_year(session, lists.id, TODAY)
    assert year == YEAR
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    far = date(2099, 1, 2)
    assert await ask(session, mother, dang, first=far, last=far) is DayProblem.OUTSIDE_YEAR
    assert await count(session, lists, LeaveRequest) == 0
    reason = leave.explain(DayProblem.OUTSIDE_YEAR, translator("vi"))
    assert reason == "Ngày này nằm ngoài năm học hiện tại."
