"""The year's correction archive: every request's minutes and evidence, with a CSV index."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.i18n import Translator, translator
from bot.core.labels import (
    ASSESSMENT_KIND_LABELS,
    CORRECTION_REASON_LABELS,
    CORRECTION_STATE_LABELS,
    ROLE_LABELS,
)
from bot.features.archive.rules import parse_school_year
from bot.features.corrections.documents import item_name, moment, period_label, value_label
from storage.exports import csv_row
from storage.models import (
    CorrectionFile,
    CorrectionRequest,
    Role,
    SchoolClass,
    Staff,
    Student,
)
from storage.names import search_key
from storage.queries import audit

__all__ = ["Archive", "build_archive", "parse_school_year", "record_export", "safe_name"]

INDEX = "index.csv"
ARCHIVED = ("evidence", "minutes")  # the kinds of kept files the archive holds
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
NAME_LIMIT = 80  # characters of a stored file's name, extension included


@dataclass(frozen=True, slots=True)
class Archive:
    """The zip file, with how many requests it indexes and how many files it holds."""

    data: bytes
    requests: int
    files: int


def safe_name(name: str) -> str:
    """Return a file name any system can store: accents folded, no separators, kept short."""
    base = re.split(r"[\\/]", search_key(name))[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = _UNSAFE.sub("-", stem).strip("-.") or "tep"
    extension = _UNSAFE.sub("", extension)[:10]
    room = NAME_LIMIT - len(extension) - 1
    return f"{stem[:room]}.{extension}" if extension else stem[:NAME_LIMIT]


def _columns(_: Translator) -> list[str]:
    return [
        _("Number"),
        _("Pupil"),
        _("Student ID"),
        _("Class"),
        _("Assessment period"),
        _("Kind of item"),
        _("Item"),
        _("Recorded result"),
        _("Corrected result"),
        _("Reason"),
        _("Explanation"),
        _("State"),
        _("Requested by"),
        _("Requested at"),
        _("Decided by"),
        _("Decided at"),
        _("Decision note"),
        _("Changed in the official system at"),
        _("Completed at"),
        _("Files"),
        _("SHA-256 of the files"),
    ]


async def build_archive(
    session: AsyncSession,
    school_id: int,
    school_year: str,
    zone: ZoneInfo,
    *,
    _: Translator | None = None,
) -> Archive:
    """Zip a school year's correction requests, in any state, with their minutes and evidence.

    The index is in Vietnamese unless another translator is given: it is the school's record.
    """
    _ = _ or translator("vi")
    rows = await _requests(session, school_id, school_year)
    files = await _files(session, school_id, school_year)
    paths: dict[int, list[tuple[int, str]]] = {}
    digests = {file_id: digest for file_id, _request, _kind, _name, digest in files}
    for file_id, request_id, kind, name, _digest in files:
        taken = paths.setdefault(request_id, [])
        taken.append((file_id, _path(request_id, kind, name, taken)))
    buffer = io.BytesIO()
    index = io.StringIO(newline="")
    writer = csv.writer(index)
    writer.writerow(csv_row(_columns(_)))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for request, pupil, code, class_name, asked_by, decided_by in rows:
            stored = paths.get(request.id, [])
            minutes_first = sorted(stored, key=lambda file: not file[1].startswith("bien-ban/"))
            names = "; ".join(path for _id, path in minutes_first)
            hashes = "; ".join(f"{path}: {digests[file_id]}" for file_id, path in minutes_first)
            people = (pupil, code, class_name, asked_by, decided_by)
            writer.writerow(csv_row([*_row(request, people, names, zone, _), hashes]))
            for file_id, path in stored:
                content = await session.scalar(
                    select(CorrectionFile.content).where(CorrectionFile.id == file_id)
                )
                await asyncio.to_thread(archive.writestr, path, content or b"")
        data = "\ufeff" + index.getvalue()  # the BOM makes Excel read the file as UTF-8
        await asyncio.to_thread(archive.writestr, INDEX, data.encode("utf-8"))
    return Archive(buffer.getvalue(), len(rows), len(files))


async def _requests(session: AsyncSession, school_id: int, school_year: str) -> list[Any]:
    """The year's requests with the pupil, the class, who asked and who decided."""
    requester, decider = aliased(Staff), aliased(Staff)
    rows = await session.execute(
        select(
            CorrectionRequest,
            Student.full_name,
            Student.student_code,
            SchoolClass.name,
            requester.full_name,
            decider.full_name,
        )
        .join(Student, Student.id == CorrectionRequest.student_id)
        .join(SchoolClass, SchoolClass.id == CorrectionRequest.class_id)
        .outerjoin(requester, requester.id == CorrectionRequest.requested_by)
        .outerjoin(decider, decider.id == CorrectionRequest.decided_by)
        .where(
            CorrectionRequest.school_id == school_id,
            CorrectionRequest.school_year == school_year,
        )
        .order_by(CorrectionRequest.id)
    )
    return list(rows.all())


