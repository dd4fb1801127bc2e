"""Reading real-looking roster exports: titles, aliases, footers, odd cells."""

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from storage.models import Relation
from storage.roster.problems import FileRefused
from storage.roster.roster import parse_roster
from tests.factories import HEADER, pupil, shared_file, write_table

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("name", ["roster.xlsx", "roster.csv"])
def test_sample_exports_read_completely(name: str) -> None:
    parsed = parse_roster(shared_file(name), TODAY)
    assert parsed.problems == []
    assert len(parsed.students) == 36
    assert parsed.classes == {"1A": 1, "3B": 3, "5C": 5}


def test_header_found_below_titles_with_aliases_in_any_case(tmp_path: Path) -> None:
    header = ["stt", "MÃ HỌC SINH", "ho  va ten", "Ngày sinh", "giới tính", "LỚP"]
    rows = [[1, "7900000001", "Lê Văn Tám", "01/02/2018", "Nam", "1A"]]
    parsed = parse_roster(write_table(tmp_path / "r.xlsx", rows, header=header), TODAY)
    assert [s.full_name for s in parsed.students] == ["Lê Văn Tám"]


def test_footer_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    rows = [pupil(1), [], pupil(2, name="Phạm Thị Hoa", gender="Nữ")]
    footer = [[], ["Tổng số: 2 học sinh"], ["", "", "Người lập biểu"]]
    path = write_table(tmp_path / "r.csv", rows, footer=footer)
    parsed = parse_roster(path, TODAY)
    assert parsed.problems == []
    assert len(parsed.students) == 2


def test_numbers_that_lost_their_zero_and_excel_dates(tmp_path: Path) -> None:
    row = pupil(1, code=7900000001, born=43125, father=("Lê Văn Ba", 912345678))
    parsed = parse_roster(write_table(tmp_path / "r.xlsx", [row]), TODAY)
    student = parsed.students[0]
    assert student.code == "7900000001"
    assert student.birth_date == date(2018, 1, 25)
    assert student.guardians[0].phone == "+84912345678"


def test_decomposed_names_are_stored_in_nfc(tmp_path: Path) -> None:
    row = pupil(1, name=unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết"))
    parsed = parse_roster(write_table(tmp_path / "r.csv", [row]), TODAY)
    assert parsed.students[0].full_name == "Nguyễn Thị Ánh Tuyết"
    assert parsed.students[0].parts.given == "Tuyết"


def test_contact_phone_equal_to_a_parent_is_not_a_third_guardian(tmp_path: Path) -> None:
    row = pupil(1, mother=("Trần Thị Cúc", "0983000001"), contact="0983.000.001")
    parsed = parse_roster(write_table(tmp_path / "r.csv", [row]), TODAY)
    assert [g.relation for g in parsed.students[0].guardians] == [Relation.FATHER, Relation.MOTHER]


def test_parents_sharing_one_phone_keep_it_on_the_first(tmp_path: Path) -> None:
    row = pupil(1, father=("Lê Văn Ba", "0912000001"), mother=("Vũ Thị Tư", "0912000001"))
    guardians = parse_roster(write_table(tmp_path / "r.csv", [row]), TODAY).students[0].guardians
    assert [(g.name, g.phone) for g in guardians] == [
        ("Lê Văn Ba", "+84912000001"),
        ("Vũ Thị Tư", None),
    ]


def test_every_bad_row_is_reported_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        pupil(1),
        pupil(2, father=("Lê Văn Ba", "0521234567")),
        pupil(3, code="7900000001"),
        pupil(4, born="30/02/2018", klass="7A"),
    ]
    parsed = parse_roster(write_table(tmp_path / "r.xlsx", rows), TODAY)
    found = {(p.row, p.column) for p in parsed.problems}
    # Titles take rows 1-3 and the header row 4, so pupil n sits on row 4 + n.
    assert found == {(6, "SĐT cha"), (7, "Mã định danh Bộ GD&ĐT"), (8, "Ngày sinh"), (8, "Lớp học")}


def test_one_phone_for_two_different_people_is_refused(tmp_path: Path) -> None:
    rows = [
        pupil(1, father=("Lê Văn Ba", "0912000009")),
        pupil(2, father=("Hồ Văn Tư", "0912000009")),
    ]
    parsed = parse_roster(write_table(tmp_path / "r.csv", rows), TODAY)
    assert [(p.row, p.params["other"]) for p in parsed.problems] == [(6, 5)]


def test_siblings_may_share_a_parent_written_with_other_accents(tmp_path: Path) -> None:
    rows = [
        pupil(1, father=("Hoàng Văn Thuỷ", "0912000009")),
        pupil(2, father=("Hoàng Văn Thủy", "0912000009")),
    ]
    assert parse_roster(write_table(tmp_path / "r.csv", rows), TODAY).problems == []


def test_a_file_without_the_header_is_refused(tmp_path: Path) -> None:
    path = write_table(tmp_path / "r.csv", [["a", "b"]], header=["Tên", "Tuổi"])
    with pytest.raises(FileRefused):
        parse_roster(path, TODAY)


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(FileRefused):
        parse_roster(tmp_path / "r.pdf", TODAY)
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    with pytest.raises(FileRefused):
        parse_roster(tmp_path / "fake.xlsx", TODAY)


def test_csv_in_a_legacy_encoding_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_bytes(",".join(HEADER).encode("utf-16"))
    with pytest.raises(FileRefused):
        parse_roster(tmp_path / "r.csv", TODAY)


def test_semicolon_separated_csv(tmp_path: Path) -> None:
    lines = [";".join(HEADER), ";".join(str(c) for c in pupil(1))]
    (tmp_path / "r.csv").write_text("\n".join(lines), encoding="utf-8")
    assert len(parse_roster(tmp_path / "r.csv", TODAY).students) == 1
