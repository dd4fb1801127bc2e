"""Translators over the gettext catalogs in `locales/`; Vietnamese first, English second."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later at call time."""
    return message


class Translator:
    """Translate msgids into one language; placeholders are filled after translation."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str) -> str:
        """Return the translation of message."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the translation of singular or plural for n."""
        return self._translations.ngettext(singular, plural, n)

    __call__ = gettext


def supported(language: str | None) -> str | None:
    """Return the supported language for a code such as `vi`, `en-US` or None."""
    if not language:
        return None
    base = language.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose_language(
    saved: str | None, telegram_code: str | None, *, on_the_lists: bool = False
) -> str:
    """The person's language: their own choice (/ngonngu) first; Vietnamese for everyone on the
    school's lists whatever their Telegram app's language; for anyone else the app's language
    if supported, else Vietnamese."""
    if supported(saved):
        return str(supported(saved))
    if on_the_lists:
        return DEFAULT_LANGUAGE
    return supported(telegram_code) or DEFAULT_LANGUAGE


@cache
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """Return the translator for a language (`.mo` if built, else compiled from the `.po`)."""
    language = supported(language) or DEFAULT_LANGUAGE
    folder = LOCALES / language / "LC_MESSAGES"
    mo_path = folder / f"{DOMAIN}.mo"
    po_path = folder / f"{DOMAIN}.po"
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as handle:
            return Translator(language, gettext.GNUTranslations(handle))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translator(language, gettext.GNUTranslations(buffer))
