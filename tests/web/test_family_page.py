"""The family's page: the child's weekly notices as delivered, "Đã xem" recorded as the chat's
button does, feedback through the feedback feature; nobody else's ids reach anything."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment.queries import publish, school_year_of
from bot.features.assessment.rules import Period
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AssessmentKind,
    AssessmentResult,
    Feedback,
    FeedbackTopic,
    Guardian,
    HealthCheck,
    School,
    Student,
    StudentGuardian,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.e2e.test_feedback import send_due
from tests.web.conftest import csrf_of, deliveries_of, sign_in, web_link, weekly_notice

CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A


async def pupil(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def signed_in_mother(
    make_person: PersonFactory, browser: httpx.AsyncClient
) -> httpx.Response:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    assert (await sign_in(browser, secret)).status_code == 303
    return await browser.get("/")


async def test_the_family_reads_the_weeks_and_marks_this_one_seen(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    child = await pupil(session, lists, CHILD)
    mother = await linked_person(make_person, *MOTHER)
    older = await weekly_notice(
        web_bot, session, lists, child, "<b>Tuần 11</b>\nCon ngoan.", date(2026, 11, 16)
    )
    newest = await weekly_notice(
        web_bot,
        session,
        lists,
        child,
        "<b>Tuần 12</b>\nCon đọc tốt &lt;script&gt;alert(1)&lt;/script&gt;",
        date(2026, 11, 23),
    )
    secret, _code = await web_link(mother)
    await sign_in(browser, secret)
    home = await browser.get("/")
    assert "<b>Tuần 12</b><br>" in home.text and "Tuần 11" in home.text
    assert "<script>" not in home.text and "&lt;script&gt;" in home.text
    assert home.text.index("Tuần 12") < home.text.index("Tuần 11")  # this week first
    (delivery,) = await deliveries_of(session, newest)
    # Without the form's token: refused, nothing recorded.
    forged = await browser.post("/seen", data={"delivery": str(delivery.id)})
    assert forged.status_code == 403
    assert (await deliveries_of(session, newest))[0].read_at is None
    seen = await browser.post("/seen", data={"delivery": str(delivery.id), "csrf": csrf_of(home)})
    assert seen.status_code == 303
    (after,) = await deliveries_of(session, newest)
    assert after.read_at is not None
    assert (
        "Đã xem lúc" in (await browser.get("/")).text or "Seen at" in (await browser.get("/")).text
    )
    (untouched,) = await deliveries_of(session, older)
    assert untouched.read_at is None


async def test_another_familys_ids_reach_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    other = (
        await session.execute(
            select(Guardian.full_name, Guardian.phone, StudentGuardian.student_id)
            .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
            .where(
                Guardian.school_id == lists.id,
                StudentGuardian.student_id.not_in(
                    select(StudentGuardian.student_id)
                    .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
                    .where(Guardian.school_id == lists.id, Guardian.phone == MOTHER[1])
                ),
            )
            .limit(1)
        )
    ).one()
    await linked_person(make_person, other[0], other[1])
    stranger_child = other[2]
    notice = await weekly_notice(
        web_bot, session, lists, stranger_child, "Riêng tư", date(2026, 11, 23)
    )
    home = await signed_in_mother(make_person, browser)
    csrf = csrf_of(home)
    peek = await browser.get(f"/?child={stranger_child}")
    assert peek.status_code == 404 and "Riêng tư" not in peek.text
    for value in (str(stranger_child), "0", "-1", "abc", "1 OR 1=1"):
        assert (await browser.get("/", params={"child": value})).status_code == 404
    for delivery in await deliveries_of(session, notice):
        refused = await browser.post("/seen", data={"delivery": str(delivery.id), "csrf": csrf})
        assert refused.status_code == 404
    assert all(d.read_at is None for d in await deliveries_of(session, notice))
    wrong = await browser.post(
        "/feedback",
        data={"csrf": csrf, "child": str(stranger_child), "topic": "study", "text": "Xin chào"},
    )
    assert wrong.status_code == 404
    assert (
        await session.scalar(select(func.count(Feedback.id)).where(Feedback.school_id == lists.id))
        == 0
    )


async def test_several_children_switch_at_the_top(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    home = await signed_in_mother(make_person, browser)
    sibling = await pupil(session, lists, "Hoàng Minh Khôi")  # SIBLING_3B, in 3B
    assert f"?child={sibling}" in home.text
    other = await browser.get(f"/?child={sibling}")
    assert other.status_code == 200 and "<h1>Hoàng Minh Khôi" in other.text


async def test_feedback_from_the_web_is_the_chats_feedback(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    child = await pupil(session, lists, CHILD)
    home = await signed_in_mother(make_person, browser)
    form = await browser.get(f"/feedback?child={child}")
    assert form.status_code == 200
    fields = {"child": str(child), "topic": "boarding", "to": "teacher", "text": "Con bị ho."}
    refused = await browser.post("/feedback", data=fields)
    assert refused.status_code == 403
    empty = await browser.post("/feedback", data={**fields, "text": " ", "csrf": csrf_of(home)})
    assert empty.status_code == 400
    sent = await browser.post("/feedback", data={**fields, "csrf": csrf_of(form)})
    assert sent.status_code == 200
    items = list(await session.scalars(select(Feedback).where(Feedback.school_id == lists.id)))
    assert [(i.student_id, i.topic, i.to_leaders) for i in items] == [
        (child, FeedbackTopic.BOARDING, False)
    ]


async def test_published_results_and_health_behind_a_tap(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    child = await pupil(session, lists, CHILD)
    class_id = await session.scalar(select(Student.class_id).where(Student.id == child))
    assert class_id is not None
    year = school_year_of(datetime.now(UTC).date())
    for period, value in ((Period.GK1, "hoan_thanh_tot"), (Period.CK1, "chua_hoan_thanh")):
        session.add(
            AssessmentResult(
                school_id=lists.id,
                student_id=child,
                class_id=class_id,
                school_year=year,
                period=period.value,
                kind=AssessmentKind.LEVEL,
                item="TV",
                value=value,
            )
        )
    await publish(
        session,
        school_id=lists.id,
        school_year=year,
        period=Period.GK1,
        by=None,
        actor="test",
        now=datetime.now(UTC),
    )
    session.add(
        HealthCheck(
            school_id=lists.id,
            student_id=child,
            measured_on=date(2026, 10, 5),
            height_cm=121.5,
            weight_kg=23.0,
            bmi=15.6,
        )
    )
    await session.commit()
    home = await signed_in_mother(make_person, browser)
    assert "Tiếng Việt" in home.text  # the published mid-term
    assert home.text.count("<summary>") >= 2  # results and the health check, behind a tap
    assert "05/10/2026" in home.text and "121" in home.text
    assert "Hoàn thành tốt" in home.text  # the published mid-term's level
    assert "Chưa hoàn thành" not in home.text  # the end of term is not published


async def test_the_schools_answer_shows_on_the_web_for_a_family_outside_telegram(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    # Telegram may be unreachable for the family: the teacher answers in her chat, and the
    # mother reads the answer on the web's "Phản hồi" page (her own items only).
    child = await pupil(session, lists, CHILD)
    teacher = await linked_person(make_person, *TEACHER_1A)
    await signed_in_mother(make_person, browser)
    form = await browser.get(f"/feedback?child={child}")
    assert "Con bị ho." not in form.text
    fields = {"child": str(child), "topic": "health", "to": "teacher", "text": "Con bị ho."}
    sent = await browser.post("/feedback", data={**fields, "csrf": csrf_of(form)})
    assert sent.status_code == 200 and "Phản hồi" in sent.text
    item = await session.scalar(select(Feedback).where(Feedback.school_id == lists.id))
    assert item is not None
    waiting = await browser.get(f"/feedback?child={child}")
    assert "Con bị ho." in waiting.text and "Đang chờ trả lời" in waiting.text

    await send_due(web_bot)
    await teacher.next_message(timeout=10, new_only=True)  # the item, with "Trả lời"
    await teacher.press(data=f"v1:fb:reply:{item.id}")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Cô đã cho con uống nước ấm <b>và</b> báo y tế.")
    assert "Đã gửi" in (await teacher.next_message(timeout=10, new_only=True))["text"]

    answered = await browser.get(f"/feedback?child={child}")
    assert "Đã trả lời" in answered.text and "Nhà trường trả lời" in answered.text
    assert "Cô đã cho con uống nước ấm &lt;b&gt;và&lt;/b&gt; báo y tế." in answered.text
    assert answered.text.index("Con bị ho.") < answered.text.index("uống nước ấm")
    other_child = await browser.get("/feedback?child=999999")
    assert other_child.status_code == 404 and "uống nước ấm" not in other_child.text
