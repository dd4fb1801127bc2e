"""The `outbox`, `calendar` and `export` commands: the school's records for its operators."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date, datetime
from pathlib import Path

from bot.cli.database import refuse, school_session
from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.delivery import outbox as outbox_service
from bot.features.archive.queries import build_archive, parse_school_year
from bot.features.calendar.queries import (
    Break,
    change_calendar,
    describe_calendar,
    load_calendar,
    parse_day,
    refusal_text,
)
from storage.queries import audit


async def outbox(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """`outbox status`: deliveries per state; `outbox retry NOTICE`: queue failed rows again."""
    async with school_session(settings, _, args.school) as (session, school):
        if args.action == "retry":
            queued = await outbox_service.retry_failed(session, school.id, args.notice)
            if queued is None:
                return refuse(_("Notice {number} does not exist.").format(number=args.notice))
            print(_("{count} failed deliveries queued again.").format(count=queued))
            return 0
        statuses = await outbox_service.outbox_status(session, school.id)
    for status in statuses:
        counts = status.counts
        print(
            _(
                "Notice {number} ({kind}{urgent}), {time}: {queued} queued, {sending} sending, "
                "{sent} sent, {read} read, {failed} failed, {unreachable} unreachable"
            ).format(
                number=status.notice_id,
                kind=status.kind,
                urgent=", " + _("urgent") if status.urgent else "",
                time=status.created_at.astimezone(settings.zone).strftime("%H:%M %d/%m/%Y"),
                read=status.read,
                **counts,
            )
        )
    if not statuses:
        print(_("No notice has been sent yet."))
    if args.json:
        print(json.dumps([{"notice": s.notice_id, "read": s.read, **s.counts} for s in statuses]))
    return 0


def _read_break(text: str, _: Translator) -> Break | str:
    """Read "Tết Nguyên đán:08/02/2027-21/02/2027", or say what is wrong with it."""
    name, colon, dates = text.rpartition(":")
    first, dash, last = dates.partition("-")
    start, end = parse_day(first), parse_day(last)
    if not (colon and dash and name.strip()) or start is None or end is None:
        return _(
            'Write a break as "name:dd/mm/yyyy-dd/mm/yyyy", like '
            '"Tết Nguyên đán:08/02/2027-21/02/2027" (not "{text}").'
        ).format(text=text)
    return Break(name.strip(), start, end)


async def calendar(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """`calendar show`: the school calendar; `calendar set`: change it, checked and audited."""
    start: date | None = None
    breaks: list[Break] | None = None
    if args.action == "set":
        if args.start is None and args.term1 is None and args.term2 is None and not args.breaks:
            print(_("Give at least one of --start, --term1, --term2, --break."), file=sys.stderr)
            return 2
        if args.start is not None:
            start = parse_day(args.start)
            if start is None:
                print(
                    _("“{text}” is not a date: write it as dd/mm/yyyy, like 07/09/2026.").format(
                        text=args.start
                    ),
                    file=sys.stderr,
                )
                return 2
        if args.breaks:
            read = [_read_break(text, _) for text in args.breaks]
            wrong = [problem for problem in read if isinstance(problem, str)]
            if wrong:
                print(wrong[0], file=sys.stderr)
                return 2
            breaks = [b for b in read if isinstance(b, Break)]
    async with school_session(settings, _, args.school) as (session, school):
        today = datetime.now(settings.zone).date()
        if args.action == "set":
            refusal = await change_calendar(
                session,
                school,
                today,
                "cli",
                year_start=start,
                term1_weeks=args.term1,
                term2_weeks=args.term2,
                breaks=breaks,
            )
            if refusal is not None:
                return refuse(refusal_text(refusal, _) + " " + _("Nothing was changed."))
        lines = describe_calendar(await load_calendar(session, school, today), today, _)
    if args.action == "set":
        print(_("The school calendar is updated."))
    print("\n".join(lines))
    return 0


async def export_archive(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Write a school year's correction minutes and evidence, with their index, to a .zip."""
    year, out = parse_school_year(args.year), Path(args.out)
    if year is None:
        return refuse(
            _("“{text}” is not a school year: write it like 2024-2025.").format(text=args.year)
        )
    if out.suffix.lower() != ".zip":
        return refuse(
            _("The archive is written as .zip: name the file like luu-tru-2024-2025.zip.")
        )
    if not await asyncio.to_thread(out.parent.is_dir):
        return refuse(_("Folder not found: {path}").format(path=out.parent))
    async with school_session(settings, _, args.school) as (session, school):
        archive = await build_archive(session, school.id, year, settings.zone)
        try:
            await asyncio.to_thread(out.write_bytes, archive.data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return refuse(_("Cannot write {path}: {reason}").format(path=out, reason=reason))
        counts = {"requests": archive.requests, "files": archive.files}
        audit(
            session,
            school_id=school.id,
            actor="cli",
            action="archive.exported",
            entity="correction_archive",
            entity_id=year,
            after=counts,
        )
    done = _("School year {year}: {requests} correction requests and {files} files archived.")
    print(done.format(year=year, **counts) + f" -> {out}")
    return 0
