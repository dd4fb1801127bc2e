"""Bar charts as data: rows (a class, a topic, a grade) of values, one per series.

The features lay out their figures as a `Chart`; the dashboard draws it as SVG
(bot/web/charts.py), the Saturday summary as a PNG (bot/core/chart_png.py), and both say its
numbers in words (a table on the page, the photo's caption in chat) for screen readers and for
phones that show no picture.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.core.i18n import N_, Translator

MOST_COLUMNS = 3  # series shown as table columns; more are shown as rows
# Fills that differ in lightness, so a black-and-white print still tells them apart.
DARK, LIGHT = "#0b57d0", "#9ec5f8"
GREEN, ORANGE, RED, GREY = "#a8dab5", "#f29900", "#8c1d18", "#dadce0"

ROW_IN_WORDS = N_("{row}: {values}")
NOTHING_FOR = N_("Nothing for: {names}.")


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of value, its name (in the legend and the table's header) and its fill."""

    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class Row:
    """One category and its values, one per series."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        """The row's values added up."""
        return sum(self.values)


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart and what its table says: the title, the first column's header, the rows."""

    key: str  # the element ids on the page, the photo's file name
    title: str
    heading: str  # the table's first column: "Class", "Topic", "Grade"
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    stacked: bool = True
    note: str = ""  # what is counted, under the title

    @property
    def empty(self) -> bool:
        """Nothing to draw: no row has a value."""
        return not any(row.total for row in self.rows)

    @property
    def transposed(self) -> bool:
        """Whether the table turns rows into columns: many series (the BMI categories) would
        not fit a phone's width as columns; a few rows (the grades) do."""
        return len(self.series) > MOST_COLUMNS


def in_words(chart: Chart, _: Translator) -> str:
    """The chart's numbers as Telegram HTML lines: the title, what is counted, each row with a
    value ("1A: Delivered 12, Seen 10"), then the rows with none named together."""
    lines = [f"<b>{html.escape(chart.title)}</b>"]
    if chart.note:
        lines.append(f"<i>{html.escape(chart.note)}</i>")
    for row in chart.rows:
        if row.total:
            values = ", ".join(
                f"{entry.label} {value}"
                for entry, value in zip(chart.series, row.values, strict=True)
            )
            lines.append(html.escape(_(ROW_IN_WORDS).format(row=row.label, values=values)))
    idle = [row.label for row in chart.rows if not row.total]
    if idle:
        lines.append(html.escape(_(NOTHING_FOR).format(names=", ".join(idle))))
    return "\n".join(lines)
