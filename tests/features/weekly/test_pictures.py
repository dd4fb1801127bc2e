"""A big school's chart is split into photos Telegram keeps readable, each titled "(n/N)"."""

from __future__ import annotations

from bot.core import chart_png
from bot.core.charts import DARK, LIGHT, Chart, Row, Series
from bot.features.weekly.pictures import ROWS_PER_PHOTO, part, parts


def classes(count: int) -> Chart:
    rows = tuple(Row(f"Lớp {n}", (n, n // 2)) for n in range(count))
    return Chart("notices", "Sổ liên lạc", "Lớp", (Series("a", LIGHT), Series("b", DARK)), rows)


def test_fifty_classes_come_as_five_photos_each_short_enough_to_read() -> None:
    whole = classes(50)
    assert parts(whole) == 5
    pieces = [part(whole, index) for index in range(parts(whole))]
    assert [piece.title for piece in pieces] == [f"Sổ liên lạc ({n}/5)" for n in range(1, 6)]
    assert [row for piece in pieces for row in piece.rows] == list(whole.rows)  # every class once
    assert all(len(piece.rows) <= ROWS_PER_PHOTO for piece in pieces)
    assert all(chart_png.size(piece)[1] <= 2560 for piece in pieces)


def test_a_small_school_gets_one_photo_with_its_own_title() -> None:
    whole = classes(3)
    assert parts(whole) == 1 and part(whole, 0) == whole
