"""The minutes of a correction: a .docx in the administrative style whose facts read back."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from docx.shared import Pt

from bot.core.i18n import translator
from bot.features.corrections.documents import (
    Act,
    Applied,
    Decision,
    EvidenceFile,
    Minutes,
    build_minutes,
    item_label,
    minutes_fields,
    period_label,
    value_label,
)
from storage.models import AssessmentKind

EN = translator("en")
VI = translator("vi")
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def document_xml(data: bytes) -> str:
    """The main part's XML (where fields, borders and row properties are written)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode()


def at(hour: int, minute: int, day: int = 5) -> datetime:
    """A moment given in UTC; the minutes show it seven hours later, in Vietnam."""
    return datetime(2027, 2, day, hour, minute, tzinfo=UTC)


def sample(**changes: object) -> Minutes:
    values: dict[str, object] = {
        "authority": "UBND PHƯỜNG XUÂN HÒA",
        "school_name": "Trường Tiểu học Lê Quang Định",
        "place": "Xuân Hòa",
        "day": date(2027, 2, 5),
        "number": "01/BB-THLQĐ",
        "pupil": "Hoàng Anh Đăng",
        "student_code": "7900000001",
        "class_name": "1A",
        "school_year": "2026-2027",
        "period": "Cuối học kì I",
        "item": "Toán — điểm kiểm tra định kì",
        "old_value": "6",
        "new_value": "8",
        "reason": "Nhập sai",
        "reason_text": "Gõ nhầm 6 thay vì 8 khi nhập điểm.",
        "outcome_before": "Hoàn thành",
        "outcome_after": "Hoàn thành tốt",
        "evidence": (
            EvidenceFile("so-diem-trang-12.jpg", 123456, DIGEST, "ảnh 1"),
            EvidenceFile("bai-kiem-tra.pdf", 2048, "0" * 64, "tệp bai-kiem-tra.pdf"),
        ),
        "requester": Act("Phan Thị Thu", "Giáo viên chủ nhiệm", at(1, 5, 3)),
        "decision": Decision("Trịnh Văn Khải", "Hiệu trưởng", at(2, 30, 4), "Duyệt"),
        "applied": Applied("Trần Minh Khoa", at(3, 0)),
        "confirmations": (
            Act("Trịnh Văn Khải", "Hiệu trưởng", at(3, 10)),
            Act("Trần Minh Khoa", "Quản trị hệ thống", at(3, 12)),
            Act("Phan Thị Thu", "Giáo viên", at(3, 15)),
        ),
    }
    values.update(changes)
    return Minutes(**values)  # type: ignore[arg-type]


def test_the_birth_date_tells_the_pupil_apart_from_a_namesake() -> None:
    fields = minutes_fields(build_minutes(sample(born=date(2019, 1, 25)), VI))
    assert fields["Ngày sinh"] == "25/01/2019"
    assert "Date of birth" not in minutes_fields(build_minutes(sample(), EN))


def test_the_facts_read_back_label_by_label() -> None:
    fields = minutes_fields(build_minutes(sample(), EN))
    assert fields["Pupil"] == "Hoàng Anh Đăng"
    assert fields["Student ID"] == "7900000001"
    assert fields["Class"] == "1A"
    assert fields["School year"] == "2026-2027"
    assert fields["Assessment period"] == "Cuối học kì I"
    assert fields["Item corrected"] == "Toán — điểm kiểm tra định kì"
    assert (fields["Recorded result"], fields["Corrected result"]) == ("6", "8")
    assert fields["Reason"] == "Nhập sai"
    assert fields["Explanation"] == "Gõ nhầm 6 thay vì 8 khi nhập điểm."
    assert fields["End-of-year outcome before the correction"] == "Hoàn thành"
    assert fields["End-of-year outcome after the correction"] == "Hoàn thành tốt"
    assert fields["Decision"] == "Duyệt"


def test_times_are_vietnamese_local_time() -> None:
    fields = minutes_fields(build_minutes(sample(), EN))
    assert fields["Requested by"] == "Phan Thị Thu, Giáo viên chủ nhiệm, at 08:05 03/02/2027"
    assert fields["Decided by"] == "Trịnh Văn Khải, Hiệu trưởng, at 09:30 04/02/2027"
    assert fields["Changed in the official system by"] == "Trần Minh Khoa, at 10:00 05/02/2027"


def test_evidence_is_listed_by_kind_in_words_without_digests() -> None:
    kinds = ("trang sổ theo dõi chất lượng giáo dục", "bài kiểm tra của học sinh")
    minutes = build_minutes(sample(evidence_kinds=kinds), EN)
    lines = minutes_fields(minutes)["Evidence"].splitlines()
    assert lines == [
        "trang sổ theo dõi chất lượng giáo dục, bài kiểm tra của học sinh:",
        "1. ảnh 1",
        "2. tệp bai-kiem-tra.pdf",
    ]
    assert DIGEST not in document_xml(minutes) and "SHA-256" not in document_xml(minutes)


def test_the_three_confirmations_close_the_minutes_with_their_times() -> None:
    fields = minutes_fields(build_minutes(sample(), EN))
    assert fields["Hiệu trưởng"] == "(Confirmed at 10:10 05/02/2027)\nTrịnh Văn Khải"
    assert fields["Quản trị hệ thống"] == "(Confirmed at 10:12 05/02/2027)\nTrần Minh Khoa"
    assert fields["Giáo viên"] == "(Confirmed at 10:15 05/02/2027)\nPhan Thị Thu"


