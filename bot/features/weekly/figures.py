"""The week's figures as charts, shared by the leaders' dashboard (bot/web/dashboard_figures.py)
and the Saturday summary's photos (bot/features/weekly/pictures.py): one copy of the numbers.

- Notices: the weekly notices delivered and marked "Đã xem" per class, summed over the weeks
  (`class_figures`, the Saturday summary's own figures).
- Feedback received between two moments, per topic: answered (or closed), open, overdue (open
  and unanswered for feedback.rules.ANSWER_WITHIN working days, waiting.school_overdue: the
  very list /gopy_bgh shows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.charts import DARK, GREEN, LIGHT, ORANGE, RED, Chart, Row, Series
from bot.core.i18n import Translator
from bot.features.feedback.queries import received_between
from bot.features.feedback.rules import ANSWER_WITHIN, TOPICS
from bot.features.feedback.waiting import school_overdue
from bot.features.weekly.notices import KIND
from storage.models import (
    CommentKind,
    Delivery,
    DeliveryState,
    FeedbackState,
    Notice,
    Student,
    WeeklyComment,
)
from storage.queries import school_classes


async def class_figures(
    session: AsyncSession, school_id: int, week_start: date
) -> dict[int, tuple[int, int, int, int]]:
    """Per class: (pupils, comments written, notices delivered, notices read)."""
    pupils = dict(
        (
            await session.execute(
                select(Student.class_id, func.count())
                .where(Student.school_id == school_id)
                .group_by(Student.class_id)
            )
        ).all()
    )
    written = dict(
        (
            await session.execute(
                select(Student.class_id, func.count())
                .join(WeeklyComment, WeeklyComment.student_id == Student.id)
                .where(
                    WeeklyComment.school_id == school_id,
                    WeeklyComment.week_start == week_start,
                    WeeklyComment.kind == CommentKind.HOMEROOM,
                )
                .group_by(Student.class_id)
            )
        ).all()
    )
    sent: dict[int, tuple[int, int]] = {}
    rows = await session.execute(
        select(Notice.ref, func.count(), func.count(Delivery.read_at))
        .join(Delivery, Delivery.notice_id == Notice.id)
        .where(
            Notice.school_id == school_id,
            Notice.ref.like(f"{KIND}:{week_start.isoformat()}:%"),
            Delivery.state == DeliveryState.SENT,
        )
        .group_by(Notice.ref)
    )
    for ref, delivered, read in rows:
        class_id = int(str(ref).split(":")[2])
        before = sent.get(class_id, (0, 0))
        sent[class_id] = (before[0] + delivered, before[1] + read)
    return {
        class_id: (count, written.get(class_id, 0), *sent.get(class_id, (0, 0)))
        for class_id, count in pupils.items()
    }


async def notices(
    session: AsyncSession, school_id: int, weeks: Iterable[date], _: Translator
) -> Chart:
    """Weekly notices delivered and seen, per class, over the weeks starting on `weeks`."""
    sums: Counter[tuple[int, int]] = Counter()
    for start in weeks:
        for class_id, (_pupils, _written, delivered, seen) in (
            await class_figures(session, school_id, start)
        ).items():
            sums[(class_id, 0)] += delivered
            sums[(class_id, 1)] += seen
    rows = tuple(
        Row(name, (sums[(class_id, 0)], sums[(class_id, 1)]))
        for class_id, name in await school_classes(session, school_id)
    )
    return Chart(
        "notices",
        _("Weekly notices delivered and seen, per class"),
        _("Class"),
        (Series(_("Delivered"), LIGHT), Series(_("Seen"), DARK)),
        rows,
        stacked=False,
        note=_("Seen: the family pressed \u201cĐã xem\u201d (in the chat or on the web)."),
    )


async def feedback(
    session: AsyncSession,
    school_id: int,
    between: tuple[datetime, datetime],
    now: datetime,
    _: Translator,
) -> Chart:
    """Feedback received between the two moments, per topic: answered, open, overdue now."""
    late = {waiting.item.id for waiting in await school_overdue(session, school_id, now)}
    counts: Counter[tuple[object, int]] = Counter()
    for item_id, topic, state in await received_between(session, school_id, *between):
        column = 2 if item_id in late else 1 if state is FeedbackState.OPEN else 0
        counts[(topic, column)] += 1
    rows = tuple(
        Row(_(label), tuple(counts[(topic, column)] for column in range(3)))
        for topic, label in TOPICS.items()
    )
    return Chart(
        "feedback",
        _("Parents' feedback by topic and state"),
        _("Topic"),
        (Series(_("Answered"), GREEN), Series(_("Open"), ORANGE), Series(_("Overdue"), RED)),
        rows,
        note=_("Received in this span; overdue: open for more than {days} working days.").format(
            days=ANSWER_WITHIN
        ),
    )
