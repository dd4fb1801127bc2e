"""Invitation slips carry the date of issue, the homeroom teacher, the school's phone and what
the school keeps: built from the staff list and the settings, read back from the .docx."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.features.accounts.documents import BLANK, Slip, render_slips_docx
from bot.features.accounts.invitations import class_slips
from storage.models import (
    Guardian,
    Relation,
    Role,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
)
from storage.names import search_key, split_name

EN = translator("en")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LONG_NAME = "Nguyễn Hoàng Bảo Ngọc Anh"


def lines(document: DocxDocument) -> list[str]:
    """Every paragraph of the slips, non-breaking spaces read as spaces."""
    paragraphs = document.element.body.xpath(".//w:p")
    texts = [Paragraph(p, document._body).text for p in paragraphs]  # a tab reads as \t
    return [text.replace("\u00a0", " ") for text in texts if text]


def slip(teacher: str = "") -> Slip:
    link = "https://t.me/so_lien_lac_bot?start=K7MW3QXP"
    return Slip(LONG_NAME, "3A", "Trần Văn Dũng", "K7MW3QXP", link, date(2026, 12, 3), teacher)


def render(slips: list[Slip], **kw: object) -> list[str]:
    data = render_slips_docx(slips, school_name="Trường", bot_username="b", _=EN, **kw)  # type: ignore[arg-type]
    return lines(Document(io.BytesIO(data)))


def test_a_slip_names_the_teacher_the_date_of_issue_the_phone_and_what_is_kept() -> None:
    texts = render(
        [slip("Tôn Nữ Hoàng Phương Thảo Nguyên")],
        issued_on=date(2026, 11, 3),
        school_phone="028 3829 1234",
    )

    assert "Homeroom teacher: Tôn Nữ Hoàng Phương Thảo Nguyên\tIssued on 03/11/2026" in texts
    assert any(f"Pupil: {LONG_NAME}" in text for text in texts)
    assert (
        "please ask your child's homeroom teacher or call the school: 028 3829 1234." in (texts[-2])
    )
    (kept,) = [text for text in texts if text.startswith("The school keeps")]
    assert "/dulieu" in kept


def test_without_a_teacher_a_line_is_left_to_write_on_and_without_a_phone_none_is_shown() -> None:
    texts = render([slip()])

    assert f"Homeroom teacher: {BLANK}" in texts
    assert "If you need help, please ask your child's homeroom teacher." in texts
    assert not any("Issued on" in text for text in texts)


async def seed_class(session: AsyncSession, school: School, *, teacher_left: bool = False) -> int:
    tag = f"{uuid.uuid4().int % 10**6:06d}"
    klass = SchoolClass(school_id=school.id, name=f"3A-{tag[:3]}", grade=3)
    session.add(klass)
    await session.flush()
    parts = split_name(LONG_NAME)
    pupil = Student(
        school_id=school.id,
        student_code=f"79{tag}01",
        full_name=LONG_NAME,
        family_name=parts.family,
        middle_name=parts.middle,
        given_name=parts.given,
        search_key=search_key(LONG_NAME),
        class_id=klass.id,
    )
    mother = Guardian(school_id=school.id, full_name="Ngô Kim Hạnh", phone=f"+84983{tag}")
    teacher = Staff(
        school_id=school.id,
        full_name="Trần Thị Mai",
        phone=f"+84912{tag}",
        homeroom_class_id=klass.id,
        left_at=datetime(2026, 8, 1, tzinfo=UTC) if teacher_left else None,
    )
    head = Staff(school_id=school.id, full_name="Lê Văn Nam", phone=f"+84913{tag}")
    session.add_all([pupil, mother, teacher, head])
    await session.flush()
    session.add_all(
        [
            StudentGuardian(student_id=pupil.id, guardian_id=mother.id, relation=Relation.MOTHER),
            StaffRole(staff_id=head.id, role=Role.PRINCIPAL),
        ]
    )
    await session.flush()
    return klass.id


async def slips_text(
    session: AsyncSession, school: School, class_id: int, **kw: object
) -> list[str]:
    # 17:30 UTC on 02/11 is already 03/11 in Việt Nam: the date of issue is the school's.
    made = await class_slips(
        session,
        school.id,
        class_id,
        datetime(2026, 11, 2, 17, 30, tzinfo=UTC),
        school_name=school.name,
        bot_username="so_lien_lac_bot",
        _=EN,
        actor="test",
        zone=ZONE,
        **kw,  # type: ignore[arg-type]
    )
    assert made is not None
    return lines(Document(io.BytesIO(made.document)))


async def test_class_slips_read_the_teacher_from_the_staff_list_and_the_phone_from_the_settings(
    session: AsyncSession, school: School
) -> None:
    class_id = await seed_class(session, school)

    texts = await slips_text(session, school, class_id, phone="+842838291234")
    assert "Homeroom teacher: Trần Thị Mai\tIssued on 03/11/2026" in texts
    assert any("call the school: 028 3829 1234." in text for text in texts)

    # The school's own setting wins over SCHOOLBOT_SCHOOL_PHONE.
    school.settings = {**school.settings, "phone": "0912 345 678"}
    await session.flush()
    texts = await slips_text(session, school, class_id, phone="+842838291234")
    assert any("call the school: 0912 345 678." in text for text in texts)


async def test_a_teacher_who_left_is_not_named(session: AsyncSession, school: School) -> None:
    class_id = await seed_class(session, school, teacher_left=True)

    texts = await slips_text(session, school, class_id)

    assert any(text.startswith(f"Homeroom teacher: {BLANK}") for text in texts)
    assert not any("call the school" in text for text in texts)
