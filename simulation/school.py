"""A seeded generated school: its classes from a generated national export (the roster format
`schoolbot import` reads), its families and its staff.

What makes a school's lists hard is generated on purpose: two pupils of one class with the same
full name (homonyms), siblings in different classes sharing their parents, names of minority
peoples (Hmong, Thái, Ê Đê...), and guardians whose phone in the export is stale (their
Telegram number is another one, so sharing their contact cannot link them).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from storage.names import nfc

# The roster's columns, as a national export (tests/factories.py writes the same).
ROSTER_HEADER = [
    "STT",
    "Mã định danh Bộ GD&ĐT",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Lớp học",
    "Họ tên cha",
    "SĐT cha",
    "Họ tên mẹ",
    "SĐT mẹ",
    "SĐT liên hệ",
]
ROSTER_TITLES = [["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], ["DANH SÁCH HỌC SINH NĂM HỌC 2026-2027"], []]
STAFF_HEADER = ["Họ và tên", "SĐT", "Vai trò", "Lớp chủ nhiệm", "Môn dạy", "Lớp dạy"]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
FAMILY += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh", "Đinh", "Lâm", "Mai", "Tạ", "Cao"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Gia", "Đức", "Hữu", "Thành", "Bảo", "Anh", "Tuấn", "Phúc"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Bảo", "Khánh", "Minh", "Hà", "Diệu", "Quỳnh", "Thanh", "Mỹ"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đăng", "Khôi", "Khoa", "Long", "Nam", "Phong", "Quân"]
GIVEN_M += ["Sơn", "Tài", "Thắng", "Trí", "Tùng", "Việt", "Vinh", "Hưng", "Hiếu", "Kiên", "Lâm"]
GIVEN_F = ["Anh", "Chi", "Diệp", "Giang", "Hà", "Hân", "Hoa", "Lan", "Linh", "Mai", "My"]
GIVEN_F += ["Ngân", "Nhi", "Oanh", "Phương", "Quyên", "Thảo", "Thư", "Trang", "Uyên", "Vy", "Yến"]
# Names of minority peoples, as schools in the north and the highlands write them.
MINORITY = [
    "Giàng A Páo",
    "Sùng Thị Mai",
    "Lò Văn Pấng",
    "Hờ Thị Dơ",
    "Y Điêng Niê",
    "H'Hen Niê",
    "Vừ A Dính",
    "Lường Thị Xuân",
    "Ksor Hyu",
    "Mùa Thị Sinh",
    "Thào A Chúa",
    "Rơ Châm Blin",
]
SUBJECTS = ["Toán", "Tiếng Việt", "Đạo đức", "Tự nhiên và Xã hội"]


@dataclass
class Guardian:
    """A parent: the number the export has, and the number their Telegram account has."""

    name: str
    roster_phone: str
    phone: str  # the Telegram account's; another one when the export's is stale
    children: list[str] = field(default_factory=list)  # pupil codes

    @property
    def stale(self) -> bool:
        return self.roster_phone != self.phone


@dataclass
class Pupil:
    code: str
    name: str
    born: date
    gender: str
    klass: str
    father: Guardian
    mother: Guardian


@dataclass
class Member:
    """A member of staff: the staff list's row."""

    name: str
    phone: str
    role: str  # the staff list's words: "Hiệu trưởng", "Giáo viên chủ nhiệm", ...
    homeroom: str = ""


@dataclass
class School:
    seed: int
    classes: list[str]
    pupils: list[Pupil]
    guardians: list[Guardian]
    staff: list[Member]

    def pupil(self, code: str) -> Pupil:
        return self.by_code[code]

    @property
    def by_code(self) -> dict[str, Pupil]:
        return {p.code: p for p in self.pupils}

    def in_class(self, klass: str) -> list[Pupil]:
        return [p for p in self.pupils if p.klass == klass]

    def member(self, role: str) -> Member:
        return next(m for m in self.staff if m.role == role)

    def homeroom_teacher(self, klass: str) -> Member:
        return next(m for m in self.staff if m.homeroom == klass)

    def write_roster(self, path: Path) -> Path:
        rows: list[list[object]] = [list(t) for t in ROSTER_TITLES]
        rows.append(list(ROSTER_HEADER))
        for n, p in enumerate(self.pupils, 1):
            contact = p.mother.roster_phone
            parents = [p.father.name, p.father.roster_phone, p.mother.name, p.mother.roster_phone]
            born = p.born.strftime("%d/%m/%Y")
            rows.append([n, p.code, p.name, born, p.gender, p.klass, *parents, contact])
        return _write(path, rows)

    def write_staff(self, path: Path) -> Path:
        rows: list[list[object]] = [list(STAFF_HEADER)]
        rows += [[m.name, m.phone, m.role, m.homeroom, "", ""] for m in self.staff]
        return _write(path, rows)


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


