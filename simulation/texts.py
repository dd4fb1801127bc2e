"""What the checks look for in the texts the sandbox delivered (both languages)."""

from __future__ import annotations

import re

HEADING = re.compile(
    r"(?:Sổ liên lạc tuần|Contact book, week|contact book, week|sổ liên lạc tuần) (\d+) "
    r"\((\d\d)/(\d\d)–(\d\d)/(\d\d)/(\d{4})\)"
)
NOTICE = re.compile(r"^(?:Sổ liên lạc tuần|Contact book, week) (\d+) ")
RANKED = re.compile(r"(?<!\w)(hạng|xếp thứ|rank(?:ed|ing)?)(?!\w)", re.IGNORECASE)
CANCELLED = ("đã hủy", "đã huỷ", "không có gì được gửi", "cancelled", "nothing was sent")
CODE = re.compile(r"(?<!\d)79\d{8}(?!\d)")
# What a leave request's old button must say for the request's state (both languages).
LEAVE_STATE = {
    "pending": ("Đơn xin nghỉ này đã được gửi", "This leave request was already sent"),
    "approved": ("Đơn xin nghỉ này đã được xác nhận", "This leave request was already confirmed"),
    "rejected": ("Đơn xin nghỉ này đã bị từ chối", "This leave request was already refused"),
}
LEAVE_SENT = ("đã được gửi đến giáo viên chủ nhiệm", "was sent to the homeroom teacher")
LEAVE_KEPT = ("Đơn xin nghỉ đã được lưu", "The leave request is saved")
LEAVE_DECIDED = ("đơn xin nghỉ của con", "the leave request for")
# A pupil's attendance in a notice or an addendum, and each session missed in it.
ATTENDANCE = re.compile(
    r"(?:Nghỉ \d+ buổi|Absent \d+ sessions?): (.*)|(Đi học đầy đủ|Present every day)"
)
MISSED = re.compile(r"(\d\d/\d\d) \((sáng|chiều|morning|afternoon), ([^()]+)\)")
ADDENDUM = re.compile(r"^(?:Bổ sung sổ liên lạc tuần|Addendum to the contact book, week) (\d+) ")
BLOCKED = re.compile(r"(?:Đã chặn bot|Blocked the bot): (\d+)(?: \(([^)]*)\))?")
SEEN_AT = ("Đã xem lúc {time}, {date}", "Seen at {time}, {date}")
# A notice's (or an addendum's) homeroom comment heading; what a comments sheet sent back gets.
HOMEROOM_COMMENT = ("Nhận xét của giáo viên chủ nhiệm", "Homeroom teacher’s comment")
SHEET_REFUSED = ("Chưa lưu gì", "Nothing was saved")
SHEET_RECEIVED = ("Đã nhận", "Received")
