"""A bar chart (bot/core/charts.py) drawn as a PNG photo for the chat, as the dashboard's SVG is
laid out: the title, the legend, then each row's label on its own line above its bars, the
number at each bar's end.

matplotlib with its Agg backend (no display) and its bundled DejaVu Sans, which has every
Vietnamese letter; nothing is read from the machine's fonts. Drawing takes a few tens of
milliseconds of CPU: call `png` in a worker thread (`asyncio.to_thread`), never on the event
loop. The drawing is WIDTH units wide, each unit SCALE pixels, so a phone showing the photo at
its width (about 360 CSS px) shows the 16-unit text at about 16 px, as the SVG.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from bot.core.charts import Chart

WIDTH = 320  # units, as the SVG
SCALE = 2.25  # pixels per unit: 720 px wide
DPI = 100
FONT = 16  # units
LINE = 22  # a text line
BAR, THIN, GAP = 18, 12, 12  # a stacked bar, a bar side by side, between rows
NUMBER_ROOM = 44  # right of the longest bar, for its number
SWATCH = 14
PAD = 8  # around the drawing
TITLE_CHARACTERS, LABEL_CHARACTERS = 30, 34  # wrapped at about the width
FAMILY = "DejaVu Sans"
# Telegram refuses a photo whose width and height add up to more than 10,000 px: a very tall
# chart (some 60 classes) is drawn at a smaller scale.
MOST_PIXELS = 10_000


@dataclass(frozen=True, slots=True)
class Mark:
    """One thing to draw, in units from the top left: a box (with a fill) or a text."""

    x: float
    y: float
    width: float = 0.0
    height: float = 0.0
    fill: str = ""
    text: str = ""
    bold: bool = False


def layout(chart: Chart) -> tuple[list[Mark], float]:
    """Every box and text of the drawing, and its height in units."""
    marks: list[Mark] = []
    y = float(PAD)
    for line in textwrap.wrap(chart.title, TITLE_CHARACTERS):
        marks.append(Mark(PAD, y + FONT, text=line, bold=True))
        y += LINE
    if len(chart.series) > 1:
        y += 4
        for entry in chart.series:
            marks.append(Mark(PAD, y + 4, SWATCH, SWATCH, entry.colour))
            marks.append(Mark(PAD + SWATCH + 6, y + FONT, text=entry.label))
            y += LINE
    y += GAP
    largest = max(
        (row.total if chart.stacked else max(row.values, default=0) for row in chart.rows),
        default=0,
    )
    scale = (WIDTH - 2 * PAD - NUMBER_ROOM) / largest if largest else 0.0
    for row in chart.rows:
        for line in textwrap.wrap(row.label, LABEL_CHARACTERS) or [""]:
            marks.append(Mark(PAD, y + FONT, text=line))
            y += LINE
        y = _bars(chart, row.values, marks, y, scale) + GAP
    return marks, y + PAD - GAP


def _bars(
    chart: Chart, values: tuple[int, ...], marks: list[Mark], y: float, scale: float
) -> float:
    """A row's bars (stacked, or one per series) and their numbers; where the row ends."""
    if chart.stacked:
        x = float(PAD)
        for entry, value in zip(chart.series, values, strict=True):
            if value:
                marks.append(Mark(x, y, value * scale, BAR, entry.colour))
            x += value * scale
        marks.append(Mark(x + 4, y + BAR / 2 + 5.5, text=str(sum(values))))
        return y + BAR
    for entry, value in zip(chart.series, values, strict=True):
        marks.append(Mark(PAD, y, value * scale, THIN, entry.colour))
        marks.append(Mark(PAD + value * scale + 4, y + THIN / 2 + 5.5, text=str(value)))
        y += THIN + 2
    return y


def size(chart: Chart) -> tuple[int, int]:
    """The photo's width and height in pixels."""
    _marks, height = layout(chart)
    scale = _scale(height)
    return round(WIDTH * scale), round(height * scale)


def _scale(height: float) -> float:
    """Pixels per unit: SCALE, or less for a drawing Telegram would find too tall."""
    return min(SCALE, (MOST_PIXELS - 2) / (WIDTH + height))


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes (blocking: run it in a thread)."""
    # Imported here: matplotlib takes a moment to load, and only this drawing needs it.
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    marks, height = layout(chart)
    width_px, height_px = size(chart)
    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0, WIDTH)
    axes.set_ylim(height, 0)  # units from the top, as the SVG
    axes.set_axis_off()
    points = FONT * _scale(height) * 72 / DPI
    for mark in marks:
        if mark.text:
            axes.text(
                mark.x,
                mark.y,
                mark.text,
                fontsize=points,
                fontfamily=FAMILY,
                fontweight="bold" if mark.bold else "normal",
                color="#202124",
                verticalalignment="baseline",
            )
        elif mark.width > 0:
            axes.add_patch(
                Rectangle((mark.x, mark.y), mark.width, mark.height, facecolor=mark.fill)
            )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