class _Names:
    """Distinct names: none is a part of another (the privacy check finds names in texts)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def fresh(self, male: bool, family: str | None = None) -> str:
        for _ in range(10_000):
            middle = self.rng.choice(MIDDLE_M if male else MIDDLE_F)
            given = self.rng.choice(GIVEN_M if male else GIVEN_F)
            name = nfc(f"{family or self.rng.choice(FAMILY)} {middle} {given}")
            if self.free(name):
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")

    def free(self, name: str) -> bool:
        return not any(name in other or other in name for other in self.used)

    def take(self, name: str) -> bool:
        name = nfc(name)
        if not self.free(name):
            return False
        self.used.add(name)
        return True


class _Phones:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def fresh(self) -> str:
        while True:
            phone = "09" + self.rng.choice("0134678") + f"{self.rng.randrange(10**7):07d}"
            if phone not in self.used:
                self.used.add(phone)
                return phone


def generate(seed: int, classes: int = 1, per_class: int = 20) -> School:
    """A school of `classes` classes of about `per_class` pupils, the same for the same seed."""
    rng = random.Random(seed)
    names, phones = _Names(rng), _Phones(rng)
    staff = _staff(rng, names, phones, classes)
    class_names = [m.homeroom for m in staff if m.homeroom]
    pupils: list[Pupil] = []
    guardians: list[Guardian] = []
    codes: set[str] = set()
    minorities = list(MINORITY)
    rng.shuffle(minorities)
    for klass in class_names:
        grade = int(klass[0])
        for n in range(per_class + rng.randrange(-2, 3)):
            male = rng.random() < 0.5
            family = rng.choice(FAMILY)
            if minorities and rng.random() < 0.08 and names.take(minorities[-1]):
                name = minorities.pop()
            else:
                name = names.fresh(male, family)
            father = _guardian(rng, names, phones, True, family)
            mother = _guardian(rng, names, phones, False, None)
            pupil = _pupil(rng, codes, name, grade, male, klass, father, mother)
            pupils.append(pupil)
            guardians += [father, mother]
            if n == 3:  # a namesake in the same class, of another family
                twin = _pupil(
                    rng,
                    codes,
                    name,
                    grade,
                    male,
                    klass,
                    _guardian(rng, names, phones, True, None),
                    _guardian(rng, names, phones, False, None),
                )
                pupils.append(twin)
                guardians += [twin.father, twin.mother]
    _siblings(rng, names, codes, pupils, class_names)
    for pupil in pupils:
        for guardian in (pupil.father, pupil.mother):
            guardian.children.append(pupil.code)
    guardians = list({id(g): g for p in pupils for g in (p.father, p.mother)}.values())
    return School(seed, class_names, pupils, guardians, staff)


def _guardian(
    rng: random.Random, names: _Names, phones: _Phones, male: bool, family: str | None
) -> Guardian:
    roster = phones.fresh()
    phone = phones.fresh() if rng.random() < 0.06 else roster  # a stale number in the export
    return Guardian(names.fresh(male, family), roster, phone)


def _pupil(
    rng: random.Random,
    codes: set[str],
    name: str,
    grade: int,
    male: bool,
    klass: str,
    father: Guardian,
    mother: Guardian,
) -> Pupil:
    while (code := f"79{rng.randrange(10**8):08d}") in codes:
        pass
    codes.add(code)
    born = date(2020 - grade + 1, rng.randrange(1, 13), rng.randrange(1, 29))
    return Pupil(code, name, born, "Nam" if male else "Nữ", klass, father, mother)


def _siblings(
    rng: random.Random, names: _Names, codes: set[str], pupils: list[Pupil], classes: list[str]
) -> None:
    """Younger brothers and sisters in other classes (or the same one, in a one-class school)."""
    elders = [p for p in pupils if p.name not in MINORITY]
    for elder in rng.sample(elders, max(1, len(elders) // 12)):
        others = [c for c in classes if c != elder.klass] or [elder.klass]
        klass = rng.choice(others)
        male = rng.random() < 0.5
        family = elder.father.name.split()[0]
        name = names.fresh(male, family)
        sibling = _pupil(rng, codes, name, int(klass[0]), male, klass, elder.father, elder.mother)
        pupils.append(sibling)


def _staff(rng: random.Random, names: _Names, phones: _Phones, classes: int) -> list[Member]:
    members = [
        Member(names.fresh(True), phones.fresh(), "Hiệu trưởng"),
        Member(names.fresh(False), phones.fresh(), "Phó hiệu trưởng"),
        Member(names.fresh(True), phones.fresh(), "Quản trị hệ thống"),
        Member(names.fresh(False), phones.fresh(), "Nhân viên y tế"),
        Member(names.fresh(False), phones.fresh(), "Văn thư"),
    ]
    for n in range(classes):
        grade = 1 + n % 5
        klass = f"{grade}{'ABCDEFGHIK'[n // 5]}"
        members.append(
            Member(names.fresh(rng.random() < 0.3), phones.fresh(), "Giáo viên chủ nhiệm", klass)
        )
    return members
