"""Vietnamese first: a person on the school's lists reads Vietnamese whatever their Telegram
app's language; English is their own choice (/ngonngu)."""

from __future__ import annotations

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from tests.e2e.conftest import MOTHER


async def test_a_parent_on_the_lists_with_an_english_telegram_reads_vietnamese_once_linked(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await make_person(*MOTHER, language_code="en")
    await mother.command("start")
    screen = await mother.next_message(timeout=10)  # not known yet: the app's language
    assert "consent" in screen["text"].lower(), screen["text"]
    await mother.press("I agree")
    await mother.next_message(timeout=10, new_only=True)
    await mother.share_contact()
    welcome = await mother.next_message(timeout=10)
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"], welcome["text"]
    await mother.command("menu")
    menu = await mother.next_message(timeout=10)
    assert menu["text"] == "Danh mục:", menu["text"]
    rows = menu["reply_keyboard"]["keyboard"]
    labels = [b["text"] if isinstance(b, dict) else b for row in rows for b in row]
    assert "Con của tôi" in labels or any("Góp ý" in label for label in labels), labels
    await mother.command("help")
    assert "Các việc có thể làm:" in (await mother.next_message(timeout=10))["text"]

    # Her own choice of English is kept.
    await mother.command("ngonngu")
    await mother.next_message(timeout=10)
    await mother.press("English")
    assert "Language: English" in (await mother.next_message(timeout=10))["text"]
    assert (await mother.next_message(timeout=10))["text"] == "Menu:"
    await mother.command("help")
    assert "What you can do:" in (await mother.next_message(timeout=10))["text"]