async def _files(session: AsyncSession, school_id: int, school_year: str) -> list[Any]:
    """The year's kept files (id, request, kind, name, SHA-256), by request."""
    rows = await session.execute(
        select(
            CorrectionFile.id,
            CorrectionFile.request_id,
            CorrectionFile.kind,
            CorrectionFile.name,
            CorrectionFile.sha256,
        )
        .join(CorrectionRequest, CorrectionRequest.id == CorrectionFile.request_id)
        .where(
            CorrectionFile.school_id == school_id,
            CorrectionRequest.school_year == school_year,
            CorrectionFile.kind.in_(ARCHIVED),  # not the drafts the three read before signing
        )
        .order_by(CorrectionFile.request_id, CorrectionFile.id)
    )
    return list(rows.all())


def record_export(
    session: AsyncSession, school_id: int, who: str, school_year: str, archive: Archive
) -> None:
    """Audit an export of the archive: which year, how many requests and files."""
    audit(
        session,
        school_id=school_id,
        actor=who,
        action="archive.exported",
        entity="correction_archive",
        entity_id=school_year,
        after={"requests": archive.requests, "files": archive.files},
    )


def _path(request_id: int, kind: str, name: str, taken: list[tuple[int, str]]) -> str:
    """Where a file goes in the zip: the minutes under bien-ban, the evidence numbered."""
    if kind == "minutes":
        earlier = sum(path.startswith("bien-ban/") for _id, path in taken)
        return f"bien-ban/{request_id}" + (f"-{earlier + 1}" if earlier else "") + ".docx"
    number = 1 + sum(path.startswith("minh-chung/") for _id, path in taken)
    return f"minh-chung/{request_id}/{number}-{safe_name(name)}"


def _row(
    request: CorrectionRequest,
    people: tuple[str, str, str, str | None, str | None],
    files: str,
    zone: ZoneInfo,
    _: Translator,
) -> list[object]:
    """One request as a line of the index."""
    pupil, code, class_name, asked_by, decided_by = people

    def when(at: datetime | None) -> str:
        return "" if at is None else moment(at, zone)

    role = request.decided_role
    if decided_by and role is not None and role in ROLE_LABELS:
        decided_by += f" ({_(ROLE_LABELS[Role(role)])})"
    return [
        request.id,
        pupil,
        code,
        class_name,
        period_label(request.period, _),
        _(ASSESSMENT_KIND_LABELS[request.kind].formal),
        item_name(request.kind, request.item),
        value_label(request.kind, request.old_value, _),
        value_label(request.kind, request.new_value, _),
        _(CORRECTION_REASON_LABELS[request.reason].formal),
        request.reason_text,
        _(CORRECTION_STATE_LABELS[request.state].formal),
        asked_by or "",
        when(request.created_at),
        decided_by or "",
        when(request.decided_at),
        request.decision_note or "",
        when(request.applied_at),
        when(request.completed_at),
        files,
    ]
