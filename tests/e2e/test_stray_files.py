"""A photo or a file sent outside any flow is answered, never passed over in silence."""

from __future__ import annotations

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person

PHOTO = b"\xff\xd8\xff\xe0" + b"giay kham benh" * 50
PDF = b"%PDF-1.4\n" + b"0" * 200


async def test_a_parents_photo_outside_any_flow_says_it_was_not_sent_and_how_to_send_it(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.send_photo(PHOTO, "giay-kham.jpg", caption="Giấy khám bệnh của cháu Đăng ạ")
    answer = (await mother.next_message(timeout=10))["text"]
    assert "chưa được chuyển cho ai" in answer and "/xinnghi" in answer and "/gopy" in answer
    await mother.send_document(PDF, "giay-kham.pdf", mime_type="application/pdf")
    assert "chưa được chuyển cho ai" in (await mother.next_message(timeout=10))["text"]


async def test_a_photo_while_a_typed_answer_is_awaited_is_answered_and_the_question_stays(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10)
    await teacher.press(listing["buttons"][0][0]["text"])  # the first pupil: her comment?
    await teacher.next_message(timeout=10)
    await teacher.send_photo(PHOTO, "anh.jpg")
    answer = (await teacher.next_message(timeout=10))["text"]
    assert "cần nhập chữ" in answer, answer
    await teacher.send("Con ngoan, chăm phát biểu.")  # the question still waits
    assert "Đã lưu" in (await teacher.next_message(timeout=10))["text"]


async def test_a_stranger_who_sends_a_file_is_asked_to_link_first(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    stranger = await make_person("Người lạ", "+84909111222")
    await stranger.send_document(PDF, "tai-lieu.pdf", mime_type="application/pdf")
    assert "/start" in (await stranger.next_message(timeout=10))["text"]


async def test_a_voice_note_or_a_video_is_answered_never_passed_over(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.send_voice(b"OggS" + b"0" * 200)
    answer = (await mother.next_message(timeout=10))["text"]
    assert "tin nhắn thoại" in answer and "/gopy" in answer and "/xinnghi" in answer, answer
    await mother.send_video(b"\x00\x00\x00\x18ftypmp42" + b"0" * 200, caption="Con hát ạ")
    assert "chưa được gửi" in (await mother.next_message(timeout=10))["text"]
    stranger = await make_person("Người lạ", "+84909111223")
    await stranger.send_voice(b"OggS" + b"0" * 200)
    assert "/start" in (await stranger.next_message(timeout=10))["text"]


async def test_a_voice_note_while_a_typed_answer_is_awaited_keeps_the_question(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10)
    await teacher.press(listing["buttons"][0][0]["text"])
    await teacher.next_message(timeout=10)
    await teacher.send_voice(b"OggS" + b"0" * 200)
    assert "gõ" in (await teacher.next_message(timeout=10))["text"]
    await teacher.send("Con ngoan, chăm phát biểu.")
    assert "Đã lưu" in (await teacher.next_message(timeout=10))["text"]
