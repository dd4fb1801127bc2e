"""A person's data workbook prints on A4: every sheet fitted to the width, headings repeated,
long texts wrapped, no column that no row fills."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.features.data_rights.documents import data_workbook

LONG = "Con bị sốt nhẹ từ tối qua, gia đình xin cho con nghỉ để theo dõi thêm ở nhà. " * 3
DATA: dict[str, Any] = {
    "telegram_account": {"telegram_user_id": 5550001, "language": "vi", "state": "linked"},
    "guardian": {"name": "Ngô Kim Hạnh", "phone": "+84983123456"},
    "children": [
        {
            "name": "Nguyễn Hoàng Bảo Ngọc Anh",
            "student_id": "7900000001",
            "class": "3A",
            "birth_date": "2018-03-10",
            "gender": "female",
            "ethnicity": None,
        }
    ],
    "feedback": [],
    "leave_requests": [
        {
            "sent_at": "2026-11-02T01:00:00+00:00",
            "child": "Nguyễn Hoàng Bảo Ngọc Anh",
            "first_day": "2026-11-03",
            "last_day": "2026-11-04",
            "part": "all_day",
            "reason": LONG,
            "state": "approved",
            "refusal": None,
        }
    ],
    "consents": [{"given_at": "2026-09-05T01:00:00+00:00", "version": "2026.1"}],
}


def test_every_sheet_prints_on_a4_with_its_headings_repeated() -> None:
    book = load_workbook(BytesIO(data_workbook(DATA, ZoneInfo("Asia/Ho_Chi_Minh"))))

    assert book.sheetnames == ["Thông tin của tôi", "Con", "Góp ý", "Xin nghỉ", "Đồng ý"]
    for sheet in book.worksheets:
        assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.print_title_cols == "$A:$A"
    leave = book["Xin nghỉ"]
    assert leave.page_setup.orientation == "landscape"
    headings = [cell.value for cell in leave[1]]
    assert "Lý do từ chối" not in headings  # no refusal in any row: no empty column
    reason = leave.cell(2, headings.index("Lý do") + 1)
    assert reason.value == LONG and reason.alignment.wrap_text
    assert (leave.row_dimensions[2].height or 0) > 15


def test_an_empty_sheet_keeps_its_headings() -> None:
    book = load_workbook(BytesIO(data_workbook(DATA, ZoneInfo("Asia/Ho_Chi_Minh"))))

    headings = [cell.value for cell in book["Góp ý"][1]]
    assert headings[:3] == ["Ngày gửi", "Học sinh", "Gửi tới"] and len(headings) == 10
    children = [cell.value for cell in book["Con"][1]]
    assert "Dân tộc" not in children  # left blank for the only child
