"""Header aliases of the school's exports, matched case-, accent- and space-insensitively."""

from __future__ import annotations

import re

from storage.names import search_key

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def header_key(text: object) -> str:
    """Return the comparison key of a header cell ("SĐT  mẹ" -> "sdtme")."""
    return _NOT_ALNUM.sub("", search_key(str(text or "")))


# These are the Vietnamese column titles schools' exports use (data, not user-facing text).
ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "Số thứ tự"),
    "student_code": ("Mã học sinh", "Mã định danh Bộ GD&ĐT", "Mã định danh", "Mã HS"),
    "full_name": ("Họ và tên", "Họ tên", "Họ tên học sinh", "Họ và tên học sinh"),
    "birth_date": ("Ngày sinh",),
    "gender": ("Giới tính",),
    "class_name": ("Lớp", "Lớp học"),
    "grade": ("Khối", "Khối học"),
    "ethnicity": ("Dân tộc",),
    "status": ("Trạng thái",),
    "address": ("Địa chỉ", "Địa chỉ thường trú", "Chỗ ở hiện nay"),
    "father_name": ("Họ tên cha", "Tên cha", "Họ và tên cha"),
    "father_phone": ("SĐT cha", "Số điện thoại cha"),
    "mother_name": ("Họ tên mẹ", "Tên mẹ", "Họ và tên mẹ"),
    "mother_phone": ("SĐT mẹ", "Số điện thoại mẹ"),
    "guardian_name": ("Họ tên người giám hộ", "Người giám hộ"),
    "guardian_phone": ("SĐT người giám hộ", "Số điện thoại người giám hộ"),
    "contact_phone": ("SĐT liên hệ", "Số điện thoại liên hệ", "Điện thoại liên hệ"),
}
ROSTER_REQUIRED = ("student_code", "full_name", "class_name")

STAFF_HEADERS: dict[str, tuple[str, ...]] = {
    "stt": ("STT",),
    "full_name": ("Họ và tên", "Họ tên"),
    "phone": ("SĐT", "Số điện thoại", "Điện thoại"),
    "roles": ("Vai trò", "Chức vụ"),
    "homeroom": ("Lớp chủ nhiệm", "Chủ nhiệm lớp"),
    "subjects": ("Môn dạy", "Môn"),
    "classes": ("Lớp dạy",),
}
STAFF_REQUIRED = ("full_name", "phone", "roles")


def alias_index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Return {header key: field} for a header table."""
    return {header_key(alias): name for name, aliases in table.items() for alias in aliases}
