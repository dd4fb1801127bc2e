"""Texts kept within Telegram's limits: plain text in parts, excerpts with "…"."""

from bot.core.split import utf16_len
from bot.delivery.replies import caption, excerpt, fit_html, head_and_tail, parts

PLAIN = "Con <b>Lan</b> & em: điểm 8 < 9. " * 400


def test_plain_text_is_split_without_being_read_as_html() -> None:
    pieces = parts(PLAIN, as_html=False)
    assert len(pieces) > 1 and all(utf16_len(piece) <= 4096 for piece in pieces)
    assert "".join("".join(piece.split()) for piece in pieces) == "".join(PLAIN.split())


def test_excerpts_stay_within_their_limit_and_say_they_were_cut() -> None:
    assert excerpt("ngắn", 10) == "ngắn"
    cut = excerpt(PLAIN, 100)
    assert utf16_len(cut) <= 100 and cut.endswith("…") and PLAIN.startswith(cut[:-1])
    both = head_and_tail(PLAIN + "KẾT", 300)
    assert utf16_len(both) <= 300 and both.startswith("Con") and both.endswith("KẾT")
    assert utf16_len(caption(PLAIN)) <= 1024


def test_html_that_does_not_fit_keeps_its_first_part() -> None:
    text = "<b>Danh sách</b>\n" + "• <i>Nguyễn Văn An</i> &amp; bố\n" * 400
    fitted = fit_html(text, 1024)
    assert fitted.startswith("<b>Danh sách</b>") and fitted.endswith("…")
    assert fit_html("<b>ngắn</b>") == "<b>ngắn</b>"
