"""A correction whose teacher leaves the school stays valid: its news and the request to sign
as the class's teacher go to the class's new homeroom teacher; the leaver gets nothing more."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.administration.imports import LEFT_KIND, import_staff
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionState, Delivery, Notice, School
from tests.e2e.conftest import BotClock, forge, linked_person, send_outbox
from tests.e2e.test_corrections import (
    CHILD,
    TOAN_CN,
    ZONE,
    book,  # noqa: F401  (a fixture)
    confirm,
    datas,
    edited,
    reply,
    request_on_the_desk,
    requests,
)
from tests.features.administration.test_imports import SUCCESSOR, staff_list


async def test_a_correction_follows_the_class_when_its_teacher_leaves(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    rid, teacher = desk.request_id, desk.teacher
    # The next morning at 09:00, after the request and outside quiet hours (21:00-06:30)
    # whatever the hour the test runs at.
    tomorrow = datetime.now(ZONE) + timedelta(days=1)
    clock = BotClock(running_bot, tomorrow.replace(hour=9, minute=0, second=0, microsecond=0))
    left_at = clock()
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    school = await session.get(School, desk.school_id)  # `book` expired with a rollback
    assert school is not None
    outcome = await import_staff(session, school, path, actor="test", now=left_at)
    await session.commit()
    assert outcome.leaving == ["Phan Thị Thu"]
    await send_outbox(running_bot)
    assert "danh sách" in (await reply(teacher))["text"]  # told she left
    heard = len(await teacher.messages())
    successor = await linked_person(make_person, "Vũ Thị Lan", "+84912345678")

    clock.advance(minutes=10)
    await confirm(desk.principal, "ok", rid, desk.card["message_id"])
    await edited(desk.principal)
    await send_outbox(running_bot)
    told = await reply(successor)
    assert told["text"].startswith(f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi đã được duyệt"), told
    assert datas(told) == []
    to_admin = await reply(desk.admin)

    clock.advance(minutes=10)
    await desk.admin.press(data=f"v1:corr:sys:{rid}", message_id=to_admin["message_id"])
    await edited(desk.admin)
    await send_outbox(running_bot)
    ask = await reply(successor)
    assert f"v1:corr:sign:{rid}:teacher" in datas(ask), ask
    assert ask["file"]["kind"] == "document", ask

    # Her old right to sign as the teacher is gone; the successor's is there.
    refused = await forge(sandbox, teacher, f"v1:corr:sign:{rid}:teacher")
    assert refused == "Thầy/cô không phải người ký xác nhận này.", refused
    for person, role in ((desk.principal, "principal"), (desk.admin, "admin")):
        await person.press(data=f"v1:corr:sign:{rid}:{role}")
        await reply(person)
    await successor.press(data=f"v1:corr:sign:{rid}:teacher", message_id=ask["message_id"])
    assert (await reply(successor))["text"].startswith("Đã ký xác nhận với vai trò ")
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.SIGNED

    # Nothing was addressed to the leaver after she left but the notice that she left, and she
    # heard nothing more (the pupil's name least of all).
    await send_outbox(running_bot)
    await session.commit()
    addressed = (
        await session.scalars(
            select(Notice.kind)
            .join(Delivery, Delivery.notice_id == Notice.id)
            .where(
                Notice.school_id == desk.school_id,
                Delivery.chat_id == teacher.person_id,
                Delivery.due_at >= left_at,
            )
        )
    ).all()
    assert addressed == [LEFT_KIND], addressed
    late = [m for m in (await teacher.messages())[heard:] if m["from_bot"]]
    assert late == [m for m in late if CHILD not in (m["text"] or m["caption"] or "")] == []
