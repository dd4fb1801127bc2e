"""The year's correction archive: a zip of minutes and evidence with an index Excel can open."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.features.archive.queries import build_archive, parse_school_year, safe_name
from bot.features.corrections.documents import build_minutes, minutes_fields
from storage.models import (
    AssessmentKind,
    CorrectionFile,
    CorrectionReason,
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    School,
    SchoolClass,
    Staff,
    Student,
)
from storage.names import search_key, split_name
from storage.queries import ensure_school
from tests.features.corrections.test_minutes import sample

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
EN = translator("en")
YEAR = "2026-2027"
PHOTO = b"\xff\xd8\xff\xe0" + b"so diem trang 12" * 50
TEST_PAPER = b"%PDF-1.4 bai kiem tra"


@dataclass(frozen=True, slots=True)
class Seeded:
    """The requests written for a test: one signed, one rejected, one pending."""

    signed: int
    rejected: int
    pending: int
    minutes: bytes


def _student(school_id: int, class_id: int, code: str, name: str) -> Student:
    parts = split_name(name)
    return Student(
        school_id=school_id,
        student_code=code,
        full_name=name,
        family_name=parts.family,
        middle_name=parts.middle,
        given_name=parts.given,
        search_key=search_key(name),
        class_id=class_id,
    )


def _file(school_id: int, request_id: int, kind: str, name: str, content: bytes) -> CorrectionFile:
    return CorrectionFile(
        school_id=school_id,
        request_id=request_id,
        kind=kind,
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


async def seed_requests(session: AsyncSession, school: School, year: str = YEAR) -> Seeded:
    """Write a class, two pupils, two staff and four requests (one of 2024-2025) to the tables."""
    tag = f"{uuid.uuid4().int % 10**6:06d}"  # keeps each test's codes and phones apart
    klass = SchoolClass(school_id=school.id, name=f"4Đ-{tag[:3]}", grade=4)
    session.add(klass)
    await session.flush()
    dang = _student(school.id, klass.id, f"79{tag}01", "Hoàng Anh Đăng")
    khue = _student(school.id, klass.id, f"79{tag}02", "Nguyễn Thị Minh Khuê")
    teacher = Staff(school_id=school.id, full_name="Phan Thị Thu", phone=f"+849{tag}01")
    leader = Staff(school_id=school.id, full_name="Nguyễn Thị Hồng", phone=f"+849{tag}02")
    session.add_all([dang, khue, teacher, leader])
    await session.flush()

    def request(student: Student, state: CorrectionState, **fields: object) -> CorrectionRequest:
        values: dict[str, object] = {
            "school_id": school.id,
            "school_year": year,
            "student_id": student.id,
            "class_id": klass.id,
            "period": "ck1",
            "kind": AssessmentKind.SCORE,
            "item": "TOAN",
            "old_value": "6",
            "new_value": "8",
            "reason": CorrectionReason.ENTRY_ERROR,
            "reason_text": "Gõ nhầm 6 thay vì 8.",
            "state": state,
            "requested_by": teacher.id,
            "created_at": datetime(2027, 1, 4, 1, 5, tzinfo=UTC),
        }
        values.update(fields)
        return CorrectionRequest(**values)

    decided = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)
    signed = request(
        dang,
        CorrectionState.SIGNED,
        decided_by=leader.id,
        decided_role="vice_principal",
        decided_at=decided,
        applied_at=datetime(2027, 1, 5, 3, 0, tzinfo=UTC),
        completed_at=datetime(2027, 1, 5, 3, 15, tzinfo=UTC),
    )
    rejected = request(
        khue,
        CorrectionState.REJECTED,
        kind=AssessmentKind.LEVEL,
        item="TV",
        old_value="hoan_thanh",
        new_value="hoan_thanh_tot",
        reason=CorrectionReason.REMARKED,
        decided_by=leader.id,
        decided_role="principal",
        decided_at=decided,
        decision_note="Minh chứng chưa rõ.",
    )
    pending = request(khue, CorrectionState.PENDING, period="gk2", open_key=f"{tag}:gk2")
    elsewhere = request(dang, CorrectionState.PENDING, school_year="2024-2025")
    session.add_all([signed, rejected, pending, elsewhere])
    await session.flush()
    minutes = build_minutes(sample(number=signed.id, pupil="Hoàng Anh Đăng"), translator("vi"))
    session.add_all(
        [
            _file(school.id, signed.id, "evidence", "Sổ điểm trang 12.jpg", PHOTO),
            _file(school.id, signed.id, "evidence", "bài kiểm tra.pdf", TEST_PAPER),
            _file(school.id, signed.id, "minutes", "bien-ban.docx", minutes),
            _file(school.id, rejected.id, "evidence", "anh.jpg", PHOTO),
            _file(school.id, elsewhere.id, "evidence", "cu.jpg", PHOTO),
        ]
    )
    session.add(
        CorrectionSignature(
            request_id=signed.id, role="teacher", name="Phan Thị Thu", signed_at=decided
        )
    )
    await session.commit()
    return Seeded(signed.id, rejected.id, pending.id, minutes)


def read_index(data: bytes) -> list[dict[str, str]]:
    """The archive's index.csv as rows by column title; it must start with a UTF-8 BOM."""
    raw = zipfile.ZipFile(io.BytesIO(data)).read("index.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


async def test_the_archive_holds_every_request_of_the_year_with_its_files(
    session: AsyncSession, school: School
) -> None:
    seeded = await seed_requests(session, school)
    archive = await build_archive(session, school.id, YEAR, ZONE, _=EN)
    assert (archive.requests, archive.files) == (3, 4)
    zipped = zipfile.ZipFile(io.BytesIO(archive.data))
    assert sorted(zipped.namelist()) == sorted(
        [
            "index.csv",
            f"bien-ban/{seeded.signed}.docx",
            f"minh-chung/{seeded.signed}/1-so-diem-trang-12.jpg",
            f"minh-chung/{seeded.signed}/2-bai-kiem-tra.pdf",
            f"minh-chung/{seeded.rejected}/1-anh.jpg",
        ]
    )
    assert zipped.read(f"minh-chung/{seeded.signed}/1-so-diem-trang-12.jpg") == PHOTO
    minutes = zipped.read(f"bien-ban/{seeded.signed}.docx")
    assert minutes == seeded.minutes
    assert minutes_fields(minutes)[translator("vi")("Pupil")] == "Hoàng Anh Đăng"


async def test_the_index_has_one_readable_row_per_request(
    session: AsyncSession, school: School
) -> None:
    seeded = await seed_requests(session, school)
    rows = read_index((await build_archive(session, school.id, YEAR, ZONE, _=EN)).data)
    assert [row["Number"] for row in rows] == [
        str(seeded.signed),
        str(seeded.rejected),
        str(seeded.pending),
    ]
    signed, rejected, pending = rows
    assert signed["Pupil"] == "Hoàng Anh Đăng" and signed["Class"].startswith("4Đ")
    assert (signed["Item"], signed["Kind of item"]) == ("Toán", "periodic test score")
    assert (signed["Recorded result"], signed["Corrected result"]) == ("6", "8")
    assert signed["Assessment period"] == "End of term I"
    assert signed["Requested by"] == "Phan Thị Thu"
    assert signed["Requested at"] == "08:05 04/01/2027"
    assert signed["Decided by"] == "Nguyễn Thị Hồng (Vice principal)"
    assert signed["Completed at"] == "10:15 05/01/2027"
    assert signed["Files"].split("; ")[0] == f"bien-ban/{seeded.signed}.docx"
    assert rejected["Corrected result"] == "Completed well"
    assert rejected["Decision note"] == "Minh chứng chưa rõ."
    assert rejected["State"] == "Rejected" and pending["State"] == "Waiting for a decision"
    assert pending["Decided by"] == "" and pending["Files"] == ""


async def test_another_schools_requests_stay_out(session: AsyncSession, school: School) -> None:
    other = await ensure_school(session, f"o{uuid.uuid4().hex[:10]}", "Trường khác")
    await seed_requests(session, other)
    archive = await build_archive(session, school.id, YEAR, ZONE)
    assert (archive.requests, archive.files) == (0, 0)
    assert len(read_index(archive.data)) == 0


async def test_the_index_is_vietnamese_by_default(session: AsyncSession, school: School) -> None:
    await seed_requests(session, school)
    vi = translator("vi")
    rows = read_index((await build_archive(session, school.id, YEAR, ZONE)).data)
    assert rows[0][vi("Pupil")] == "Hoàng Anh Đăng"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2024-2025", "2024-2025"),
        (" 2024–2025 ", "2024-2025"),
        ("2024/2025", "2024-2025"),
        ("2024 - 2025", "2024-2025"),
        ("2024-2026", None),
        ("2025-2024", None),
        ("2024", None),
        ("năm nay", None),
        ("", None),
    ],
)
def test_school_years_are_read_as_schools_write_them(text: str, year: str | None) -> None:
    assert parse_school_year(text) == year


