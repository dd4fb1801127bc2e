"""TT27 and "nothing ranked" on what parents read (the `book` and `ranking` invariants).

Written from domain-vn.md 1.2, 1.4 (d) and 1.5, not from the product's rules module, so that a
fault there shows:

- a test score shown to a parent is a whole number from 0 to 10 ("không cho điểm thập phân");
- an end-of-year outcome shown with the results it sums up is the one TT27 gives them:
  "Hoàn thành xuất sắc" when every subject is T, every quality and competence Tốt and every
  end-of-year test at least 9; "Hoàn thành tốt" the same with tests at least 7; "Hoàn thành"
  when every subject is T or H, every quality Tốt or Đạt and every test at least 5; else
  "Chưa hoàn thành";
- no parent's message ranks or compares: no "hạng", "xếp thứ", "rank", no place "thứ 3/20"
  (or "3/20 học sinh"), no "đứng đầu" or "top", no average ("trung bình", "bình quân",
  "average").
"""

from __future__ import annotations

import re

from simulation.texts import RANKED

SUBJECT_LEVELS = {
    "Hoàn thành tốt": "T",
    "Hoàn thành": "H",
    "Chưa hoàn thành": "C",
    "Completed well": "T",
    "Completed": "H",
    "Not yet completed": "C",
}
QUALITY_LEVELS = {
    "Tốt": "T",
    "Đạt": "Đ",
    "Cần cố gắng": "C",
    "Good": "T",
    "Satisfactory": "Đ",
    "Needs more effort": "C",
}
OUTCOMES = {
    "Hoàn thành xuất sắc": "HTXS",
    "Hoàn thành tốt": "HTT",
    "Hoàn thành": "HT",
    "Chưa hoàn thành": "CHT",
    "Completed excellently": "HTXS",
    "Completed well": "HTT",
    "Completed": "HT",
    "Not yet completed": "CHT",
}
SUBJECTS_HEADING = ("Môn học và hoạt động giáo dục:", "Subjects and educational activities:")
QUALITIES_HEADING = ("Phẩm chất và năng lực:", "Qualities and competences:")
OUTCOME_LINE = re.compile(r"^(?:Kết quả cuối năm|End-of-year outcome): (.+?)\s*$", re.M)
SCORE = re.compile(r"(?:điểm kiểm tra|test score):? (-?\d+(?:[.,]\d+)?)(?!\d)", re.IGNORECASE)
ITEM = re.compile(r"^• (.+?): (.+?)(?:, (?:điểm kiểm tra|test score) (\S+))?\s*$")
TAGS = re.compile(r"</?[a-z]+>")
# A place in the class, a comparison or an average (beyond texts.RANKED's words).
PLACE = re.compile(
    r"(?<!\w)(?:thứ|place|position) ?\d+ ?(?:/|trên|of|out of) ?\d+"
    r"|(?<![\d/])\d+ ?/ ?\d+ (?:học sinh|bạn|pupils)"
    r"|(?<!\w)(?:đứng đầu|top \d+|nhất lớp|best in)",
    re.IGNORECASE,
)
AVERAGE = re.compile(r"(?<!\w)(?:trung bình|bình quân|average|mean score)(?!\w)", re.IGNORECASE)


def ranking_problems(text: str) -> list[str]:
    """What in a parent's message ranks or averages (each kind found once)."""
    found = []
    for pattern, what in ((RANKED, "a rank"), (PLACE, "a place"), (AVERAGE, "an average")):
        match = pattern.search(text)
        if match is not None:
            found.append(f"{what}: “{match.group(0)}” in “{' '.join(text.split())[:80]}”")
    return found


def tt27(subjects: list[str], qualities: list[str], scores: list[int]) -> str:
    """The end-of-year outcome TT27 (Điều 9) gives these results."""
    if all(s == "T" for s in subjects) and all(q == "T" for q in qualities):
        if all(s >= 9 for s in scores):
            return "HTXS"
        if all(s >= 7 for s in scores):
            return "HTT"
    if (
        all(s in ("T", "H") for s in subjects)
        and all(q in ("T", "Đ") for q in qualities)
        and all(s >= 5 for s in scores)
    ):
        return "HT"
    return "CHT"


def outcome_problems(text: str) -> list[str]:
    """What in a parent's message breaks TT27: a score that is not a whole number from 0 to
    10, an end-of-year outcome that is not the one its results give."""
    plain = TAGS.sub("", text)
    problems = [
        f"a test score “{value}”"
        for value in SCORE.findall(plain)
        if not (value.isdigit() and 0 <= int(value) <= 10)
    ]
    shown = OUTCOME_LINE.search(plain)
    if shown is None:
        return problems
    read = _results(plain)
    if read is None:
        return [*problems, f"an outcome “{shown.group(1)}” with results it cannot be read from"]
    subjects, qualities, scores = read
    outcome = OUTCOMES.get(shown.group(1))
    wanted = tt27(subjects, qualities, scores)
    if outcome != wanted:
        detail = f"subjects {''.join(subjects)}, qualities {''.join(qualities)}, tests {scores}"
        problems.append(f"outcome “{shown.group(1)}”, TT27 gives {wanted} ({detail})")
    return problems


def _results(plain: str) -> tuple[list[str], list[str], list[int]] | None:
    """(subject levels, quality levels, test scores) listed in a results message; None when a
    line does not read as one."""
    subjects: list[str] = []
    qualities: list[str] = []
    scores: list[int] = []
    section: str | None = None
    for raw in plain.splitlines():
        line = raw.strip()
        if line in SUBJECTS_HEADING or line in QUALITIES_HEADING:
            section = "subjects" if line in SUBJECTS_HEADING else "qualities"
            continue
        if not line:
            section = None
        if section is None or not line.startswith("•"):
            continue
        item = ITEM.match(line)
        names = SUBJECT_LEVELS if section == "subjects" else QUALITY_LEVELS
        if item is None or item.group(2) not in names:
            return None
        (subjects if section == "subjects" else qualities).append(names[item.group(2)])
        if item.group(3) is not None:
            if not item.group(3).isdigit():
                return None
            scores.append(int(item.group(3)))
    return (subjects, qualities, scores) if subjects else None
