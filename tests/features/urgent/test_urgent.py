"""Urgent messages: who may send to whom, what a send stores, and whom "Nhắc lại" reaches."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import pending
from bot.core.access import Actor
from bot.delivery.outbox import Audience
from bot.features.urgent import queries as urgent
from bot.features.urgent import rules
from bot.features.urgent.rules import Draft, Remind
from storage.models import (
    AccountState,
    AuditEvent,
    Delivery,
    DeliveryState,
    Guardian,
    Notice,
    Relation,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    TelegramAccount,
)

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 22:00 in Hà Nội
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class World:
    """Classes 1A, 1B (grade 1) and 3A, a pupil with a linked parent in each, and staff."""

    def __init__(self, session: AsyncSession, school: School) -> None:
        self.session, self.school = session, school
        self.classes: dict[str, SchoolClass] = {}
        self.accounts: dict[str, TelegramAccount] = {}

    async def build(self) -> World:
        for name in ("1A", "1B", "3A"):
            self.classes[name] = SchoolClass(
                school_id=self.school.id, name=name, grade=int(name[0])
            )
        self.session.add_all(self.classes.values())
        await self.session.flush()
        people = ("teacher", "teacher_1b", "subject", "principal", "vice", "p1", "p2", "p3", "p4")
        for n, name in enumerate(people):
            self.accounts[name] = TelegramAccount(
                school_id=self.school.id,
                telegram_user_id=7000 + n,
                chat_id=7000 + n,
                state=AccountState.LINKED,
            )
        self.session.add_all(self.accounts.values())
        await self.session.flush()
        for n, (parent, klass) in enumerate(
            (("p1", "1A"), ("p2", "1A"), ("p3", "1A"), ("p4", "3A"))
        ):
            await self._family(n, parent, self.classes[klass])
        await self.session.flush()
        return self

    async def _family(self, n: int, parent: str, klass: SchoolClass) -> None:
        pupil = Student(
            school_id=self.school.id,
            student_code=f"U{n:05d}",
            full_name=f"Trần Văn Bé{n}",
            family_name="Trần",
            middle_name="Văn",
            given_name=f"Bé{n}",
            search_key=f"tran van be{n}",
            class_id=klass.id,
        )
        guardian = Guardian(school_id=self.school.id, full_name=f"Mẹ {n}", phone=None)
        self.session.add_all([pupil, guardian])
        await self.session.flush()
        self.session.add(
            StudentGuardian(student_id=pupil.id, guardian_id=guardian.id, relation=Relation.MOTHER)
        )
        self.accounts[parent].guardian_id = guardian.id

    def actor(self, name: str, *roles: Role, homerooms: tuple[str, ...] = ()) -> Actor:
        rooms = frozenset(self.classes[c].id for c in homerooms)
        return Actor(self.accounts[name], frozenset(roles), homeroom_classes=rooms)

    @property
    def teacher(self) -> Actor:
        return self.actor("teacher", Role.HOMEROOM, homerooms=("1A",))

    def of(self, *names: str) -> Audience:
        return Audience.classes(*(self.classes[name].id for name in names))


@pytest.fixture
async def world(session: AsyncSession, school: School) -> World:
    return await World(session, school).build()


async def count(session: AsyncSession, model: type[object], *where: object) -> int:
    query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
    return int(await session.scalar(query) or 0)


async def test_homeroom_teachers_send_to_their_class_and_leaders_to_anyone(world: World) -> None:
    parent = Actor(world.accounts["p1"], frozenset({Role.PARENT}))
    subject = Actor(
        world.accounts["subject"],
        frozenset({Role.SUBJECT_TEACHER}),
        teaching=frozenset({(world.classes["1A"].id, "english")}),
    )
    other = world.actor("teacher_1b", Role.HOMEROOM, homerooms=("1B",))
    principal = world.actor("principal", Role.PRINCIPAL)
    vice = world.actor("vice", Role.VICE_PRINCIPAL)
    class_1a = world.of("1A")
    assert rules.may_send(world.teacher, class_1a)
    assert not rules.may_send(world.teacher, world.of("1A", "1B"))
    assert not rules.may_send(world.teacher, Audience.grade(1))
    assert not rules.may_send(world.teacher, Audience.school())
    assert not rules.may_send(world.teacher, Audience.accounts(world.accounts["p1"].id))
    for refused in (parent, subject, other):
        assert not rules.may_send(refused, class_1a)
    for leader in (principal, vice):
        assert rules.may_send(leader, Audience.school())
        assert rules.may_send(leader, Audience.grade(1))
        assert rules.may_send(leader, world.of("1B", "3A"))
        assert not rules.may_send(leader, Audience.classes())
    world.accounts["teacher"].state = AccountState.REVOKED
    assert not rules.may_send(world.teacher, class_1a)  # a revoked account, stale roles
    assert rules.own_audience(other) == world.of("1B")
    assert rules.own_audience(parent) is None


async def test_a_send_stores_one_urgent_delivery_per_family_and_an_audit_event(
    world: World, session: AsyncSession
) -> None:
    assert await urgent.reach(session, world.school.id, world.of("1A")) == (3, 0)
    assert await urgent.reach(session, world.school.id, Audience.grade(1)) == (3, 0)
    draft = Draft(world.of("1A"), "Nghỉ học chiều nay <vì mưa bão> & ngập", ("photo", "F1"))
    sent = await urgent.send(session, world.teacher, draft, NOW)
    assert sent is not None and sent.count == 3
    notice = sent.notice
    assert notice.urgent and notice.kind == "urgent"
    assert notice.text == (
        "<b>THÔNG BÁO KHẨN</b>\nTrường Tiểu học Thử\n<i>Người gửi: Giáo viên chủ nhiệm lớp 1A</i>"
        "\n\nNghỉ học chiều nay &lt;vì mưa bão&gt; &amp; ngập"
    )
    assert (notice.media_kind, notice.media_file) == ("photo", "F1")
    assert notice.report_chat_id == world.accounts["teacher"].chat_id
    assert notice.created_by == world.accounts["teacher"].id
    rows = list(await session.scalars(select(Delivery).where(Delivery.notice_id == notice.id)))
    assert {r.account_id for r in rows} == {world.accounts[p].id for p in ("p1", "p2", "p3")}
    assert all(r.urgent and r.state == DeliveryState.QUEUED for r in rows)
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.school_id == world.school.id,
            AuditEvent.entity == "notice",
            AuditEvent.entity_id == str(notice.id),
        )
    )
    assert event is not None and event.action == "urgent.sent"
    assert event.after is not None and event.after["count"] == 3
    assert event.after["audience"]["ids"] == [world.classes["1A"].id]


async def test_refused_sends_store_nothing(world: World, session: AsyncSession) -> None:
    before = await count(session, Notice, Notice.school_id == world.school.id)
    other = world.actor("teacher_1b", Role.HOMEROOM, homerooms=("1B",))
    cases = [
        (other, Draft(world.of("1A"), "Khẩn")),
        (world.teacher, Draft(world.of("1A"), "x" * 10_000)),
        (world.teacher, Draft(world.of("1A"), "   ")),
        (world.teacher, Draft(world.of("1A"), "x" * 1025, ("photo", "F"))),
    ]
    for actor, draft in cases:
        assert await urgent.send(session, actor, draft, NOW) is None
    late = await urgent.send(
        session, world.teacher, Draft(world.of("1A"), "Họp"), NOW, not_before=NOW
    )
    assert late is None
    assert await count(session, Notice, Notice.school_id == world.school.id) == before
    assert await count(session, AuditEvent, AuditEvent.school_id == world.school.id) == 0


async def test_a_scheduled_notice_is_routine_and_waits(world: World, session: AsyncSession) -> None:
    (first, *_rest) = rules.slot_choices(NOW, ZONE)
    sent = await urgent.send(
        session, world.teacher, Draft(world.of("1A"), "Họp"), NOW, not_before=first[1]
    )
    assert sent is not None and not sent.notice.urgent and sent.notice.kind == "notice"
    assert sent.notice.text.startswith("<b>THÔNG BÁO</b>")
    due = set(
        await session.scalars(select(Delivery.due_at).where(Delivery.notice_id == sent.notice.id))
    )
    assert due == {first[1]}


def test_schedule_choices_are_ahead_in_the_schools_time_zone() -> None:
    def local(hour: int, minute: int) -> datetime:
        return datetime(2026, 11, 20, hour, minute, tzinfo=ZONE)

    morning = rules.slot_choices(local(9, 0), ZONE)
    assert [i for i, _ in morning] == [0, 1, 2]
    assert morning[0][1] == local(16, 30).astimezone(UTC)
    assert morning[1][1] == datetime(2026, 11, 21, 7, 0, tzinfo=ZONE).astimezone(UTC)
    assert [i for i, _ in rules.slot_choices(local(16, 28), ZONE)] == [1, 2]
    assert [i for i, _ in rules.slot_choices(local(22, 0), ZONE)] == [1, 2]


async def read(session: AsyncSession, notice_id: int, *accounts: int, state: DeliveryState) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.notice_id == notice_id, Delivery.account_id.in_(accounts))
        .values(state=state, read_at=NOW if state == DeliveryState.SENT else None)
    )


async def test_remind_again_reaches_only_those_who_have_not_read(
    world: World, session: AsyncSession
) -> None:
    p1, p2, p3 = (world.accounts[p].id for p in ("p1", "p2", "p3"))
    sent = await urgent.send(session, world.teacher, Draft(world.of("1A"), "Khẩn"), NOW)
    assert sent is not None
    notice_id = sent.notice.id
    outcome, _none = await urgent.remind_unread(session, world.teacher, notice_id, NOW)
    assert outcome is Remind.STILL_SENDING  # nobody has got it yet
    await read(session, notice_id, p1, state=DeliveryState.SENT)  # sent and read
    await session.execute(
        update(Delivery)
        .where(Delivery.notice_id == notice_id, Delivery.account_id == p2)
        .values(state=DeliveryState.SENT)  # sent, not read
    )
    await read(session, notice_id, p3, state=DeliveryState.UNREACHABLE)  # blocked the bot
    assert await urgent.unread_accounts(session, notice_id) == [p2]

    other = world.actor("teacher_1b", Role.HOMEROOM, homerooms=("1B",))
    principal = world.actor("principal", Role.PRINCIPAL)
    for stranger in (other, principal):
        assert (await urgent.remind_unread(session, stranger, notice_id, NOW))[
            0
        ] is Remind.NOT_YOURS

    outcome, again = await urgent.remind_unread(session, world.teacher, notice_id, NOW)
    assert outcome is Remind.SENT and again is not None and again.count == 1
    assert again.notice.urgent and again.notice.text == sent.notice.text
    assert again.notice.report_chat_id == sent.notice.report_chat_id
    rows = list(
        await session.scalars(select(Delivery).where(Delivery.notice_id == again.notice.id))
    )
    assert [r.account_id for r in rows] == [p2]
    # A reminder is not reminded itself; the original waits while the reminder is on its way.
    assert (await urgent.remind_unread(session, world.teacher, again.notice.id, NOW))[0] is (
        Remind.NOT_YOURS
    )
    assert (await urgent.remind_unread(session, world.teacher, notice_id, NOW))[0] is (
        Remind.STILL_SENDING
    )
    await read(session, again.notice.id, p2, state=DeliveryState.SENT)  # read the reminder
    assert await urgent.unread_accounts(session, notice_id) == []
    assert (await urgent.remind_unread(session, world.teacher, notice_id, NOW))[0] is (
        Remind.ALL_READ
    )
    audits = await count(
        session,
        AuditEvent,
        AuditEvent.action == "urgent.sent",
        AuditEvent.school_id == world.school.id,
    )
    assert audits == 2


async def test_a_draft_is_taken_once(world: World, session: AsyncSession) -> None:
    account = world.accounts["teacher"]
    draft = Draft(world.of("1A"), "Khẩn", ("document", "D1"))
    await pending.expect(session, account.id, world.school.id, urgent.CONFIRM, draft.data(), NOW)
    assert await urgent.take_draft(session, account.id, NOW) == draft
    assert await urgent.take_draft(session, account.id, NOW) is None
    await pending.expect(session, account.id, world.school.id, urgent.TEXT, {}, NOW)
    assert await urgent.take_draft(session, account.id, NOW) is None
    assert Draft.from_data({"audience": {"kind": "accounts", "ids": [1]}, "text": "x"}) is None
