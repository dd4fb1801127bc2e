"""Accounts through the sandbox: forged presses, menus by role, slips, data rights, account life."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.accounts import invitations
from bot.features.accounts.chat.requests import REJECTED
from bot.features.accounts.documents import _qr_png
from bot.features.administration.chat.files import IMPORTED
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import (
    AccountState,
    AuditEvent,
    DataRequest,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    InvitationCode,
    LeavePart,
    LeaveRequest,
    LinkRequest,
    RequestState,
    School,
    SchoolClass,
    StagedImport,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import (
    ADMIN,
    MOTHER,
    TEACHER_1A,
    TEACHER_3B,
    BotClock,
    consent,
    forge,
    linked_person,
    send_outbox,
    vn,
)
from tests.factories import pupil, write_table


async def fresh_account(session: AsyncSession, school: School, person: PersonClient) -> Any:
    """The person's account as stored now (a new transaction, identity map refreshed)."""
    await session.commit()
    return await session.scalar(
        select(TelegramAccount)
        .where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == person.person_id,
        )
        .execution_options(populate_existing=True)
    )


async def class_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == name)
    )
    assert found is not None
    return found


async def student_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.commit()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def keyboard_labels(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_keyboard") or {}).get("keyboard") or []
    return [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]


async def no_more_messages(person: PersonClient) -> None:
    with pytest.raises(TimeoutError):
        await person.next_message(timeout=1, new_only=True)


# Forged presses: for every prefix the bot uses, out-of-scope data is refused and changes nothing.


async def test_forged_consent_press_changes_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    person = await make_person("Lan", "+84909000010")
    await person.command("start")
    await person.next_message(timeout=10)
    assert await forge(sandbox, person, "v1:consent:maybe") is None
    for data in ("v1:consent", "consent:yes", "v2:consent:yes", "v1:nothing:yes"):
        assert await forge(sandbox, person, data) == "Nút này không còn hiệu lực."
    account = await fresh_account(session, lists, person)
    assert account.consent_at is None and account.state == AccountState.NEW


async def test_forged_link_decisions_are_refused(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    other_teacher = await linked_person(make_person, *TEACHER_1A)
    mother = await linked_person(make_person, *MOTHER)
    grandmother = await make_person("Bà Năm", "+84909555666")
    await consent(grandmother)
    await grandmother.share_contact()
    await grandmother.next_message(timeout=10)
    await grandmother.send("Trần Minh Trí 3B")
    await grandmother.next_message(timeout=10)
    await session.commit()
    request_id = await session.scalar(
        select(LinkRequest.id).where(LinkRequest.school_id == lists.id)
    )
    pupil_id = await student_id(session, lists, "Trần Minh Trí")
    for person in (other_teacher, mother):
        alert = await forge(sandbox, person, f"v1:lnk:ok:{request_id}:{pupil_id}")
        assert alert is not None and "không có quyền" in alert
    assert await forge(sandbox, mother, "v1:lnk:ok:notanumber:1") is None
    request = await session.get(LinkRequest, request_id, populate_existing=True)
    assert request is not None and request.state == RequestState.PENDING
    account = await fresh_account(session, lists, grandmother)
    assert account.guardian_id is None


async def test_the_right_teacher_decides_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_3B)
    grandmother = await make_person("Bà Năm", "+84909555666")
    await consent(grandmother)
    await grandmother.share_contact()
    await grandmother.next_message(timeout=10)
    await grandmother.send("Trần Minh Trí 3B")
    await grandmother.next_message(timeout=10)
    assert await send_outbox(running_bot) == 1  # the request reaches the teacher
    request = await teacher.next_message(timeout=10)
    refuse = [b["callback_data"] for row in request["buttons"] for b in row][-1]
    await teacher.press("Từ chối")
    assert "từ chối" in (await teacher.next_message(timeout=10))["text"].lower()
    assert await send_outbox(running_bot) == 1  # the refusal reaches the parent, not linked
    assert "chưa thể xác nhận" in (await grandmother.next_message(timeout=10))["text"]
    # A second press of the same button (a stale message) does nothing more.
    assert await forge(sandbox, teacher, refuse) is None
    refused = translator("vi")(REJECTED).split("{date}")[0]  # the msgid until the catalog
    assert refused in (await teacher.next_message(timeout=10))["text"]
    assert await send_outbox(running_bot) == 0
    await no_more_messages(grandmother)
    actions = [
        a
        for a in await session.scalars(
            select(AuditEvent.action).where(AuditEvent.school_id == lists.id)
        )
        if a.startswith("link_request.")
    ]
    assert actions == ["link_request.reject"]


async def test_forged_language_and_child_presses_are_refused(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    assert await forge(sandbox, mother, "v1:lang:set:fr") is None
    stranger_child = await student_id(session, lists, "Trần Minh Trí")
    alert = await forge(sandbox, mother, f"v1:child:set:{stranger_child}")
    assert alert is not None and "không liên kết" in alert
    assert await forge(sandbox, mother, "v1:child:set:x") is None
    account = await fresh_account(session, lists, mother)
    assert account.language is None and account.current_student_id is None


async def test_forged_unlink_of_another_account_is_refused(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    mother = await linked_person(make_person, *MOTHER)
    teacher_account = await fresh_account(session, lists, teacher)
    alert = await forge(sandbox, mother, f"v1:acct:unlink:{teacher_account.id}")
    assert alert is not None and "không dành cho" in alert
    assert (await fresh_account(session, lists, teacher)).state == AccountState.LINKED
    assert (await fresh_account(session, lists, mother)).state == AccountState.LINKED


async def test_forged_data_presses_before_consent_change_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    person = await make_person("Lan", "+84909000011")
    await person.command("start")
    await person.next_message(timeout=10)
    for data in ("v1:data:deleteok", "v1:data:withdrawok", "v1:data:export"):
        await forge(sandbox, person, data)
    assert await count(session, DataRequest, DataRequest.school_id == lists.id) == 0
    account = await fresh_account(session, lists, person)
    assert account.consent_at is None


async def test_forged_admin_presses_are_refused(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    mother = await linked_person(make_person, *MOTHER)
    class_3b = await class_id(session, lists, "3B")
    alert = await forge(sandbox, teacher, f"v1:adm:inv:{class_3b}")
    assert alert is not None and "không có quyền xem lớp" in alert
    alert = await forge(sandbox, mother, f"v1:adm:unl:{class_3b}")
    assert alert is not None and "không có quyền xem lớp" in alert
    assert await count(session, InvitationCode, InvitationCode.school_id == lists.id) == 0
    teacher_account = await fresh_account(session, lists, teacher)
    alert = await forge(sandbox, mother, f"v1:adm:revoke:{teacher_account.id}")
    assert alert is not None and "không dành cho" in alert
    staged = StagedImport(
        school_id=lists.id,
        account_id=teacher_account.id,
        kind="roster",
        file_id="nothing",
        file_name="x.csv",
        state=RequestState.PENDING,
    )
    session.add(staged)
    await session.commit()
    for person in (mother, teacher):  # the teacher staged it but is not the administrator
        alert = await forge(sandbox, person, f"v1:adm:impok:{staged.id}")
        assert alert is not None and "không dành cho" in alert
    assert await forge(sandbox, mother, "v1:adm:unl:abc") is None
    await session.refresh(staged)
    assert staged.state == RequestState.PENDING
    assert (await fresh_account(session, lists, teacher)).state == AccountState.LINKED
    await no_more_messages(mother)


# Menus and roles.


async def test_menus_follow_roles(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("menu")
    labels = keyboard_labels(await mother.next_message(timeout=10))
    assert "Con của tôi" in labels and "Dữ liệu của tôi" in labels
    assert "Phiếu mời" not in labels and "Nhập danh sách" not in labels
    admin = await linked_person(make_person, *ADMIN)
    await admin.command("menu")
    labels = keyboard_labels(await admin.next_message(timeout=10))
    assert {"Nhập danh sách", "Yêu cầu về dữ liệu", "Phiếu mời"} <= set(labels)
    await admin.command("help")
    help_text = (await admin.next_message(timeout=10))["text"]
    assert "/thuhoi" in help_text and "/con " not in help_text


async def test_a_parent_switches_between_children(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.choose("Con của tôi")
    offer = await mother.next_message(timeout=10)
    labels = [b["text"] for row in offer["buttons"] for b in row]
    assert labels == ["» Hoàng Anh Đăng (1A)", "Hoàng Hà Thuý (1A)", "Hoàng Minh Khôi (3B)"]
    await mother.press("Hoàng Minh Khôi (3B)")
    assert "Hoàng Minh Khôi" in (await mother.next_message(timeout=10))["text"]
    account = await fresh_account(session, lists, mother)
    assert account.current_student_id == await student_id(session, lists, "Hoàng Minh Khôi")


async def test_language_choice_is_kept(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("ngonngu")
    await mother.next_message(timeout=10)
    await mother.press("English")
    assert (await mother.next_message(timeout=10))["text"] == "Language: English"
    assert (await mother.next_message(timeout=10))["text"] == "Menu:"
    await mother.command("help")
    assert (await mother.next_message(timeout=10, new_only=True))["text"].startswith(
        "What you can do:"
    )
    assert (await fresh_account(session, lists, mother)).language == "en"


# Invitation slips.


async def test_the_homeroom_teacher_gets_one_slip_per_child_each_with_its_own_link(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("moi")
    reply = await teacher.next_message(timeout=30)
    assert reply["file"]["file_name"].endswith(".docx")
    async with httpx.AsyncClient() as http:
        data = (await http.get(sandbox.url + reply["file"]["url"])).content
    document = Document(io.BytesIO(data))
    rows = [row for table in document.tables for row in table.rows]
    pupils_1a = await count(
        session, Student, Student.class_id == await class_id(session, lists, "1A")
    )
    assert len(rows) == pupils_1a
    assert f"{pupils_1a} phiếu mời" in reply["caption"]
    codes = []
    for row in rows:
        texts = ["".join(p.xpath("./w:r/w:t/text()")) for p in row._tr.xpath(".//w:p")]
        (code,) = [t.replace(" ", "") for t in texts if re.fullmatch(r"[A-Z0-9]{4} [A-Z0-9]{4}", t)]
        (blip,) = row._tr.xpath(".//a:blip/@r:embed")
        link = f"https://t.me/{sandbox_bot.username}?start={code}"
        assert document.part.related_parts[blip].blob == _qr_png(link)
        codes.append(code)
    assert len(set(codes)) == len(codes)
    issued = AuditEvent.action == "invitation.issued"
    assert await count(session, AuditEvent, issued, AuditEvent.school_id == lists.id) == 1
    # A code from the printed slip links a parent's phone on the first try.
    newcomer = await make_person("Phụ huynh mới", "+84909000012")
    welcome = await consent(newcomer, codes[0])
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"]
    assert invitations.normalize_code(codes[0]) == codes[0]


async def test_a_parent_cannot_print_slips(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("moi")
    assert "giáo viên chủ nhiệm" in (await mother.next_message(timeout=10))["text"]


async def test_the_teacher_sees_which_families_are_not_linked(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("chualienket")
    text = (await teacher.next_message(timeout=10))["text"]
    first, *families = text.splitlines()
    assert first == "Lớp 1A: 10/12 gia đình chưa liên kết"
    assert len(families) == 10
    assert "Hoàng Anh Đăng" not in text and "Hoàng Hà Thuý" not in text  # their mother linked
    assert all(line.startswith("• ") and ": bố " in line for line in families)
    assert "+84" not in text and "0968\u00a0084\u00a0148" in text  # as people write phones


# The administrator in chat.


async def test_the_administrator_imports_a_roster_in_chat_after_a_dry_run(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    admin = await linked_person(make_person, *ADMIN)
    newcomer = pupil(500, code="7900000500", name="Đỗ Gia Bảo", klass="2A")
    path = write_table(tmp_path / "bosung.csv", [newcomer])
    await admin.send_document(path.read_bytes(), "bosung.csv", mime_type="text/csv")
    summary = await admin.next_message(timeout=20)
    assert "Nhập tệp này?" in summary["text"]
    assert await count(session, Student, Student.full_name == "Đỗ Gia Bảo") == 0
    await admin.press("Xác nhận")
    done = await admin.next_message(timeout=20)
    assert done["text"].startswith("Đã nhập xong.")
    assert await count(session, Student, Student.full_name == "Đỗ Gia Bảo") == 1
    await admin.press(data=f"v1:adm:impok:{await last_staged(session, lists)}", forged=True)
    imported = translator("vi")(IMPORTED).split("{time}")[0]  # the msgid until the catalog
    assert imported in (await admin.next_message(timeout=10))["text"]
    assert await count(session, Student, Student.full_name == "Đỗ Gia Bảo") == 1


async def last_staged(session: AsyncSession, school: School) -> int:
    await session.commit()
    found = await session.scalar(
        select(func.max(StagedImport.id)).where(StagedImport.school_id == school.id)
    )
    assert found is not None
    return found


async def test_wrong_files_are_explained_and_change_nothing(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.send_document(b"STT,Ho ten\n", "ds.csv", mime_type="text/csv")
    assert "Chỉ quản trị hệ thống" in (await mother.next_message(timeout=10))["text"]
    admin = await linked_person(make_person, *ADMIN)
    await admin.send_document(b"%PDF-1.4", "ds.pdf", mime_type="application/pdf")
    assert ".xlsx" in (await admin.next_message(timeout=10))["text"]
    await admin.send_document("Tên món,Giá\nPhở,30000\n".encode(), "menu.csv")
    assert "không phải danh sách" in (await admin.next_message(timeout=20))["text"]
    broken = pupil(501, name="Lý Thị Mai", klass="2A", born="31/02/2019")
    path = write_table(tmp_path / "loi.csv", [broken])
    await admin.send_document(path.read_bytes(), "loi.csv")
    answer = (await admin.next_message(timeout=20))["text"]
    assert answer.startswith("Chưa thể nhập") and "Dòng" in answer
    assert await count(session, StagedImport, StagedImport.school_id == lists.id) == 0
    assert await count(session, Student, Student.full_name == "Lý Thị Mai") == 0


# Account life and data rights.


async def test_a_parent_unlinks_after_confirming(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("huylienket")
    await mother.next_message(timeout=10)
    await mother.press("Không, giữ lại")
    assert (await mother.next_message(timeout=10))["text"] == "Không có gì thay đổi."
    assert (await fresh_account(session, lists, mother)).state == AccountState.LINKED
    await mother.command("huylienket")
    await mother.next_message(timeout=10)
    await mother.press("Có, hủy liên kết")
    assert "đã được hủy liên kết" in (await mother.next_message(timeout=10))["text"]
    account = await fresh_account(session, lists, mother)
    assert account.guardian_id is None and account.state != AccountState.LINKED
    await session.commit()
    actions = set(
        await session.scalars(select(AuditEvent.action).where(AuditEvent.school_id == lists.id))
    )
    assert "account.unlink" in actions


async def test_the_administrator_revokes_a_lost_phone(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    admin = await linked_person(make_person, *ADMIN)
    for wrong in ("", "12ab"):
        await admin.send(f"/thuhoi {wrong}".strip())
        assert "/thuhoi 0912345678" in (await admin.next_message(timeout=10))["text"]
    await admin.send("/thuhoi 0909 999 999")
    assert "Không có tài khoản" in (await admin.next_message(timeout=10))["text"]
    await admin.send("/thuhoi 0841 860 913")
    card = (await admin.next_message(timeout=10))["text"]
    # The person's name and the phone as people write it, no internal account number.
    assert "Ngô Kim Hạnh" in card and "0841 860 913" in card and "+84" not in card
    mother_account = await fresh_account(session, lists, mother)
    assert str(mother_account.id) not in card.replace("0841 860 913", "")
    await admin.press("Thu hồi")
    assert "thu hồi" in (await admin.next_message(timeout=10))["text"]
    account = await fresh_account(session, lists, mother)
    assert account.state == AccountState.REVOKED and account.guardian_id is None
    await mother.command("dulieu")
    assert "Hoàng" not in (await mother.next_message(timeout=10))["text"]


async def test_blocking_the_bot_marks_the_account_and_unblocking_restores_it(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.block()
    for _ in range(100):
        if (await fresh_account(session, lists, mother)).state == AccountState.BLOCKED:
            break
        await asyncio.sleep(0.05)
    assert (await fresh_account(session, lists, mother)).state == AccountState.BLOCKED
    await mother.unblock()
    for _ in range(100):
        if (await fresh_account(session, lists, mother)).state != AccountState.BLOCKED:
            break
        await asyncio.sleep(0.05)
    account = await fresh_account(session, lists, mother)
    assert account.state == AccountState.LINKED


async def test_a_parent_sees_and_exports_only_their_own_data(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("dulieu")
    shown = (await mother.next_message(timeout=10))["text"]
    assert "Hoàng Minh Khôi, lớp 3B" in shown and "phiên bản 2026.1" in shown
    await mother.press("Tải dữ liệu của tôi")
    export = await mother.next_message(timeout=10)
    async with httpx.AsyncClient() as http:
        data = json.loads((await http.get(sandbox.url + export["file"]["url"])).content)
    names = {child["name"] for child in data["children"]}
    assert names == {"Hoàng Anh Đăng", "Hoàng Hà Thuý", "Hoàng Minh Khôi"}
    assert data["guardian"]["phone"] == MOTHER[1]


async def test_a_deletion_request_is_acknowledged_and_listed_for_the_administrator(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("dulieu")
    await mother.next_message(timeout=10)
    await mother.press("Đề nghị xóa dữ liệu")
    await mother.next_message(timeout=10)
    await mother.press("Xác nhận")
    answer = (await mother.next_message(timeout=10))["text"]
    assert "đã nhận yêu cầu" in answer
    await session.commit()
    request = await session.scalar(select(DataRequest).where(DataRequest.school_id == lists.id))
    assert request is not None and request.state == RequestState.PENDING
    assert request.due_on.strftime("%d/%m/%Y") in answer
    account = await fresh_account(session, lists, mother)
    assert account.consent_at is None and account.guardian_id is None
    admin = await linked_person(make_person, *ADMIN)
    await admin.command("yeucau")
    listed = (await admin.next_message(timeout=10))["text"]
    assert "Ngô Kim Hạnh" in listed and request.due_on.strftime("%d/%m/%Y") in listed


# /dulieu in Vietnamese formats, the workbook beside the JSON, and buttons pressed late.


async def test_my_data_reads_in_the_schools_formats_and_comes_as_a_workbook_too(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5, 0, 30))  # Saturday 00:30 in Vietnam, Friday in UTC
    mother = await linked_person(make_person, *MOTHER)
    account = await fresh_account(session, lists, mother)
    child = await student_id(session, lists, "Hoàng Anh Đăng")
    klass = await class_id(session, lists, "1A")
    feedback = Feedback(
        school_id=lists.id,
        account_id=account.id,
        student_id=child,
        class_id=klass,
        topic=FeedbackTopic.BOARDING,
        state=FeedbackState.OPEN,
    )
    session.add(feedback)
    await session.flush()
    session.add(
        FeedbackMessage(
            school_id=lists.id,
            feedback_id=feedback.id,
            from_parent=True,
            author_id=account.id,
            text="Cháu ăn bán trú chưa no ạ",
        )
    )
    session.add(
        LeaveRequest(
            school_id=lists.id,
            account_id=account.id,
            student_id=child,
            class_id=klass,
            first_day=date(2026, 12, 7),
            last_day=date(2026, 12, 7),
            part=LeavePart.MORNING,
            reason="Cháu đi khám răng",
            state=RequestState.PENDING,
        )
    )
    await session.commit()
    await mother.command("dulieu")
    shown = (await mother.next_message(timeout=10))["text"]
    assert "05/12/2026" in shown and "04/12/2026" not in shown  # the consent, in Vietnam
    assert "25/01/2018" in shown and "2018-01-25" not in shown
    assert "0841 860 913" in shown and "+84" not in shown
    await mother.press("Tải dữ liệu của tôi")
    export = await mother.next_message(timeout=10)
    workbook = await mother.next_message(timeout=10)
    async with httpx.AsyncClient() as http:
        data = json.loads((await http.get(sandbox.url + export["file"]["url"])).content)
        xlsx = (await http.get(sandbox.url + workbook["file"]["url"])).content
    assert data["feedback"][0]["messages"][0]["text"] == "Cháu ăn bán trú chưa no ạ"
    assert data["leave_requests"][0]["reason"] == "Cháu đi khám răng"
    assert data["consents"][0]["version"] == "2026.1"
    assert workbook["file"]["file_name"] == "du-lieu-cua-toi.xlsx"
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Thông tin của tôi", "Con", "Góp ý", "Xin nghỉ", "Đồng ý"]
    cells = {
        name: [[c for c in row if c is not None] for row in book[name].iter_rows(values_only=True)]
        for name in book.sheetnames
    }
    assert ["Số điện thoại", "0841 860 913"] in cells["Thông tin của tôi"]
    assert cells["Con"][0][:4] == ["Họ và tên", "Mã học sinh", "Lớp", "Ngày sinh"]
    assert any(row[:1] == ["Hoàng Anh Đăng"] and "25/01/2018" in row for row in cells["Con"])
    assert any("Bán trú" in row and "Cháu ăn bán trú chưa no ạ" in row for row in cells["Góp ý"])
    assert any("07/12/2026" in row and "Buổi sáng" in row for row in cells["Xin nghỉ"])
    assert cells["Đồng ý"][1] == ["00:30 05/12/2026", "2026.1"]


async def test_account_buttons_pressed_late_say_what_they_find(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("huylienket")
    question = await mother.next_message(timeout=10)
    unlink = question["buttons"][0][0]["callback_data"]
    await mother.press("Có, hủy liên kết")
    assert "đã được hủy liên kết" in (await mother.next_message(timeout=10))["text"]
    await mother.next_message(timeout=10)  # "Gửi /start để liên kết lại."
    assert await forge(sandbox, mother, unlink) is None
    assert "chưa được liên kết" in (await mother.next_message(timeout=10))["text"]
    await mother.command("dulieu")
    await mother.next_message(timeout=10)
    await mother.press("Rút lại sự đồng ý")
    await mother.next_message(timeout=10)
    await mother.press("Xác nhận")
    assert "đã rút lại sự đồng ý" in (await mother.next_message(timeout=10))["text"]
    for late in ("v1:data:withdrawok", "v1:data:deleteok", "v1:data:export"):
        assert await forge(sandbox, mother, late) is None
    # vi: waits for the catalog ("Your consent is already withdrawn. Nothing was changed.")
    assert "trước đó" in (await mother.next_message(timeout=10))["text"]
    assert await count(session, DataRequest, DataRequest.school_id == lists.id) == 0
    await no_more_messages(mother)


async def test_a_second_deletion_press_shows_the_request_already_received(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("dulieu")
    await mother.next_message(timeout=10)
    await mother.press("Đề nghị xóa dữ liệu")
    await mother.next_message(timeout=10)
    await mother.press("Xác nhận")
    answer = (await mother.next_message(timeout=10))["text"]
    assert "đã nhận yêu cầu" in answer
    assert await forge(sandbox, mother, "v1:data:cancel") is None
    assert (await mother.next_message(timeout=10))["text"] == "Không có gì thay đổi."
    assert await forge(sandbox, mother, "v1:data:deleteok") is None
    assert (await mother.next_message(timeout=10))["text"] == answer
    assert await count(session, DataRequest, DataRequest.school_id == lists.id) == 1
