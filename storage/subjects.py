"""Subjects and educational activities of the 2018 curriculum (domain-vn.md section 2)."""

from __future__ import annotations

import re

from storage.names import search_key

# Stable codes with the Vietnamese names and common aliases schools write (data, not UI text).
SUBJECTS: dict[str, tuple[str, ...]] = {
    "TV": ("Tiếng Việt",),
    "TOAN": ("Toán",),
    "NN1": ("Ngoại ngữ 1", "Ngoại ngữ", "Tiếng Anh", "Anh văn"),
    "DD": ("Đạo đức",),
    "TNXH": ("Tự nhiên và Xã hội", "TN&XH", "TNXH"),
    "LSDL": ("Lịch sử và Địa lí", "Lịch sử và Địa lý", "LS&ĐL", "Sử - Địa"),
    "KH": ("Khoa học",),
    "TINCN": ("Tin học và Công nghệ", "Tin học", "Công nghệ"),
    "GDTC": ("Giáo dục thể chất", "Thể dục", "GDTC"),
    "NT": ("Nghệ thuật", "Âm nhạc", "Mĩ thuật", "Mỹ thuật"),
    "HDTN": ("Hoạt động trải nghiệm", "HĐTN"),
    "TDTTS": ("Tiếng dân tộc thiểu số",),
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", search_key(text))


_INDEX = {_key(alias): code for code, aliases in SUBJECTS.items() for alias in aliases}


def subject_code(name: str) -> str | None:
    """Return the subject code for a name as schools write it, or None if unknown."""
    return _INDEX.get(_key(name))


def subject_name(code: str) -> str:
    """Return the official Vietnamese name of a subject code."""
    return SUBJECTS[code][0]
