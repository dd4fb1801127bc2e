"""Bar charts as plain SVG, written on the server: no library, no script, nothing to download.

A chart is rows (a class, a topic, a grade) of values, one per series, drawn as horizontal bars
(stacked, or side by side): each row's label on its own line above its bar, so long names never
squeeze the bars on a 360 px phone. The drawing is 320 units wide and scales with its viewBox;
at a phone's width one unit is about one CSS pixel, so the 16-unit text reads at 16 px. Colours
are presentation attributes (the page's CSP allows no inline style) and differ in lightness, so
a black-and-white print still tells them apart; every bar's number is written beside it, and the
page shows the same numbers in a table for screen readers.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

# The chart as data is shared with the Saturday summary's photos (bot/core/chart_png.py).
from bot.core.charts import Chart, Row, Series

__all__ = ["Chart", "Row", "Series", "legend", "svg"]

WIDTH = 320
FONT = 16
LINE = 22  # a text line
BAR = 18  # a bar's thickness (stacked); side by side, each series' bar is THIN
THIN = 12
GAP = 12  # between rows
NUMBER_ROOM = 44  # room right of the longest bar for its number
SWATCH = 14  # a legend's colour square, in CSS px


def legend(chart: Chart) -> Markup:
    """The series' swatches and names as an HTML list (it wraps as text does; a chart of one
    series needs none)."""
    if len(chart.series) < 2:
        return Markup("")
    items = "".join(
        f'<li><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SWATCH} {SWATCH}" '
        f'width="{SWATCH}" height="{SWATCH}" aria-hidden="true">'
        f'<rect width="{SWATCH}" height="{SWATCH}" fill="{entry.colour}"/></svg> '
        f"{escape(entry.label)}</li>"
        for entry in chart.series
    )
    return Markup(f'<ul class="legend">{items}</ul>')  # every name escaped above


def _bars(chart: Chart, top: int, scale: float) -> tuple[list[str], int]:
    """Each row: its label, then its bars and numbers; the parts and the height used."""
    parts: list[str] = []
    y = top
    for row in chart.rows:
        parts.append(f'<text x="0" y="{y + 16}">{escape(row.label)}</text>')
        y += LINE
        if chart.stacked:
            x = 0.0
            for entry, value in zip(chart.series, row.values, strict=True):
                if value:
                    parts.append(_rect(x, y, value * scale, BAR, entry.colour))
                x += value * scale
            parts.append(_number(x, y, BAR, row.total))
            y += BAR
        else:
            for entry, value in zip(chart.series, row.values, strict=True):
                parts.append(_rect(0, y, value * scale, THIN, entry.colour))
                parts.append(_number(value * scale, y, THIN, value))
                y += THIN + 2
        y += GAP
    return parts, y


def _rect(x: float, y: int, width: float, height: int, colour: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y}" width="{max(width, 0):.1f}" height="{height}" fill="{colour}"/>'
    )


def _number(x: float, y: int, height: int, value: int) -> str:
    return f'<text x="{x + 4:.1f}" y="{y + height / 2 + 5.5:.1f}">{value}</text>'


def svg(chart: Chart) -> Markup:
    """The chart as an inline SVG element (every text escaped here)."""
    largest = max(
        (row.total if chart.stacked else max(row.values, default=0) for row in chart.rows),
        default=0,
    )
    scale = (WIDTH - NUMBER_ROOM) / largest if largest else 0.0
    bars, height = _bars(chart, 4, scale)
    return Markup(  # every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-labelledby="{chart.key}-title" '
        f'aria-describedby="{chart.key}-table" font-size="{FONT}" fill="currentColor">'
        f'<title id="{chart.key}-title">{escape(chart.title)}</title>' + "".join(bars) + "</svg>"
    )
