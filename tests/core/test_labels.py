"""One label table per enum (bot/core/labels.py): complete, translated, read alike everywhere."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import translator
from bot.core.labels import (
    ASSESSMENT_KIND_LABELS,
    CORRECTION_REASON_LABELS,
    CORRECTION_STATE_LABELS,
    Label,
)
from bot.features.archive.queries import build_archive
from storage.models import AssessmentKind, CorrectionReason, CorrectionState, School
from tests.features.archive.test_archive import YEAR, read_index, seed_requests

VI = translator("vi")


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        (CorrectionReason, CORRECTION_REASON_LABELS),
        (CorrectionState, CORRECTION_STATE_LABELS),
        (AssessmentKind, ASSESSMENT_KIND_LABELS),
    ],
)
def test_every_value_has_a_chat_and_a_formal_label_in_vietnamese(
    kind: type[enum.Enum], table: Mapping[enum.Enum, Label]
) -> None:
    assert list(table) == list(kind)
    for label in table.values():
        for msgid in label:
            assert VI(msgid) != msgid, msgid


def test_the_documents_use_the_formal_wording_of_the_circular() -> None:
    retest = CORRECTION_REASON_LABELS[CorrectionReason.RETEST]
    assert VI(retest.chat) == "Kiểm tra lại (Điều 7, Thông tư 27)"
    assert VI(retest.formal) == "Kiểm tra lại theo Điều 7 Thông tư 27"


async def test_the_archive_names_a_reason_as_the_teacher_chose_it(
    session: AsyncSession, school: School
) -> None:
    """The re-marked request reads "Chấm lại bài kiểm tra" in the index, as on its button."""
    seeded = await seed_requests(session, school)
    archive = await build_archive(session, school.id, YEAR, ZoneInfo("Asia/Ho_Chi_Minh"))
    rows = {row[VI("Number")]: row for row in read_index(archive.data)}
    remarked = CORRECTION_REASON_LABELS[CorrectionReason.REMARKED]
    assert rows[str(seeded.rejected)][VI("Reason")] == VI(remarked.chat) == "Chấm lại bài kiểm tra"
