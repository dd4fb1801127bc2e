"""The Saturday summary's photos: the week's charts of the leaders' dashboard as PNG, to the
principal and the vice principals after the summary's text.

Two charts: the weekly notices delivered and seen per class (the week's own work) and the
parents' feedback received in the week by topic and state (what the leaders must answer); the
leave requests stay on the dashboard (the leave feature reads this one, so this one cannot read
it back). Each photo's caption says its numbers in words. A chart with nothing to show (a week
with nothing sent, no feedback) is not sent: an empty picture tells less than the summary's
text, which already says "delivered 0", and costs a download on a cheap phone.

A photo holds at most ROWS_PER_PHOTO rows (some 1,700 px high): Telegram shrinks a photo's long
side to 1,280-2,560 px, so one picture of 50 classes would be unreadable; a big school's
notices come as several photos, "(1/5)" to "(5/5)".

The figures are the dashboard's (bot/features/weekly/figures.py). The photo is drawn when the
sender sends it (bot/delivery/outbox.py, `drawn_photo`), in the leader's language: the notice
keeps the reference "<week's Monday>:<chart>:<the summary's moment>", and the caption and the
picture are read from the same figures at that moment, so they always agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import chart_png
from bot.core.charts import Chart, in_words
from bot.core.i18n import translator
from bot.delivery.outbox import Audience, Drawing, drawn_photo, draws, enqueue_notice
from bot.features.calendar.queries import TeachingWeek
from bot.features.weekly import figures
from storage.models import Role, School

SOURCE = "weekly_chart"
KIND = "weekly_chart"
CHARTS = ("notices", "feedback")
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
ROWS_PER_PHOTO = 12


def register() -> None:
    """Let the sender draw this feature's photos."""
    draws(SOURCE, draw)


async def week_chart(
    session: AsyncSession, school_id: int, monday: date, name: str, now: datetime, language: str
) -> Chart:
    """One chart of the week beginning on `monday`, as the dashboard reads it at `now`."""
    _ = translator(language)
    if name == "notices":
        return await figures.notices(session, school_id, [monday], _)
    school = await session.get(School, school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone)
    start = datetime.combine(monday, time(), zone)
    return await figures.feedback(session, school_id, (start, start + timedelta(days=7)), now, _)


async def queue_charts(
    session: AsyncSession, school_id: int, week: TeachingWeek, now: datetime
) -> list[Chart]:
    """Queue a photo of each of the week's charts that has something to show; the charts."""
    queued = []
    for name in CHARTS:
        whole = await week_chart(session, school_id, week.start, name, now, "vi")
        if whole.empty:
            continue
        for index in range(parts(whole)):
            chart = part(whole, index)
            key = f"{week.start.isoformat()}:{name}:{int(now.timestamp())}:{index}"
            await enqueue_notice(
                session,
                school_id,
                Audience.staff(*LEADERS),
                KIND,
                in_words(chart, translator("vi")),
                requires_ack=False,
                media=drawn_photo(SOURCE, key),
                now=now,
            )
            queued.append(chart)
    return queued


def parts(chart: Chart) -> int:
    """How many photos the chart takes."""
    return max(1, -(-len(chart.rows) // ROWS_PER_PHOTO))


def part(chart: Chart, index: int) -> Chart:
    """The chart's `index`th photo: its rows, and "(2/3)" after the title when it has several."""
    count = parts(chart)
    rows = chart.rows[index * ROWS_PER_PHOTO : (index + 1) * ROWS_PER_PHOTO]
    title = f"{chart.title} ({index + 1}/{count})" if count > 1 else chart.title
    return replace(chart, title=title, rows=rows)


async def draw(session: AsyncSession, school_id: int, key: str, language: str) -> Drawing | None:
    """The photo a reference names: its caption now, its picture drawn from the same chart."""
    try:
        monday, name, moment, index = key.split(":")
        start, at = date.fromisoformat(monday), datetime.fromtimestamp(int(moment), UTC)
    except ValueError:
        return None
    if name not in CHARTS or not index.isdigit():
        return None
    whole = await week_chart(session, school_id, start, name, at, language)
    if int(index) >= parts(whole):
        return None
    chart = part(whole, int(index))
    return Drawing(in_words(chart, translator(language)), lambda: chart_png.png(chart))
