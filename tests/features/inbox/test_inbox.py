"""The staff inbox: who has one, what is in each person's, and its pages."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.inbox import queries, rules
from bot.features.leave import queries as leave
from storage.models import LeavePart, LinkRequest, RequestState, School
from tests.features.feedback.test_feedback import (  # noqa: F401  (lists is a fixture)
    FRIDAY,
    ZONE,
    actor_for,
    lists,
)
from tests.features.feedback.test_waiting_for_staff import write


def test_pages_stay_within_the_items() -> None:
    assert rules.page(3, 0) == (0, 3)
    assert rules.page(20, 0) == (0, rules.PAGE)
    assert rules.page(20, rules.PAGE) == (rules.PAGE, 2 * rules.PAGE)
    assert rules.page(5, 99) == (5, 5)
    assert rules.page(5, -3) == (0, 5)


async def test_each_person_sees_what_they_answer(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    mother = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    other = await actor_for(session, lists, "3B")
    principal = await actor_for(session, lists, "principal")
    admin = await actor_for(session, lists, "admin")
    to_teacher, _messages = await write(session, lists)
    to_leaders, _messages = await write(session, lists, to_leaders=True)
    child = min(mother.children)
    asked = await leave.submit(
        session,
        mother,
        child,
        FRIDAY.date(),
        FRIDAY.date(),
        LeavePart.MORNING,
        "Con bị sốt.",
        now=FRIDAY,
        today=FRIDAY.date(),
    )
    assert not isinstance(asked, str) and hasattr(asked, "id")
    link = LinkRequest(
        school_id=lists.id,
        account_id=mother.account.id,
        phone="+84900000001",
        name="Người lạ",
        description="Mai Hà Linh lớp 1A",
        class_id=to_teacher.class_id,
        state=RequestState.PENDING,
    )
    session.add(link)
    await session.flush()

    def kinds(found: list[queries.Entry]) -> list[tuple[str, int]]:
        return [
            ("feedback", entry.feedback.item.id)
            if entry.feedback
            else ("leave", entry.leave.id)
            if entry.leave
            else ("link", entry.link.id if entry.link else 0)
            for entry in found
        ]

    assert kinds(await queries.entries(session, teacher)) == [
        ("feedback", to_teacher.id),
        ("leave", asked.id),
        ("link", link.id),
    ]
    assert kinds(await queries.entries(session, principal)) == [("feedback", to_leaders.id)]
    assert kinds(await queries.entries(session, admin)) == [("link", link.id)]
    assert await queries.entries(session, other) == []
    assert rules.may_open(teacher) and rules.may_open(admin) and not rules.may_open(mother)
