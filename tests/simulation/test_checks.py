"""The simulation's checks on their own, without a run: TT27 and ranking on what parents read,
namesakes told apart, documents read, and the audit events a school's records call for."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import Workbook

from bot.core.i18n import translator
from bot.features.assessment.parent_view import results_text
from bot.features.assessment.queries import Item, items_for
from bot.features.assessment.rules import Period
from simulation import audits
from simulation.outcomes import outcome_problems, ranking_problems, tt27
from simulation.plants import planted
from simulation.privacy import mentions, namesakes_comment, read_document
from simulation.school import Guardian, Pupil, School
from storage.models import AssessmentKind, DayPart, RequestState, SchoolClass, Student

# --- TT27 (domain-vn.md 1.5) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("subjects", "qualities", "scores", "outcome"),
    [
        ("TTT", "TT", [9, 10], "HTXS"),
        ("TTT", "TT", [8, 10], "HTT"),
        ("TTT", "TĐ", [10, 10], "HT"),
        ("THT", "TT", [9, 9], "HT"),
        ("TTT", "TT", [6, 9], "HT"),
        ("TTT", "TT", [4, 9], "CHT"),
        ("TCT", "TT", [9, 9], "CHT"),
        ("TTT", "TC", [9, 9], "CHT"),
    ],
)
def test_the_outcome_rule(subjects: str, qualities: str, scores: list[int], outcome: str) -> None:
    assert tt27(list(subjects), list(qualities), scores) == outcome


def year_end(score: str) -> dict[Item, str]:
    """A grade-1 pupil's end-of-year results: every subject and quality at the top level."""
    top = {
        AssessmentKind.LEVEL: "hoan_thanh_tot",
        AssessmentKind.SCORE: score,
        AssessmentKind.QUALITY: "tot",
    }
    return {item: top[item.kind] for item in items_for(1, Period.CN)}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_parents_results_pass_and_a_lenient_outcome_is_caught(language: str) -> None:
    pupil, klass = Student(full_name="Lò Văn Pấng"), SchoolClass(name="1A", grade=1)
    _ = translator(language)
    for score in ("8", "9", "5"):
        shown = results_text(_, pupil, klass, "2026-2027", Period.CN, year_end(score))
        assert outcome_problems(shown) == [], shown
    with planted(("outcome-lenient",)):  # "Hoàn thành xuất sắc" from tests of 8
        shown = results_text(_, pupil, klass, "2026-2027", Period.CN, year_end("8"))
    [problem] = outcome_problems(shown)
    assert "TT27 gives HTT" in problem and "tests [8, 8]" in problem


def test_a_score_with_decimals_or_over_ten_is_caught() -> None:
    assert outcome_problems("• Toán: Hoàn thành tốt, điểm kiểm tra 8,5") == ["a test score “8,5”"]
    assert outcome_problems("• Toán: Completed well, test score 11") == ["a test score “11”"]
    assert outcome_problems("Toán — điểm kiểm tra định kỳ (Cuối học kỳ I)") == []


# --- nothing ranked for parents ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Con đứng thứ 3/20 trong lớp.", ["a place"]),
        ("Con xếp thứ 3 trên 20 bạn.", ["a rank", "a place"]),
        ("Con được 8 điểm, thứ 5 trên 32.", ["a place"]),
        ("12/30 học sinh đạt điểm 10.", ["a place"]),
        ("Điểm trung bình Toán của lớp: 8,2.", ["an average"]),
        ("The class average is 8.2.", ["an average"]),
        ("Con đứng đầu lớp.", ["a place"]),
    ],
)
def test_a_rank_a_place_or_an_average_is_caught(text: str, kinds: list[str]) -> None:
    assert [p.split(":")[0] for p in ranking_problems(text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Nghỉ 2 buổi: Thứ Hai 25/01 (sáng, có phép); Thứ 6 29/01 (chiều, không phép).",
        "Sổ liên lạc tuần 21 (25/01–29/01/2027)",
        "Đơn xin nghỉ từ 01/02 đến 03/02/2027: đã được xác nhận.",
        "Đã xem lúc 07:30, 30/01",
    ],
)
def test_a_week_in_dates_is_not_a_rank(text: str) -> None:
    assert ranking_problems(text) == []


# --- namesakes and documents ---------------------------------------------------------------


def school() -> School:
    mother, other = Guardian("Mai Thị Hà", "0912", "0912"), Guardian("Lê Thị Thu", "0913", "0913")
    pupils = [
        Pupil("7900000001", "Võ Phúc Sơn", date(2019, 3, 4), "Nam", "1A", mother, mother),
        Pupil("7900000002", "Võ Phúc Sơn", date(2019, 8, 9), "Nam", "1A", other, other),
        Pupil("7900000003", "Lò Văn Pấng", date(2019, 1, 2), "Nam", "1A", other, other),
    ]
    return School(18, ["1A"], pupils, [mother, other], [])


