"""Names and texts that look like HTML show exactly as typed, in plain-text messages too."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import School, Student
from tests.e2e.conftest import TEACHER_3B, consent, linked_person, send_outbox
from tests.e2e.test_health import NURSE
from tests.e2e.test_notifications import class_id
from tests.e2e.test_weekly import class_pupils

HOSTILE = "<b>Lan</b> & Co"


async def test_a_link_request_shows_a_hostile_name_and_text_exactly(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    teacher = await linked_person(make_person, *TEACHER_3B)
    stranger = await make_person(HOSTILE, "+84909555667")
    await consent(stranger)
    await stranger.share_contact()
    await stranger.next_message(timeout=10)
    description = "<i>cháu</i> Trần Minh Trí &amp; em lớp 3b"
    await stranger.send(description)
    sent = await stranger.next_message(timeout=10)
    assert "đã được gửi" in sent["text"], sent["text"]
    assert await send_outbox(running_bot) == 1  # the request goes through the outbox
    request = (await teacher.next_message(timeout=10))["text"]
    assert HOSTILE in request and description in request, request
    assert "&lt;" not in request and "&amp;amp;" not in request


async def test_the_nurses_prompts_show_a_hostile_pupil_name_exactly(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    (student_id, _name), *_others = await class_pupils(session, lists, "1A")
    klass = await class_id(session, lists, "1A")
    await session.execute(update(Student).where(Student.id == student_id).values(full_name=HOSTILE))
    await session.commit()
    nurse = await linked_person(make_person, *NURSE)
    for action, step in (("note", "pn"), ("one", "pe")):
        await nurse.command("suckhoe")
        await nurse.next_message(timeout=10)
        await nurse.press("1A")
        await nurse.next_message(timeout=10)
        await nurse.press(data=f"v1:hlth:{action}:{klass}")
        await nurse.next_message(timeout=10)
        await nurse.press(data=f"v1:hlth:{step}:{student_id}")
        prompt = (await nurse.next_message(timeout=10))["text"]
        assert HOSTILE in prompt and "&lt;" not in prompt, prompt
