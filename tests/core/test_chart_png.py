"""A chart drawn as a PNG photo: its size, Vietnamese letters in the bundled font, Telegram's
limit on a photo's sides, and its numbers said in words."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from bot.core import chart_png
from bot.core.charts import DARK, GREEN, LIGHT, RED, Chart, Row, Series, in_words
from bot.core.i18n import translator


def notices(classes: int) -> Chart:
    return Chart(
        "notices",
        "Sổ liên lạc tuần đã gửi đến và đã xem, theo lớp",
        "Lớp",
        (Series("Đã gửi đến", LIGHT), Series("Đã xem", DARK)),
        tuple(Row(f"{1 + n % 5}{chr(65 + n // 5)}", (30 + n, n)) for n in range(classes)),
        stacked=False,
    )


def test_the_png_has_the_drawings_size_and_every_vietnamese_letter() -> None:
    chart = Chart(
        "feedback",
        "Góp ý của phụ huynh theo chủ đề và tình trạng",
        "Chủ đề",
        (Series("Đã trả lời", GREEN), Series("Quá hạn", RED)),
        (Row("Học tập, sức khỏe, bán trú: ươ ữ ỵ ặ ẫ ổ đ Đ", (3, 1)), Row("Khác", (0, 0))),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of every glyph its font lacks
        data = chart_png.png(chart)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == chart_png.size(chart)
    assert image.size[0] == 720 and image.size[1] > 300
    assert len(image.convert("RGB").getcolors(maxcolors=100_000) or []) > 10  # drawn, not blank


def test_a_tall_chart_stays_within_telegrams_photo_limits() -> None:
    small, tall = chart_png.size(notices(5)), chart_png.size(notices(90))
    assert small[0] == 720
    assert sum(tall) <= 10_000 and tall[1] / tall[0] <= 20
    assert tall[0] < 720  # drawn smaller, not cut
    assert Image.open(io.BytesIO(chart_png.png(notices(90)))).size == tall


def test_the_caption_says_every_number_and_names_the_rows_with_none() -> None:
    chart = Chart(
        "leave",
        "Leave <requests>",
        "State",
        (Series("Delivered", LIGHT), Series("Seen", DARK)),
        (Row("1A", (12, 10)), Row("3B", (0, 0)), Row("4C", (0, 0))),
        note="This week.",
    )
    assert in_words(chart, translator("en")).splitlines() == [
        "<b>Leave &lt;requests&gt;</b>",
        "<i>This week.</i>",
        "1A: Delivered 12, Seen 10",
        "Nothing for: 3B, 4C.",
    ]