def pattern(school: School) -> re.Pattern[str]:
    names = "|".join(sorted({re.escape(p.name) for p in school.pupils}, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({names})(?!\w)")


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("Học sinh: Võ Phúc Sơn, lớp 1A", ["7900000001", "7900000002"]),  # cannot tell
        ("Võ Phúc Sơn (09/08/2019): vắng có phép", ["7900000002"]),
        ("Võ Phúc Sơn (…0001)", ["7900000001"]),
        ("3 | 7900000002 | Võ Phúc Sơn | Con chăm chỉ", ["7900000002"]),  # a sheet's row
        ("Võ Phúc Sơn, sinh ngày 04/03/2019", ["7900000001"]),
    ],
)
def test_namesakes_are_told_apart_where_the_line_shows_which(line: str, codes: list[str]) -> None:
    here = school()
    [mention] = mentions(line, pattern(here), here)
    assert [p.code for p in mention.pupils] == codes


def test_a_family_told_its_childs_namesakes_comment_is_found() -> None:
    here = school()
    child = [here.pupils[0]]
    given = {"7900000001": {"Con chăm chỉ."}, "7900000002": {"Con đọc to, rõ ràng."}}
    assert namesakes_comment("Con chăm chỉ.", child, given, here) == []
    assert namesakes_comment("Con đọc to, rõ ràng.", child, given, here) == [here.pupils[1]]
    given["7900000001"].add("Con đọc to, rõ ràng.")  # given to both: nothing tells
    assert namesakes_comment("Con đọc to, rõ ràng.", child, given, here) == []


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Mã định danh", "Họ tên", "Nhận xét"])
    sheet.append([1, "7900000002", "Võ Phúc Sơn (09/08/2019)", "Con chăm chỉ."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def word() -> bytes:
    document = Document()
    document.add_paragraph("Học sinh: Lò Văn Pấng, lớp 1A")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Mã định danh", "7900000003"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_documents_are_read_as_lines() -> None:
    assert "1 | 7900000002 | Võ Phúc Sơn (09/08/2019) | Con chăm chỉ." in read_document(
        workbook(), "nhan-xet-1A.xlsx"
    )
    lines = read_document(word(), "bien-ban.docx")
    assert "Học sinh: Lò Văn Pấng, lớp 1A" in lines and "Mã định danh | 7900000003" in lines
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bien-ban/1.docx", word())
        archive.writestr("index.csv", "1,Võ Phúc Sơn,7900000001\n")
        archive.writestr("minh-chung/1.jpg", b"\xff\xd8\xff")
    lines = read_document(out.getvalue(), "luu-tru.zip")
    assert "Học sinh: Lò Văn Pấng, lớp 1A" in lines and "1,Võ Phúc Sơn,7900000001" in lines
    assert read_document(b"\x89PNG\r\n\x1a\n", "chart.png") == []


# --- the audit events the records call for -------------------------------------------------


def test_missing_audit_events_are_named() -> None:
    records = audits.Records()
    at = datetime(2027, 1, 27, 3, 0, tzinfo=UTC)
    records.rows.update(
        accounts=[(1, at), (2, None)],
        feedback=[(5, 1)],
        replied=[(5, 2)],
        leave=[(7, RequestState.APPROVED, 1, 2, at), (8, RequestState.PENDING, 1, None, None)],
        absences=[(30, date(2027, 1, 27), DayPart.MORNING, True)],
        links=[(9, RequestState.REJECTED, 2, at)],
        urgent=[(11, 2)],
        checkups=[(4, date(2027, 1, 28))],
        left=[(12,)],
        classes=[(30, 4)],
    )
    everything = [f.detail for f in audits.missing(records, {(30, "2027-01-25")}, 2)]
    assert len(everything) == 13, everything
    records.events.update(
        {
            ("account.consent", "1"): 1,
            ("feedback.created", "5"): 1,
            ("feedback.replied", "5"): 1,
            ("leave.requested", "7"): 1,
            ("leave.requested", "8"): 1,
            ("link_request.reject", "9"): 1,
            ("urgent.sent", "11"): 1,
            ("staff.import", "1"): 2,
            ("staff.left", "12"): 1,
        }
    )
    records.attendance[("30", "2027-01-27", "morning")] = "excused"
    records.imported.add(("4", "2027-01-25"))
    records.checked_up.add(("4", "2027-01-28"))
    [left] = audits.missing(records, {(30, "2027-01-25")}, 2)
    assert left.detail == "no leave.approved event for leave request 7 (approved)"
    assert left.accounts == (1, 2) and left.at == at
