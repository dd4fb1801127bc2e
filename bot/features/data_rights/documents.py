"""A person's data as a workbook they can read: one sheet per kind of record, Vietnamese
headings, dates as dd/mm/yyyy and times in the school's zone, phones as people write them.

It is built from the same data as the JSON export (queries.my_data), so both always hold the
same records. The headings and labels are the workbook's data, in Vietnamese like the school's
other spreadsheets; the person's language does not change them.

Each sheet prints on A4 (storage/printout.py): fitted to the page's width, landscape when wide,
its heading row and first column repeated on every page, long texts wrapped. A column no row
fills (no attachment, no refusal) is left out; an empty sheet keeps its headings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from phonenumbers import NumberParseException

from bot.core.i18n import translator
from bot.core.labels import ROLE_LABELS
from storage.exports import put
from storage.models import Role
from storage.phones import display_phone
from storage.printout import grow_rows, print_on_a4

ACCOUNT_STATES = {
    "new": "Chưa đồng ý",
    "consented": "Đã đồng ý, chưa liên kết",
    "linked": "Đã liên kết",
    "blocked": "Đã chặn bot",
    "revoked": "Đã bị thu hồi",
}
GENDERS = {"male": "Nam", "female": "Nữ"}
TOPICS = {
    "study": "Học tập",
    "health": "Sức khỏe",
    "boarding": "Bán trú",
    "facilities": "Cơ sở vật chất",
    "other": "Khác",
}
FEEDBACK_STATES = {"open": "Chưa trả lời", "answered": "Đã trả lời", "closed": "Đã xử lý"}
RECIPIENTS = {"leaders": "Ban giám hiệu", "homeroom_teacher": "Giáo viên chủ nhiệm"}
PARTS = {"all_day": "Cả ngày", "morning": "Buổi sáng", "afternoon": "Buổi chiều"}
REQUEST_STATES = {
    "describing": "Đang soạn",
    "pending": "Chờ xác nhận",
    "approved": "Đã xác nhận",
    "rejected": "Không được chấp thuận",
    "done": "Đã xong",
    "cancelled": "Đã hủy",
}
ATTACHMENTS = {"photo": "Ảnh", "document": "Tệp"}
YES_NO = {True: "Có", False: "Không"}
PORTRAIT = 95  # characters of columns that still print upright on A4


def day(value: str | None) -> str:
    """An ISO date as dd/mm/yyyy ("" for none)."""
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def moment(value: str | None, zone: ZoneInfo) -> str:
    """An ISO moment as "HH:MM dd/mm/yyyy" in the school's zone ("" for none)."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(zone).strftime("%H:%M %d/%m/%Y")


def phone(value: str | None) -> str:
    """A stored phone as people write it (0912 345 678)."""
    if not value:
        return ""
    try:
        return display_phone(value)
    except NumberParseException:
        return value


def _sheet(book: Workbook, title: str, headings: Sequence[str], rows: list[list[Any]]) -> None:
    sheet: Worksheet = book.create_sheet(title)
    kept = [
        i for i in range(len(headings)) if not rows or any(row[i] not in ("", None) for row in rows)
    ]
    widths = []
    for column, index in enumerate(kept, start=1):
        put(sheet, 1, column, headings[index]).font = Font(bold=True)
        width = max([len(headings[index]), *(len(str(row[index])) for row in rows)], default=10)
        widths.append(min(max(width + 2, 10), 60))
        sheet.column_dimensions[get_column_letter(column)].width = widths[-1]
    for number, row in enumerate(rows, start=2):
        for column, index in enumerate(kept, start=1):
            cell = put(sheet, number, column, row[index])
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    print_on_a4(sheet, heading_rows=(1, 1), title_columns=1, landscape=sum(widths) > PORTRAIT)
    grow_rows(sheet, 2)