def test_stored_names_are_safe_everywhere() -> None:
    assert safe_name("Sổ điểm trang 12.JPG") == "so-diem-trang-12.jpg"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Ảnh\\bài làm.png") == "bai-lam.png"
    assert safe_name("ảnh") == "anh"
    assert safe_name("....") == "tep"
    assert len(safe_name("a" * 300 + ".jpeg")) == 80


async def test_the_index_carries_each_files_sha256_and_no_draft(
    session: AsyncSession, school: School
) -> None:
    seeded = await seed_requests(session, school)
    session.add(_file(school.id, seeded.signed, "draft", "du-thao.docx", b"draft bytes"))
    await session.commit()
    archive = await build_archive(session, school.id, YEAR, ZONE, _=EN)
    rows = read_index(archive.data)
    signed = rows[0]
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert not any("du-thao" in name for name in names), names  # the draft stays out
    digests = dict(
        entry.split(": ") for entry in signed["SHA-256 of the files"].split("; ") if entry
    )
    assert list(digests) == signed["Files"].split("; ")
    for path, digest in digests.items():
        content = zipfile.ZipFile(io.BytesIO(archive.data)).read(path)
        assert hashlib.sha256(content).hexdigest() == digest, path
    assert rows[2]["SHA-256 of the files"] == ""
