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