def _about(data: dict[str, Any]) -> list[list[Any]]:
    account = data["telegram_account"]
    rows: list[list[Any]] = [
        ["Tài khoản Telegram (số)", str(account["telegram_user_id"])],
        ["Ngôn ngữ đã chọn", {"vi": "Tiếng Việt", "en": "English"}.get(account["language"], "")],
        ["Trạng thái", ACCOUNT_STATES.get(account["state"], account["state"])],
    ]
    if "guardian" in data:
        rows += [
            ["Họ và tên phụ huynh", data["guardian"]["name"]],
            ["Số điện thoại", phone(data["guardian"]["phone"])],
        ]
    if "staff" in data:
        vi = translator("vi")
        roles = ", ".join(vi(ROLE_LABELS[Role(role)]) for role in data["staff"]["roles"])
        rows += [
            ["Họ và tên cán bộ", data["staff"]["name"]],
            ["Số điện thoại (cán bộ)", phone(data["staff"]["phone"])],
            ["Vai trò", roles],
        ]
    return rows


def _feedback_rows(data: dict[str, Any], zone: ZoneInfo) -> list[list[Any]]:
    rows = []
    for item in data.get("feedback", []):
        head = [
            moment(item["sent_at"], zone),
            item["child"],
            RECIPIENTS.get(item["to"], item["to"]),
            TOPICS.get(item["topic"], item["topic"]),
            YES_NO[bool(item["anonymous"])],
            FEEDBACK_STATES.get(item["state"], item["state"]),
        ]
        for message in item["messages"] or [{}]:
            author = "Phụ huynh" if message.get("from_parent", True) else "Nhà trường"
            attachment = ATTACHMENTS.get(message.get("attachment") or "", "")
            rows.append(
                [
                    *head,
                    author if message else "",
                    moment(message.get("sent_at"), zone),
                    message.get("text", ""),
                    attachment,
                ]
            )
    return rows


def _children_rows(data: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            child["name"],
            child["student_id"],
            child["class"],
            day(child["birth_date"]),
            GENDERS.get(child["gender"] or "", ""),
            child["ethnicity"] or "",
        ]
        for child in data.get("children", [])
    ]


def _leave_rows(data: dict[str, Any], zone: ZoneInfo) -> list[list[Any]]:
    return [
        [
            moment(item["sent_at"], zone),
            item["child"],
            day(item["first_day"]),
            day(item["last_day"]),
            PARTS.get(item["part"], item["part"]),
            item["reason"],
            REQUEST_STATES.get(item["state"], item["state"]),
            item["refusal"] or "",
        ]
        for item in data.get("leave_requests", [])
    ]


CHILDREN = ["Họ và tên", "Mã học sinh", "Lớp", "Ngày sinh", "Giới tính", "Dân tộc"]
FEEDBACK = [
    "Ngày gửi",
    "Học sinh",
    "Gửi tới",
    "Chủ đề",
    "Ẩn danh",
    "Trạng thái",
    "Người viết",
    "Thời gian",
    "Nội dung",
    "Kèm theo",
]
LEAVE = [
    "Ngày gửi",
    "Học sinh",
    "Từ ngày",
    "Đến ngày",
    "Buổi",
    "Lý do",
    "Trạng thái",
    "Lý do từ chối",
]


def data_workbook(data: dict[str, Any], zone: ZoneInfo) -> bytes:
    """The person's data (as queries.my_data reads it) as an .xlsx with Vietnamese headings."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    _sheet(book, "Thông tin của tôi", ["Mục", "Nội dung"], _about(data))
    _sheet(book, "Con", CHILDREN, _children_rows(data))
    _sheet(book, "Góp ý", FEEDBACK, _feedback_rows(data, zone))
    _sheet(book, "Xin nghỉ", LEAVE, _leave_rows(data, zone))
    consents = [
        [moment(item["given_at"], zone), item["version"] or ""] for item in data.get("consents", [])
    ]
    _sheet(book, "Đồng ý", ["Thời điểm đồng ý", "Phiên bản văn bản"], consents)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
