"""Health results: stored with the WHO classification, entered in chat, seen by the right people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import translator
from bot.features.health import notices
from bot.features.health import queries as health
from bot.features.health.documents import HealthRow
from bot.features.health.growth import Nutrition
from storage.models import (
    AccountState,
    AuditEvent,
    Delivery,
    Gender,
    Guardian,
    HealthCheck,
    Notice,
    Relation,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    TelegramAccount,
)
from tests.features.health.test_growth import BORN, on_month, weight_for_bmi_z

MONTH = 96
MEASURED = on_month(MONTH)
HEIGHT = 130.0
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


class World:
    """A school with two classes, four boys of eight in 3A, a nurse and a teacher."""

    def __init__(self, session: AsyncSession, school: School) -> None:
        self.session, self.school = session, school
        self.pupils: list[Student] = []
        self.accounts: dict[str, TelegramAccount] = {}

    async def build(self) -> World:
        self.class_3a = SchoolClass(school_id=self.school.id, name="3A", grade=3)
        self.class_3b = SchoolClass(school_id=self.school.id, name="3B", grade=3)
        self.session.add_all([self.class_3a, self.class_3b])
        await self.session.flush()
        for n in range(4):
            self.pupils.append(self._pupil(n, self.class_3a, BORN, Gender.MALE))
        self.unknown_age = self._pupil(4, self.class_3a, None, Gender.FEMALE)
        self.other = self._pupil(5, self.class_3b, BORN, Gender.FEMALE)
        await self.session.flush()
        for n, name in enumerate(("nurse", "teacher", "parent", "other_parent", "principal")):
            account = TelegramAccount(
                school_id=self.school.id,
                telegram_user_id=9000 + n,
                chat_id=9000 + n,
                state=AccountState.LINKED,
            )
            self.session.add(account)
            self.accounts[name] = account
        await self.session.flush()
        await self._guardian("parent", self.pupils[0])
        await self._guardian("other_parent", self.other)
        await self.session.flush()
        return self

    def _pupil(self, n: int, klass: SchoolClass, born: date | None, sex: Gender) -> Student:
        pupil = Student(
            school_id=self.school.id,
            student_code=f"HS{n:06d}",
            full_name=f"Nguyễn Văn Con{n}",
            family_name="Nguyễn",
            middle_name="Văn",
            given_name=f"Con{n}",
            search_key=f"nguyen van con{n}",
            birth_date=born,
            gender=sex,
            class_id=klass.id,
        )
        self.session.add(pupil)
        return pupil

    async def _guardian(self, account: str, pupil: Student) -> None:
        guardian = Guardian(school_id=self.school.id, full_name="Phụ huynh", phone=None)
        self.session.add(guardian)
        await self.session.flush()
        self.session.add(
            StudentGuardian(student_id=pupil.id, guardian_id=guardian.id, relation=Relation.MOTHER)
        )
        self.accounts[account].guardian_id = guardian.id

    def actor(self, name: str, *roles: Role, **scopes: Any) -> Actor:
        return Actor(self.accounts[name], frozenset(roles), **scopes)

    @property
    def nurse(self) -> Actor:
        return self.actor("nurse", Role.MEDICAL)


@pytest.fixture
async def world(session: AsyncSession, school: School) -> World:
    return await World(session, school).build()


def row(pupil: Student, weight: float, height: float = HEIGHT, **extra: object) -> HealthRow:
    values: dict[str, object] = {
        "vision_left": None,
        "vision_right": None,
        "vision_left_glasses": None,
        "vision_right_glasses": None,
        "teeth": None,
        "spine": None,
        "notes": None,
    }
    values.update(extra)
    return HealthRow(0, pupil.student_code, height, weight, **values)  # type: ignore[arg-type]


async def stored(session: AsyncSession, model: type[object], *where: object) -> int:
    query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
    return int(await session.scalar(query) or 0)


@pytest.mark.parametrize(
    ("cut", "below", "above"),
    [(-2.0, Nutrition.THINNESS, Nutrition.NORMAL), (1.0, Nutrition.NORMAL, Nutrition.OVERWEIGHT)],
)
async def test_weights_either_side_of_a_who_cut_off_are_stored_in_its_two_classes(
    world: World, session: AsyncSession, cut: float, below: Nutrition, above: Nutrition
) -> None:
    # 0.006 z either side: stored as cut -/+ 0.01, each in the class its stored z says.
    lighter, heavier = world.pupils[:2]
    light = weight_for_bmi_z(cut - 0.006, Gender.MALE, MONTH, HEIGHT)
    heavy = weight_for_bmi_z(cut + 0.006, Gender.MALE, MONTH, HEIGHT)
    checks = await health.record_checks(
        session,
        world.nurse,
        world.class_3a.id,
        [row(lighter, light), row(heavier, heavy)],
        MEASURED,
        "tg:9000",
    )
    assert [(c.nutrition, c.bmi_z) for c in checks] == [
        (below.value, round(cut - 0.01, 2)),
        (above.value, round(cut + 0.01, 2)),
    ]
    assert [c.student_id for c in checks] == [lighter.id, heavier.id]
    assert all(c.recorded_by == world.accounts["nurse"].id and c.id for c in checks)
    events = list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.school_id == world.school.id, AuditEvent.action == "health.recorded"
            )
        )
    )
    assert [(e.entity_id, e.after) for e in events] == [
        (str(world.class_3a.id), {"measured_on": MEASURED.isoformat(), "count": 2})
    ]


async def test_severe_thinness_and_stunting_are_flagged(
    world: World, session: AsyncSession
) -> None:
    weight = weight_for_bmi_z(-3.0, Gender.MALE, MONTH, 110.0) * 0.97
    (check,) = await health.record_checks(
        session,
        world.nurse,
        world.class_3a.id,
        [row(world.pupils[2], weight, 110.0)],
        MEASURED,
        "t",
    )
    assert (check.nutrition, check.stunted) == (Nutrition.SEVERE_THINNESS.value, True)
    assert check.height_z is not None and check.height_z < -2


async def test_a_pupil_without_birth_date_gets_bmi_only(
    world: World, session: AsyncSession
) -> None:
    (check,) = await health.record_checks(
        session, world.nurse, world.class_3a.id, [row(world.unknown_age, 27.3)], MEASURED, "t"
    )
    assert check.bmi == 16.2
    assert (check.bmi_z, check.height_z, check.nutrition, check.stunted) == (None,) * 4


async def test_only_the_nurse_records_and_only_pupils_of_the_class(
    world: World, session: AsyncSession
) -> None:
    teacher = world.actor("teacher", Role.HOMEROOM, homeroom_classes=frozenset({world.class_3a.id}))
    with pytest.raises(PermissionError):
        await health.record_checks(
            session, teacher, world.class_3a.id, [row(world.pupils[0], 26.0)], MEASURED, "t"
        )
    with pytest.raises(ValueError, match="not pupils"):
        await health.record_checks(
            session,
            world.nurse,
            world.class_3a.id,
            [row(world.pupils[0], 26.0), row(world.other, 26.0)],
            MEASURED,
            "t",
        )
    assert await stored(session, HealthCheck, HealthCheck.school_id == world.school.id) == 0


async def test_check_for_shows_a_childs_results_to_its_guardians_nurse_and_leaders_only(
    world: World, session: AsyncSession
) -> None:
    pupil = world.pupils[0]
    (check,) = await health.record_checks(
        session, world.nurse, world.class_3a.id, [row(pupil, 26.0)], MEASURED, "t"
    )
    allowed = [
        world.actor("parent", Role.PARENT, children=frozenset({pupil.id})),
        world.nurse,
        world.actor("principal", Role.PRINCIPAL),
        world.actor("principal", Role.VICE_PRINCIPAL),
    ]
    refused = [
        world.actor("other_parent", Role.PARENT, children=frozenset({world.other.id})),
        world.actor("teacher", Role.HOMEROOM, homeroom_classes=frozenset({world.class_3a.id})),
        world.actor("teacher", Role.ADMIN),
    ]
    for actor in allowed:
        assert await health.check_for(session, actor, check.id) == (check, pupil.full_name, "3A")
    for actor in refused:
        assert await health.check_for(session, actor, check.id) is None
    assert await health.check_for(session, world.nurse, check.id + 1000) is None


async def test_notify_reaches_only_the_childs_guardians_without_any_result_in_the_text(
    world: World, session: AsyncSession
) -> None:
    checks = await health.record_checks(
        session,
        world.nurse,
        world.class_3a.id,
        [row(world.pupils[0], 26.4), row(world.pupils[1], 26.0)],
        MEASURED,
        "t",
    )
    outcome = await health.notify(session, world.school.id, checks, world.accounts["nurse"].id, NOW)
    assert outcome.not_linked == [world.pupils[1].id]
    assert list(outcome.notices) == [world.pupils[0].id]
    notice = await session.get(Notice, outcome.notices[world.pupils[0].id])
    assert notice is not None
    assert (notice.kind, notice.ref) == ("health", f"health:{checks[0].id}")
    assert notice.buttons == [
        ["See details", f"v1:hlth:show:{checks[0].id}"],
        ["Respond", "v1:fb:new:{delivery}"],
    ]
    assert "Nguyễn Văn Con0" in notice.text and "3A" in notice.text
    # Who sends it: the school, and the nurse (no staff record here, so no name).
    assert world.school.name in notice.text and "Nhân viên y tế" in notice.text
    assert "From: School nurse" in notice.translations["en"]
    for text in (notice.text, notice.translations["en"]):
        assert "26,4" not in text and "26.4" not in text and "130" not in text
    chats = list(
        await session.scalars(select(Delivery.chat_id).where(Delivery.notice_id == notice.id))
    )
    assert chats == [world.accounts["parent"].chat_id]


async def test_details_read_as_a_screening_result_with_advice(
    world: World, session: AsyncSession
) -> None:
    thin = weight_for_bmi_z(-2.0, Gender.MALE, MONTH, HEIGHT) * 0.99
    (check,) = await health.record_checks(
        session,
        world.nurse,
        world.class_3a.id,
        [
            row(
                world.pupils[0],
                thin,
                vision_left="10/10",
                vision_right="7/10-2",
                vision_right_glasses="ĐNT 3m",
                notes="<b>ho</b> nhẹ",
            )
        ],
        MEASURED,
        "t",
    )
    vi = notices.details(check, "Nguyễn Văn Con0", "3A", translator("vi"))
    en = notices.details(check, "Nguyễn Văn Con0", "3A", translator("en"))
    bmi = f"{check.bmi:.1f}"
    assert bmi.replace(".", ",") in vi and bmi in en
    assert (
        "left eye 10/10, right eye 7/10 (2 letters missed), with glasses counting fingers at 3 m"
        in en
    )
    assert "&lt;b&gt;ho&lt;/b&gt; nhẹ" in en and "<b>ho</b>" not in en
    assert "Wasting (thinness)" in en
    assert notices.NUTRITION_ADVICE in en and notices.EYE_ADVICE in en
    assert en.endswith(f"<i>{notices.NOT_A_DIAGNOSIS}</i>")


async def test_a_school_alert_is_for_the_nurse_or_principal_and_checked(
    world: World, session: AsyncSession
) -> None:
    teacher = world.actor("teacher", Role.HOMEROOM)
    assert await health.school_alert(session, teacher, "Dịch cúm", NOW) is None
    assert await health.school_alert(session, world.nurse, "  ", NOW) is None
    assert await health.school_alert(session, world.nurse, "x" * 3001, NOW) is None
    notice = await health.school_alert(session, world.nurse, "Dịch <cúm> A", NOW)
    assert notice is not None
    assert notice.kind == "health_alert" and notice.audience["kind"] == "school"
    assert "Dịch &lt;cúm&gt; A" in notice.text and notice.text.startswith("<b>")
    assert notice.report_chat_id == world.accounts["nurse"].chat_id
    assert await stored(session, Delivery, Delivery.notice_id == notice.id) == 2
