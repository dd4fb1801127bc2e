"""How a correction request is named to people: by the pupil, the item and the day it was
filed, never by its number; its evidence by kind ("ảnh 1", a file by the name its sender gave).

Plain text (the callers escape it), no I/O: the facts are read by reads.request_facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.i18n import N_, Translator
from bot.core.labels import CORRECTION_STATE_LABELS
from bot.features.assessment.queries import Item, period_name
from bot.features.corrections.evidence_kinds import evidence_media
from bot.features.corrections.reads import RequestFacts
from bot.features.leave.rules import MAX_DAYS as ABSENCE_MAX_DAYS
from bot.features.leave.rules import DayProblem
from storage.models import CorrectionFile, CorrectionRequest

WHAT = N_("{item} ({period}) of {pupil}, class {class_name}")
STATE = N_("The correction of {what}, filed on {day}: {state}.")
PHOTO = N_("photo {number}")
# A file sent as a file is named by its kind and numbered within it, never by its name.
PDF_FILE = N_("PDF file {number}")
WORD_FILE = N_("Word file {number}")
PICTURE_FILE = N_("picture file {number}")
OTHER_FILE = N_("file {number}")
_FILE_KINDS = {
    "pdf": PDF_FILE,
    "doc": WORD_FILE,
    "docx": WORD_FILE,
    "jpg": PICTURE_FILE,
    "jpeg": PICTURE_FILE,
    "png": PICTURE_FILE,
    "heic": PICTURE_FILE,
    "webp": PICTURE_FILE,
}


def what(request: CorrectionRequest, facts: RequestFacts, _: Translator) -> str:
    """ "Toán — điểm kiểm tra (Cuối năm học) của Hoàng Anh Đăng, lớp 1A"."""
    return _(WHAT).format(
        item=Item(request.kind, request.item).name(_),
        period=period_name(request.period, _),
        pupil=facts.pupil,
        class_name=facts.class_name,
    )


def filed(facts: RequestFacts) -> str:
    """The day the request was filed, dd/mm/yyyy."""
    return facts.filed.strftime("%d/%m/%Y")


def state_line(request: CorrectionRequest, facts: RequestFacts, _: Translator) -> str:
    """ "Đề nghị sửa … gửi ngày 05/12/2026: đã được duyệt, …" for a press that finds the
    request moved on."""
    return _(STATE).format(
        what=what(request, facts, _),
        day=filed(facts),
        state=_(CORRECTION_STATE_LABELS[request.state].chat),
    )


def is_photo(file: CorrectionFile) -> bool:
    """Whether an evidence file came as a photo (rather than as a file)."""
    if file.telegram_file_id:
        return evidence_media(file.telegram_file_id) == "photo"
    return file.name.startswith("anh-") and (file.mime or "").startswith("image/")


def file_kind(name: str) -> str:
    """The msgid naming a file sent as a file by its kind: "tệp PDF {number}", …"""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return _FILE_KINDS.get(extension, OTHER_FILE)


def _numbered(kinds: Sequence[str], _: Translator) -> list[str]:
    """ "ảnh 1", "tệp PDF 1", "ảnh 2": each kind numbered on its own, in the order sent."""
    counts: dict[str, int] = {}
    labels = []
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
        labels.append(_(kind).format(number=counts[kind]))
    return labels


def evidence_labels(files: Sequence[CorrectionFile], _: Translator) -> list[str]:
    """Each evidence file as people name it: "ảnh 1", "ảnh 2", "tệp PDF 1" (never its name)."""
    return _numbered([PHOTO if is_photo(f) else file_kind(f.name) for f in files], _)


def draft_labels(
    entries: Sequence[Mapping[str, Any]], _: Translator, kept: Sequence[CorrectionFile] = ()
) -> list[str]:
    """The files of a draft or an addition, named as `evidence_labels` will name them once kept
    (after the request's `kept` files, for an addition)."""
    kinds = [PHOTO if is_photo(f) else file_kind(f.name) for f in kept]
    kinds += [PHOTO if e.get("photo") else file_kind(str(e["name"])) for e in entries]
    return _numbered(kinds, _)[len(kept) :]


ALERT_LIMIT = 200  # Telegram's longest answer to a press


def alert_sized(text: str) -> str:
    """A text cut to fit a press's pop-up (Telegram refuses more than 200 characters)."""
    return text if len(text) <= ALERT_LIMIT else text[: ALERT_LIMIT - 1].rstrip() + "…"


# What is wrong with the days the principal typed after /vangmat, said to a leader (the leave
# feature's texts about days speak to parents).
ABSENCE_DAYS = {
    DayProblem.BAD_FORM: N_(
        "Please write the days of the absence as dd/mm, or a range as dd/mm-dd/mm, like "
        "08/12-12/12."
    ),
    DayProblem.NO_SUCH_DATE: N_(
        "One of those dates does not exist; please check the day and the month of the absence."
    ),
    DayProblem.PAST: N_("That day has already passed; an absence is recorded from today on."),
    DayProblem.END_BEFORE_START: N_(
        "The last day comes before the first day; please check the days of the absence."
    ),
    DayProblem.TOO_LONG: N_(
        "One absence covers at most {limit} days; please record a longer one in parts."
    ),
    DayProblem.WEEKEND: DayProblem.WEEKEND.value,
    DayProblem.OUTSIDE_YEAR: DayProblem.OUTSIDE_YEAR.value,
}


def explain_absence_days(problem: DayProblem, _: Translator) -> str:
    """Why the days of a leader's absence were refused, in words for the leader."""
    return _(ABSENCE_DAYS[problem]).format(limit=ABSENCE_MAX_DAYS)