def test_the_vice_principal_decides_in_the_principals_absence() -> None:
    role = "Phó Hiệu trưởng (thay Hiệu trưởng vắng mặt)"
    minutes = sample(decision=Decision("Nguyễn Thị Hồng", role, at(2, 30), "Duyệt"))
    assert f"Nguyễn Thị Hồng, {role}" in minutes_fields(build_minutes(minutes, EN))["Decided by"]


def test_without_an_outcome_change_the_outcome_rows_are_left_out() -> None:
    fields = minutes_fields(build_minutes(sample(outcome_before=None, outcome_after=None), EN))
    assert "End-of-year outcome before the correction" not in fields
    assert fields["Decision"] == "Duyệt"


def test_heading_follows_decree_30() -> None:
    document = Document(io.BytesIO(build_minutes(sample(), VI)))
    left, right = (cell.text.splitlines() for cell in document.tables[0].rows[0].cells)
    assert left == ["UBND PHƯỜNG XUÂN HÒA", "TRƯỜNG TIỂU HỌC LÊ QUANG ĐỊNH"]
    assert right == [VI("SOCIALIST REPUBLIC OF VIETNAM"), VI("Independence - Freedom - Happiness")]
    place = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert place.text == "Xuân Hòa, " + VI("day {day} month {month} year {year}").format(
        day="05", month="02", year=2027
    )
    assert place.runs[0].font.italic
    title = next(p for p in document.paragraphs if p.text == VI("MINUTES"))
    assert title.runs[0].font.bold and title.alignment == 1  # centred


def test_page_and_font_follow_decree_30() -> None:
    document = Document(io.BytesIO(build_minutes(sample(), VI)))
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    sides = (section.left_margin, section.right_margin)
    assert [round(length.cm, 2) for length in (*sizes, *sides) if length] == [21, 29.7, 2, 2, 3, 2]
    assert document.styles["Normal"].font.size == Pt(13)
    runs = [run for p in document.paragraphs for run in p.runs]
    assert runs and all(run.font.name == "Times New Roman" for run in runs)


def test_values_are_shown_by_their_names() -> None:
    assert item_label(AssessmentKind.SCORE, "TOAN", EN) == "Toán — periodic test score"
    assert item_label(AssessmentKind.QUALITY, "pc_cham_chi", EN).startswith("Chăm chỉ — ")
    assert value_label(AssessmentKind.LEVEL, "hoan_thanh_tot", EN) == "Completed well"
    assert value_label(AssessmentKind.LEVEL, "H", EN) == "Completed"
    assert value_label(AssessmentKind.QUALITY, "Đ", EN) == "Satisfactory"
    assert value_label(AssessmentKind.SCORE, "9", EN) == "9"
    assert value_label(AssessmentKind.SCORE, None, EN) == "—"
    assert period_label("ck1", EN) == "End of term I"


def test_the_number_is_the_school_years_count_with_its_sign() -> None:
    document = Document(io.BytesIO(build_minutes(sample(), VI)))
    number = document.tables[0].rows[1].cells[0].text
    assert number == "Số: 01/BB-THLQĐ"


def test_a_vice_principal_deciding_for_the_principal_signs_kt() -> None:
    vice = Act("Nguyễn Thị Hồng", "Phó Hiệu trưởng", at(3, 10))
    minutes = sample(
        acting=True,
        confirmations=(
            vice,
            Act("Trần Minh Khoa", "Quản trị hệ thống", at(3, 12)),
            Act("Phan Thị Thu", "Giáo viên", at(3, 15)),
        ),
    )
    document = Document(io.BytesIO(build_minutes(minutes, EN)))
    first = [p.text for p in document.tables[2].rows[0].cells[0].paragraphs if p.text]
    assert first[:2] == ["FOR THE PRINCIPAL", "VICE PRINCIPAL"]
    assert document.tables[2].rows[1].cells[0].text == "Nguyễn Thị Hồng"
    members = [p.text for p in document.paragraphs]
    assert "1. Nguyễn Thị Hồng — Phó Hiệu trưởng, for the principal" in members


def test_pages_are_numbered_from_the_second_at_the_top_and_signatures_kept_together() -> None:
    data = build_minutes(sample(), VI)
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element.xml
    assert "PAGE" in header and 'w:fldCharType="begin"' in header
    assert section.first_page_header.paragraphs[0].text == ""
    assert section.header.paragraphs[0].alignment == 1  # centred
    for row in document.tables[2].rows:  # the roles and the names, kept on one page
        assert "<w:cantSplit/>" in row._tr.xml
    xml = document_xml(data)
    assert "<w:keepNext/>" in xml
    assert "<w:u " not in xml and "<w:u/>" not in xml  # rules, never underlined text
    assert xml.count("<w:pBdr>") >= 3  # under the agency, the motto and the title


def test_opening_and_closing_lines_of_an_administrative_minutes() -> None:
    document = Document(io.BytesIO(build_minutes(sample(), EN)))
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Today, at 10 h 10 min, 05/02/2027") for t in texts), texts
    ending = next(t for t in texts if t.startswith("The minutes end at"))
    assert ending.startswith("The minutes end at 10 h 15 min the same day") and "03" in ending


def test_a_draft_says_so_and_leaves_what_is_not_signed_open() -> None:
    unsigned = (
        Act("Trịnh Văn Khải", "Hiệu trưởng", None),
        Act("Trần Minh Khoa", "Quản trị hệ thống", None),
        Act("Phan Thị Thu", "Giáo viên", None),
    )
    data = build_minutes(sample(draft=True, number="…/BB-THLQĐ", confirmations=unsigned), EN)
    document = Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "DRAFT"
    fields = minutes_fields(data)
    assert fields["Hiệu trưởng"] == "(Not confirmed yet)\nTrịnh Văn Khải"
