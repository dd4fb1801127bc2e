"""Catalogs parse, Vietnamese is complete, placeholders survive, the template is current."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.i18n import LANGUAGES, translator

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def texts(value: object) -> list[str]:
    return [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language: str) -> None:
    entries = [message for message in catalog(language) if message.id]
    assert entries
    assert [m.id for m in entries if m.fuzzy] == []
    assert [m.id for m in entries if not all(texts(m.string))] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(texts(message.id)[0]))
        for text in texts(message.string):
            assert set(PLACEHOLDER.findall(text)) == wanted, message.id


def test_template_lists_exactly_the_msgids_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "tr",  # handlers name a translator for another person's language `tr`
            "--no-location",
            "--omit-header",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        code_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "locales" / "messages.pot").open("rb") as handle:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert code_ids == committed, "run `make catalogs` after changing user-facing text"
    for language in LANGUAGES:
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
        assert translated == code_ids, language


def test_translators_answer_in_both_languages() -> None:
    assert translator("vi")("Sunday") == "Chủ nhật"
    assert translator("en-US")("Sunday") == "Sunday"
    assert translator("fr")("Sunday") == "Chủ nhật"
