"""Long HTML messages split into parts that fit Telegram's limit and parse on their own."""

import random
import re
import unicodedata
from html.parser import HTMLParser

from bot.core.split import split_html
from sandbox.htmlcheck import parse_html

ALLOWED = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")

SENTENCES = [
    "Kính gửi quý phụ huynh học sinh lớp 3A.",
    "Nhà trường thông báo lịch họp phụ huynh đầu năm học vào sáng thứ Bảy tuần này.",
    "Đề nghị quý phụ huynh sắp xếp thời gian đến dự đầy đủ và đúng giờ.",
    "Các em học sinh cần mang theo sách giáo khoa, vở ghi và đồ dùng học tập.",
    "Buổi học ngoại khóa về an toàn giao thông sẽ diễn ra ở sân trường!",
    "Phụ huynh có thắc mắc xin liên hệ cô giáo chủ nhiệm qua số điện thoại của lớp.",
    "Trân trọng cảm ơn sự quan tâm, phối hợp của gia đình…",
    "Học sinh nghỉ học phải có giấy xin phép của cha mẹ hoặc người giám hộ.",
]


class _Checker(HTMLParser):
    """Records the visible text and the start tags, and checks that tags balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, tag
        self.stack.append(tag)
        self.starts.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)


def check(part: str) -> _Checker:
    """Parse one part, asserting its tags balance; return the parser for its text and tags."""
    checker = _Checker()
    checker.feed(part)
    checker.close()
    assert not checker.stack, (checker.stack, part)
    return checker


def visible(part: str) -> str:
    return "".join(check(part).pieces)


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def assert_preserved(original: str, parts: list[str]) -> list[int]:
    """Assert the parts' text is the original's but for whitespace at the cuts.

    Returns where each part ends in the original's visible text.
    """
    source = visible(original)
    at = 0
    ends: list[int] = []
    for part in parts:
        text = visible(part)
        assert text, part
        while at < len(source) and source[at].isspace() and not source.startswith(text, at):
            at += 1
        assert source.startswith(text, at), (source[at : at + 40], text[:40])
        at += len(text)
        ends.append(at)
    assert not source[at:].strip(), source[at:]
    return ends


def assert_parts(original: str, parts: list[str], limit: int) -> None:
    """Every part balances, fits, keeps entities whole and starts on a grapheme."""
    for part in parts:
        text = visible(part)
        assert units(text) <= limit, (units(text), part)
        # The sandbox parses like Telegram: same text, and no broken entity.
        assert parse_html(part)[0] == text
        assert all(ENTITY.match(part, m.start()) for m in re.finditer("&", part)), part
        assert not unicodedata.combining(text[0]) and text[0] != "\u200d", part
    assert_preserved(original, parts)


def vietnamese_text(rng: random.Random, size: int) -> str:
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 8))))
    return "\n\n".join(paragraphs)


def test_short_text_is_unchanged() -> None:
    for text in ["", "   \n ", "Xin chào <b>phụ huynh</b> &amp; các em!", "x" * 4096]:
        assert split_html(text) == [text]
    assert split_html("&lt;" * 10, 10) == ["&lt;" * 10]


def test_long_vietnamese_text_splits_at_paragraph_breaks() -> None:
    text = vietnamese_text(random.Random(7), 10_000)
    assert unicodedata.is_normalized("NFC", text) and len(text) >= 10_000
    parts = split_html(text)
    assert len(parts) >= 3
    assert_parts(text, parts, 4096)
    ends = assert_preserved(text, parts)
    for end in ends[:-1]:
        assert text[end : end + 2] == "\n\n"
    assert all(unicodedata.is_normalized("NFC", part) for part in parts)
    assert "".join(re.sub(r"\s", "", part) for part in parts) == re.sub(r"\s", "", text)


def test_breaks_are_preferred_in_order() -> None:
    assert split_html("Một hai ba. Bốn năm sáu bảy", 20) == ["Một hai ba.", "Bốn năm sáu bảy"]
    assert split_html("Một hai\nba bốn năm sáu", 14) == ["Một hai", "ba bốn năm sáu"]
    assert split_html("Một hai\n\nba\nbốn năm sáu", 14) == ["Một hai", "ba\nbốn năm sáu"]
    assert split_html("ab cd\u00a0ef", 6) == ["ab", "cd\u00a0ef"]  # no cut at a no-break space
    # A break that leaves the part less than half full gives way to a later, lesser one.
    assert split_html("A.\n\nb c d e f g h i j k", 12) == ["A.\n\nb c d e", "f g h i j k"]


def test_bold_crossing_the_cut_is_closed_and_reopened() -> None:
    text = "Thông báo: <b>" + " ".join(["họp phụ huynh"] * 20) + "</b> xong."
    parts = split_html(text, 100)
    assert len(parts) > 2
    assert_parts(text, parts, 100)
    assert parts[0].startswith("Thông báo: <b>") and parts[0].endswith("</b>")
    for part in parts[1:-1]:
        assert part.startswith("<b>") and part.endswith("</b>")
    assert parts[-1].startswith("<b>") and parts[-1].endswith("</b> xong.")


def test_link_crossing_the_cut_keeps_its_href() -> None:
    href = "https://example.com/lich?lop=3A&amp;tuan=2"
    text = f'Xem <a href="{href}">lịch học của lớp 3A trong tuần này</a> nhé.'
    parts = split_html(text, 30)
    assert len(parts) == 2
    assert_parts(text, parts, 30)
    for part in parts:
        assert f'<a href="{href}">' in part
        assert ("a", {"href": "https://example.com/lich?lop=3A&tuan=2"}) in check(part).starts


def test_nested_tags_reopen_with_their_attributes() -> None:
    opening = '<blockquote expandable><pre><code class="language-python">'
    text = opening + "\n".join(f"print({n})" for n in range(20)) + "</code></pre></blockquote>"
    parts = split_html(text, 50)
    assert len(parts) > 1
    assert_parts(text, parts, 50)
    for part in parts:
        assert part.startswith(opening) and part.endswith("</code></pre></blockquote>")


def test_entities_are_never_cut_and_count_as_one() -> None:
    assert split_html("&lt;" * 11, 10) == ["&lt;" * 10, "&lt;"]
    text = "a &amp; b &quot;c&quot; &#273;&#x1EC3; " * 30
    for limit in range(5, 40):
        assert_parts(text, split_html(text, limit), limit)


def test_a_word_longer_than_the_limit_is_cut() -> None:
    assert split_html("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_html("ab " + "y" * 12, 10) == ["ab", "y" * 10, "yy"]


def test_lengths_are_utf16_units() -> None:
    assert split_html("✅" * 10, 10) == ["✅" * 10]
    assert split_html("😀" * 5, 10) == ["😀" * 5]
    assert split_html("😀" * 6, 10) == ["😀" * 5, "😀"]
    assert split_html("a" + "😀" * 5, 10) == ["a" + "😀" * 4, "😀"]


def test_graphemes_stay_whole() -> None:
    word = unicodedata.normalize("NFD", "Nguyễn") * 10  # letters with combining marks
    parts = split_html(word, 7)
    assert_parts(word, parts, 7)
    assert "".join(parts) == word
    family = "👨\u200d👩\u200d👧"
    parts = split_html(family * 3, 10)
    assert parts == [family, family, family]
    assert split_html("🇻🇳" * 4, 9) == ["🇻🇳🇻🇳", "🇻🇳🇻🇳"]  # a flag is two 2-unit letters
    assert split_html("a" + "🇻🇳" * 2, 7) == ["a🇻🇳", "🇻🇳"]


WRAPPERS = [
    ("<b>", "</b>"),
    ("<strong>", "</strong>"),
    ("<i>", "</i>"),
    ("<em>", "</em>"),
    ("<u>", "</u>"),
    ("<ins>", "</ins>"),
    ("<s>", "</s>"),
    ("<strike>", "</strike>"),
    ("<del>", "</del>"),
    ('<span class="tg-spoiler">', "</span>"),
    ("<tg-spoiler>", "</tg-spoiler>"),
    ('<a href="https://t.me/truong?start=a&amp;b">', "</a>"),
    ("<code>", "</code>"),
    ("<pre>", "</pre>"),
    ('<pre><code class="language-python">', "</code></pre>"),
    ("<blockquote>", "</blockquote>"),
    ("<blockquote expandable>", "</blockquote>"),
]
WORDS = [
    "học",
    "sinh",
    "Nguyễn",
    "Thị",
    "Hương",
    "lớp",
    "3A",
    "điểm",
    "&amp;",
    "&lt;b&gt;",
    "&quot;",
    "&#128512;",
    "😀",
    "✅",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇻🇳",
    "xong.",
    "«Xong.»",
    "Supercalifragilisticexpialidocious",
    unicodedata.normalize("NFD", "Trường"),
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
]
GAPS = [" ", " ", " ", "  ", "\n", "\n\n", "\n \n", "", "\u00a0"]


def random_html(rng: random.Random, depth: int = 0) -> str:
    pieces: list[str] = []
    for _ in range(rng.randint(1, 8)):
        if depth < 3 and rng.random() < 0.3:
            opening, closing = rng.choice(WRAPPERS)
            pieces.append(opening + random_html(rng, depth + 1) + closing)
        else:
            pieces.append(rng.choice(WORDS))
        pieces.append(rng.choice(GAPS))
    return "".join(pieces)


def test_random_inputs_with_small_limits() -> None:
    rng = random.Random(20240915)
    split = 0
    for _ in range(400):
        text = random_html(rng)
        limit = rng.randint(10, 60)
        parts = split_html(text, limit)
        if units(visible(text)) <= limit or not visible(text).strip():
            assert parts == [text]
        else:
            split += len(parts) > 1
            assert_parts(text, parts, limit)
    assert split > 200
