"""The leaders' monthly anomaly report as Telegram HTML."""

from __future__ import annotations

import html
from datetime import date

from babel.numbers import format_decimal

from bot.core.datefmt import short
from bot.core.i18n import Translator
from bot.features.administration.rules import (
    BUNCH_DAYS,
    MIN_SCORES,
    SCORE_GAP,
    AnomalyReport,
    ScoreGap,
)
from bot.features.assessment.queries import period_name
from storage.subjects import subject_name


def _decimal(value: float, _: Translator) -> str:
    return format_decimal(value, format="0.0", locale=_.language)


def _bold(text: str) -> str:
    return f"<b>{html.escape(text)}</b>"


def report_text(report: AnomalyReport, month: date, _: Translator) -> str:
    """The leaders' report of `month` (any day of it) as Telegram HTML."""
    lines = [
        _bold(_("Correction anomalies, {month}").format(month=month.strftime("%m/%Y"))),
        "<i>{}</i>".format(html.escape(_("Internal report — not for parents"))),
    ]
    if report.empty:
        lines += ["", html.escape(_("No anomaly this month."))]
        return "\n".join(lines)
    if report.frequent:
        lines += [
            "",
            _bold(
                _("Teachers with {count} or more correction requests:").format(
                    count=report.threshold
                )
            ),
        ]
        lines += [
            "• "
            + html.escape(
                _("{name}: {count} ({classes})").format(
                    name=f.name, count=f.count, classes=", ".join(f.classes)
                )
            )
            for f in report.frequent
        ]
    if report.bunched:
        heading = _("Requests filed in the last {days} days before a period's deadline:")
        lines += ["", _bold(heading.format(days=BUNCH_DAYS))]
        lines += [
            "• "
            + html.escape(
                _("{name}: {count} (deadline {dates})").format(
                    name=b.name, count=b.count, dates=", ".join(short(d) for d in b.deadlines)
                )
            )
            for b in report.bunched
        ]
    if report.score_gaps:
        heading = _("Test scores far from the other classes of the grade ({period}):")
        lines += ["", _bold(heading.format(period=period_name(report.score_gaps[0].period, _)))]
        lines += [_gap_line(gap, _) for gap in report.score_gaps]
        lines.append(
            html.escape(
                _(
                    "A gap of {gap} points or more, with at least {minimum} scores on each side."
                ).format(gap=_decimal(SCORE_GAP, _), minimum=MIN_SCORES)
            )
        )
    return "\n".join(lines)


def _gap_line(gap: ScoreGap, _: Translator) -> str:
    return "• " + html.escape(
        _(
            "{name} — {subject}, {classes}: average {mean} ({count} scores); "
            "other classes of grade {grade}: {others} ({others_count} scores)"
        ).format(
            name=gap.name,
            subject=subject_name(gap.subject),
            classes=", ".join(gap.classes),
            mean=_decimal(gap.mean, _),
            count=gap.count,
            grade=gap.grade,
            others=_decimal(gap.others_mean, _),
            others_count=gap.others_count,
        )
    )
