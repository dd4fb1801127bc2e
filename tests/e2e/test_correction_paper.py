"""Before a school's first minutes, the administrator is asked in chat for what Nghị định 30/2020
needs on them and the school has not given: the governing body above the school's name, the
place in the date line, the abbreviation in the number. Bad answers change nothing; the change
is applied once everything is given."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionState, School
from tests.e2e.conftest import send_outbox
from tests.e2e.test_corrections import (
    book,  # noqa: F401  (a fixture)
    confirm,
    datas,
    edited,
    reply,
    request_on_the_desk,
    requests,
)


async def test_the_administrator_gives_the_schools_details_before_the_first_minutes(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    book.settings = {}  # a school that has not said its governing body, place or abbreviation
    session.add(book)
    await session.commit()
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    school_id, rid = desk.school_id, desk.request_id
    await confirm(desk.principal, "ok", rid, desk.card["message_id"])
    await edited(desk.principal)
    await send_outbox(running_bot)
    to_admin = await reply(desk.admin)
    admin = desk.admin

    await admin.press(data=datas(to_admin)[0], message_id=to_admin["message_id"])
    asked = await reply(admin)
    assert "UBND PHƯỜNG XUÂN HÒA" in asked["text"], asked["text"]
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED  # nothing applied yet

    await admin.send("  ubnd   phường Xuân Hòa ")
    assert "Xuân Hòa" in (await reply(admin))["text"]  # the place is asked next
    await admin.send("Xuân Hòa")
    abbreviation = await reply(admin)
    assert "THNK" in abbreviation["text"], abbreviation["text"]
    await admin.send("TH Nguyễn Khuyến")  # not an abbreviation: asked again
    again = await reply(admin)
    assert "THNK" in again["text"], again["text"]
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED
    await admin.send("thnk")
    await edited(admin)  # the card shows the change made

    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPLIED
    await session.refresh(book)
    assert book.settings == {
        "governing_body": "UBND PHƯỜNG XUÂN HÒA",
        "place": "Xuân Hòa",
        "abbreviation": "THNK",
    }
    assert await send_outbox(running_bot) == 3  # the three are asked to sign
