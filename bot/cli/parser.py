"""The argument parser, with every help text translated."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, TypeAlias

from bot.cli import commands, records, schools, worker
from bot.core.i18n import Translator


class Parser(argparse.ArgumentParser):
    """An argument parser whose own words are translated and whose errors take one line."""

    translate: Translator

    def format_usage(self) -> str:
        """Return the usage line with a translated prefix."""
        _ = self.translate
        formatter = self._get_formatter()
        formatter.add_usage(
            self.usage, self._actions, self._mutually_exclusive_groups, _("Usage: ")
        )
        return formatter.format_help()

    def format_help(self) -> str:
        """Return the help text with translated headings."""
        _ = self.translate
        self._positionals.title = _("Arguments")
        self._optionals.title = _("Options")
        return super().format_help().replace("usage: ", _("Usage: "), 1)

    def error(self, message: str) -> NoReturn:
        """Print a one-line reason and exit with status 2."""
        _ = self.translate
        sys.stderr.write(_("Invalid command line: {detail}").format(detail=message))
        sys.stderr.write("\n")
        raise SystemExit(2)


def _parser(_: Translator, **kwargs: object) -> Parser:
    parser = Parser(add_help=False, **kwargs)  # type: ignore[arg-type]
    parser.translate = _
    parser.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    return parser


Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"


def build_parser(_: Translator) -> Parser:
    """Build the `schoolbot` parser and its subcommands."""
    parser = _parser(
        _, prog="schoolbot", description=_("The school's electronic contact book on Telegram.")
    )
    parser.add_argument("--database", metavar="URL", help=_("database URL (overrides settings)"))
    sub = parser.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    for add in (_servers, _db, _schools, _imports, _invites, _outbox, _calendar, _export):
        add(sub, _)
    return parser


def _child(sub: Subparsers, name: str, help_text: str, _: Translator) -> Parser:
    """A subcommand with a translated help option."""
    child = sub.add_parser(name, help=help_text, description=help_text, add_help=False)
    assert isinstance(child, Parser)
    child.translate = _
    child.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    return child


def _school(child: Parser, _: Translator) -> None:
    child.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))


def _json(child: Parser, _: Translator) -> None:
    child.add_argument(
        "--json", action="store_true", help=_("print a JSON summary as the last line")
    )


def _servers(sub: Subparsers, _: Translator) -> None:
    run = _child(sub, "run", _("run the bot (polling, or a webhook when configured)"), _)
    run.set_defaults(handler=commands.run, verbose_logs=True)
    district = _child(
        sub, "worker", _("run the bot of every enabled school (a district's worker, webhooks)"), _
    )
    district.set_defaults(handler=worker.worker, verbose_logs=True)
    demo = _child(
        sub, "demo", _("run a demo school with the sandbox and the bot, no token needed"), _
    )
    sandbox = _child(sub, "sandbox", _("run the local Telegram sandbox alone"), _)
    for child, handler in ((demo, commands.demo), (sandbox, commands.sandbox)):
        child.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
        child.add_argument("--port", type=int, default=8081, help=_("port to listen on"))
        child.set_defaults(handler=handler, verbose_logs=child is demo)
    demo.add_argument("--folder", default="demo-data", help=_("folder for the demo's database"))
    sandbox.add_argument("--no-limits", action="store_true", help=_("switch Telegram's limits off"))


def _db(sub: Subparsers, _: Translator) -> None:
    db = _child(sub, "db", _("manage the database schema"), _)
    db_sub = db.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    upgrade = _child(db_sub, "upgrade", _("upgrade the schema to the newest version"), _)
    upgrade.set_defaults(handler=commands.db_upgrade)


def _schools(sub: Subparsers, _: Translator) -> None:
    school = _child(sub, "school", _("the schools of this deployment and their bots"), _)
    school_sub = school.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    add = _child(school_sub, "add", _("add a school with its bot (or give it a new token)"), _)
    add.add_argument("--code", required=True, help=_("the school's code, e.g. th-xuanhoa"))
    add.add_argument("--name", required=True, help=_("the school's name"))
    add.add_argument(
        "--token",
        required=True,
        help=_("the bot token from BotFather; - reads it from standard input"),
    )
    add.add_argument("--username", help=_("the bot's username, without @"))
    add.add_argument("--timezone", default="Asia/Ho_Chi_Minh", help=_("the school's time zone"))
    add.set_defaults(handler=schools.add)
    listing = _child(school_sub, "list", _("list the schools and their bots"), _)
    _json(listing, _)
    listing.set_defaults(handler=schools.listing)
    for action, help_text in (
        ("disable", _("stop a school's bot (the workers let it go within seconds)")),
        ("enable", _("run a stopped school's bot again")),
    ):
        child = _child(school_sub, action, help_text, _)
        child.add_argument("code", metavar="CODE", help=_("the school's code"))
        child.set_defaults(handler=schools.switch, action=action)


def _imports(sub: Subparsers, _: Translator) -> None:
    imports = _child(sub, "import", _("import the school's lists from .xlsx or .csv files"), _)
    kinds = imports.add_subparsers(title=_("Commands"), metavar="KIND", required=True)
    for kind, help_text in (
        ("roster", _("import a class roster (pupils, classes, guardians)")),
        ("staff", _("import the staff list")),
    ):
        child = _child(kinds, kind, help_text, _)
        child.add_argument("file", metavar="FILE", help=_("the .xlsx or .csv file"))
        _school(child, _)
        child.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )
        _json(child, _)
        child.set_defaults(handler=commands.import_file, kind=kind)


def _invites(sub: Subparsers, _: Translator) -> None:
    invites = _child(sub, "invites", _("make a class's printable invitation slips (.docx)"), _)
    invites.add_argument(
        "--class", dest="class_name", required=True, metavar="CLASS", help=_("the class, e.g. 3A")
    )
    invites.add_argument(
        "--out", required=True, metavar="FILE", help=_("where to write the slips (.docx)")
    )
    _school(invites, _)
    invites.add_argument(
        "--bot",
        metavar="USERNAME",
        help=_("the bot's username for the links (default: asked from Telegram with the token)"),
    )
    invites.add_argument(
        "--days", type=int, default=30, help=_("how many days the codes stay valid (default 30)")
    )
    invites.set_defaults(handler=commands.invites)


def _outbox(sub: Subparsers, _: Translator) -> None:
    outbox = _child(sub, "outbox", _("look at and retry the notices being sent"), _)
    outbox_sub = outbox.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    status = _child(outbox_sub, "status", _("deliveries per state for the newest notices"), _)
    _school(status, _)
    _json(status, _)
    status.set_defaults(handler=records.outbox, action="status")
    retry = _child(outbox_sub, "retry", _("queue a notice's failed deliveries again"), _)
    _school(retry, _)
    retry.add_argument("notice", type=int, metavar="NOTICE", help=_("the notice number"))
    retry.set_defaults(handler=records.outbox, action="retry")


def _calendar(sub: Subparsers, _: Translator) -> None:
    calendar = _child(sub, "calendar", _("show or change the school calendar"), _)
    calendar_sub = calendar.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    show = _child(
        calendar_sub, "show", _("show the school year's start, terms, breaks and this week"), _
    )
    _school(show, _)
    show.set_defaults(handler=records.calendar, action="show")
    change = _child(
        calendar_sub, "set", _("change the school year's start, the terms' weeks or the breaks"), _
    )
    _school(change, _)
    change.add_argument("--start", metavar="DD/MM/YYYY", help=_("the first day of the school year"))
    for term in ("1", "2"):
        help_text = (
            _("teaching weeks of term I (1 to 25)")
            if term == "1"
            else _("teaching weeks of term II (1 to 25)")
        )
        change.add_argument(f"--term{term}", type=int, metavar="N", help=help_text)
    change.add_argument(
        "--break",
        dest="breaks",
        action="append",
        metavar="NAME:DD/MM/YYYY-DD/MM/YYYY",
        help=_(
            'a break, like "Tết Nguyên đán:08/02/2027-21/02/2027"; give it once per '
            "break: the breaks given replace all the stored ones"
        ),
    )
    change.set_defaults(handler=records.calendar, action="set")


def _export(sub: Subparsers, _: Translator) -> None:
    export = _child(sub, "export", _("export the school's records"), _)
    export_sub = export.add_subparsers(title=_("Commands"), metavar="KIND", required=True)
    archive = _child(
        export_sub,
        "archive",
        _("a school year's correction minutes and evidence, with an index (.zip)"),
        _,
    )
    archive.add_argument(
        "--year", required=True, metavar="YYYY-YYYY", help=_("the school year, e.g. 2024-2025")
    )
    archive.add_argument(
        "--out", required=True, metavar="FILE", help=_("where to write the archive (.zip)")
    )
    _school(archive, _)
    archive.set_defaults(handler=records.export_archive)
