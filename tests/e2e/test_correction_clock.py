"""Every piece of news a correction sends is stamped by the bot's clock, not the machine's.

The term simulation found the requests to sign ("Ký xác nhận") queued at the machine's time
while every other step used the bot's clock (fixed in 832c514): on a moved clock they were due
hours early or late. Here the bot's clock is held at a moment of the day far from the machine's
and the whole path runs, from the request to the minutes: every delivery it queued is due at
that moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import Delivery, Notice, School
from tests.e2e.conftest import ADMIN, TEACHER_1A, BotClock, linked_person, send_outbox
from tests.e2e.test_corrections import (
    CHILD,
    PRINCIPAL,
    ZONE,
    book,
    confirm,
    datas,
    edited,
    file_request,
    reply,
    requests,
)
from tests.e2e.test_leave import pupil_id

__all__ = ["book"]  # the fixture, used by name


def far_from_now() -> datetime:
    """Today at 10:00 in the school's zone, or 14:00 when the machine is near 10:00."""
    now = datetime.now(ZONE)
    moment = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if abs(now - moment) < timedelta(hours=1):
        moment = moment.replace(hour=14)
    return moment


async def test_every_step_of_a_correction_is_stamped_by_the_bots_clock(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    moment = far_from_now()
    school_id = book.id
    BotClock(running_bot, moment)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    admin = await linked_person(make_person, *ADMIN)
    student_id = await pupil_id(session, book, CHILD)
    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    rid = request.id
    assert await send_outbox(running_bot) == 3  # the card and the two files
    card = await reply(principal)
    await reply(principal)
    await reply(principal)
    await confirm(principal, "ok", rid, card["message_id"])
    await edited(principal)
    await send_outbox(running_bot)
    await reply(teacher)
    to_admin = await reply(admin)
    assert datas(to_admin) == [f"v1:corr:sys:{rid}"]
    await admin.press(data=f"v1:corr:sys:{rid}")  # applied: the three are asked to sign
    await edited(admin)
    assert await send_outbox(running_bot) == 3
    for person, role in ((principal, "principal"), (admin, "admin"), (teacher, "teacher")):
        ask = await reply(person)
        assert f"v1:corr:sign:{rid}:{role}" in datas(ask), ask
        await person.press(data=f"v1:corr:sign:{rid}:{role}")
        await reply(person)
    assert await send_outbox(running_bot) == 3  # the minutes, to each of the three

    await session.commit()
    due = (
        await session.execute(
            select(Notice.kind, Delivery.due_at)
            .join(Notice, Notice.id == Delivery.notice_id)
            .where(Notice.school_id == school_id)
        )
    ).all()
    assert len(due) == 11, due  # card, 2 files, 2 decisions, 3 asks, 3 minutes
    late = [(kind, at) for kind, at in due if at != moment]
    assert not late, f"queued by another clock than the bot's ({moment:%H:%M}): {late}"
