"""Evidence by kind (issue 17 §3): a score correction needs the record book's page and the
pupil's test (Nguyễn Khuyến's regulation, Điều 11.2); the minutes list the files grouped by
kind in words; parts and optional subjects are named and offered in corrections."""

from __future__ import annotations

import pytest

from bot.core.access import Actor
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections import evidence_kinds as kinds
from bot.features.corrections import queries
from bot.features.corrections.documents import EvidenceFile, build_minutes, item_name
from bot.features.corrections.rules import Refused
from storage.models import AccountState, AssessmentKind, Role, SchoolClass, TelegramAccount
from tests.features.corrections.test_minutes import EN, minutes_fields, sample

SCORE, LEVEL = AssessmentKind.SCORE, AssessmentKind.LEVEL


def test_a_score_needs_the_book_page_and_the_test_a_level_any_file() -> None:
    assert kinds.missing(SCORE, ["book"]) == ("test",)
    assert kinds.missing(SCORE, ["other", None]) == ("book", "test")
    assert kinds.missing(SCORE, ["test", "book"]) == ()
    assert kinds.missing(LEVEL, ["other"]) == ()
    with pytest.raises(Refused) as refused:
        kinds.check(SCORE, ["book", "other"])
    assert refused.value.message(EN).endswith(
        "still missing: the pupil's test. Please send it, then say what it is."
    )
    assert kinds.first_unmarked([{"kind": "book"}, {}, {"kind": "x"}]) == 1
    assert kinds.first_unmarked([{"kind": "other"}]) is None


def test_the_minutes_group_the_files_by_kind_in_words() -> None:
    files = (
        EvidenceFile("anh-1.jpg", 10, "a" * 64, "ảnh 1", "the page of the record book"),
        EvidenceFile("anh-2.jpg", 10, "b" * 64, "ảnh 2", "the page of the record book"),
        EvidenceFile("bai.pdf", 10, "c" * 64, "tệp PDF 1", "the pupil's test"),
    )
    fields = minutes_fields(build_minutes(sample(evidence=files), EN))
    assert fields["Evidence"].splitlines() == [
        "The page of the record book: ảnh 1, ảnh 2",
        "The pupil's test: tệp PDF 1",
    ]


def test_files_kept_before_kinds_are_listed_as_before() -> None:
    lines = kinds.listed([("", "ảnh 1"), ("", "tệp PDF 1")], ["the page"], EN)
    assert lines == ["the page:", "1. ảnh 1", "2. tệp PDF 1"]


def test_a_part_is_named_by_its_own_name() -> None:
    assert item_name(LEVEL, "AN") == "Âm nhạc"
    assert item_name(SCORE, "TIN") == "Tin học"
    assert item_name(LEVEL, "TOAN") == "Toán"


def test_corrections_offer_the_optional_subjects_the_school_teaches() -> None:
    account = TelegramAccount(id=1, school_id=1, chat_id=1, state=AccountState.LINKED)
    actor = Actor(account, frozenset({Role.HOMEROOM}), homeroom_classes=frozenset({7}))
    klass = SchoolClass(id=7, school_id=1, name="1A", grade=1)
    language = Item(LEVEL, "NN1")
    assert language not in queries.items_in_scope(actor, klass, Period.CN)
    assert language in queries.items_in_scope(actor, klass, Period.CN, ("NN1",))


@pytest.mark.parametrize(
    ("file_id", "media"),
    [
        # Telegram's own ids: a photo's begins "AgAC", a document's "BQAC" (a JPEG sent as a
        # file has a document's id); the sandbox gives its files ids of the same shape.
        ("AgACAgIAAxkBAAIBY2Zx8Qe1", "photo"),
        ("BQACAgIAAxkBAAIBZGZx8Qf2", "document"),
        ("AgAC000001a1b2c3d4e5f6a7b8", "photo"),
        ("BQAC000002a1b2c3d4e5f6a7b8", "document"),
        # A video's, a sticker's, an id that is not base64, none: the kept bytes are uploaded.
        ("BAACAgIAAxkBAAIBZWZx8Qg3", "stored"),
        ("CAACAgIAAxkBAAIBZmZx8Qh4", "stored"),
        ("!!!!", "stored"),
        ("", "stored"),
        (None, "stored"),
    ],
)
def test_evidence_goes_on_as_what_telegram_says_its_file_is(
    file_id: str | None, media: str
) -> None:
    assert kinds.evidence_media(file_id) == media
