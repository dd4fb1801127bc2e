"""The argument parser, with every help text translated."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from bot.cli import commands
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


def build_parser(_: Translator) -> Parser:
    """Build the `schoolbot` parser and its subcommands."""
    parser = _parser(
        _, prog="schoolbot", description=_("The school's electronic contact book on Telegram.")
    )
    parser.add_argument("--database", metavar="URL", help=_("database URL (overrides settings)"))
    sub = parser.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)

    def command(name: str, help_text: str) -> Parser:
        child = sub.add_parser(name, help=help_text, description=help_text, add_help=False)
        assert isinstance(child, Parser)
        child.translate = _
        child.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        return child

    run = command("run", _("run the bot (polling, or a webhook when configured)"))
    run.set_defaults(handler=commands.run, verbose_logs=True)

    for name, help_text, handler in (
        (
            "demo",
            _("run a demo school with the sandbox and the bot, no token needed"),
            commands.demo,
        ),
        ("sandbox", _("run the local Telegram sandbox alone"), commands.sandbox),
    ):
        child = command(name, help_text)
        child.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
        child.add_argument("--port", type=int, default=8081, help=_("port to listen on"))
        child.set_defaults(handler=handler, verbose_logs=name == "demo")
    demo = sub.choices["demo"]
    demo.add_argument("--folder", default="demo-data", help=_("folder for the demo's database"))
    sandbox = sub.choices["sandbox"]
    sandbox.add_argument("--no-limits", action="store_true", help=_("switch Telegram's limits off"))

    db = command("db", _("manage the database schema"))
    db_sub = db.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    upgrade = db_sub.add_parser(
        "upgrade", help=_("upgrade the schema to the newest version"), add_help=False
    )
    assert isinstance(upgrade, Parser)
    upgrade.translate = _
    upgrade.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    upgrade.set_defaults(handler=commands.db_upgrade)

    imports = command("import", _("import the school's lists from .xlsx or .csv files"))
    kinds = imports.add_subparsers(title=_("Commands"), metavar="KIND", required=True)
    for kind, help_text in (
        ("roster", _("import a class roster (pupils, classes, guardians)")),
        ("staff", _("import the staff list")),
    ):
        child = kinds.add_parser(kind, help=help_text, description=help_text, add_help=False)
        assert isinstance(child, Parser)
        child.translate = _
        child.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        child.add_argument("file", metavar="FILE", help=_("the .xlsx or .csv file"))
        child.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))
        child.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )
        child.add_argument(
            "--json", action="store_true", help=_("print a JSON summary as the last line")
        )
        child.set_defaults(handler=commands.import_file, kind=kind)

    invites = command("invites", _("make a class's printable invitation slips (.docx)"))
    invites.add_argument(
        "--class", dest="class_name", required=True, metavar="CLASS", help=_("the class, e.g. 3A")
    )
    invites.add_argument(
        "--out", required=True, metavar="FILE", help=_("where to write the slips (.docx)")
    )
    invites.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))
    invites.add_argument(
        "--bot",
        metavar="USERNAME",
        help=_("the bot's username for the links (default: asked from Telegram with the token)"),
    )
    invites.add_argument(
        "--days", type=int, default=30, help=_("how many days the codes stay valid (default 30)")
    )
    invites.set_defaults(handler=commands.invites)

    outbox = command("outbox", _("look at and retry the notices being sent"))
    outbox_sub = outbox.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    for name, help_text in (
        ("status", _("deliveries per state for the newest notices")),
        ("retry", _("queue a notice's failed deliveries again")),
    ):
        child = outbox_sub.add_parser(name, help=help_text, description=help_text, add_help=False)
        assert isinstance(child, Parser)
        child.translate = _
        child.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        child.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))
        if name == "retry":
            child.add_argument("notice", type=int, metavar="NOTICE", help=_("the notice number"))
        else:
            child.add_argument(
                "--json", action="store_true", help=_("print a JSON summary as the last line")
            )
        child.set_defaults(handler=commands.outbox, action=name)

    calendar = command("calendar", _("show or change the school calendar"))
    calendar_sub = calendar.add_subparsers(title=_("Commands"), metavar="COMMAND", required=True)
    for name, help_text in (
        ("show", _("show the school year's start, terms, breaks and this week")),
        ("set", _("change the school year's start, the terms' weeks or the breaks")),
    ):
        child = calendar_sub.add_parser(name, help=help_text, description=help_text, add_help=False)
        assert isinstance(child, Parser)
        child.translate = _
        child.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        child.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))
        if name == "set":
            child.add_argument(
                "--start", metavar="DD/MM/YYYY", help=_("the first day of the school year")
            )
            child.add_argument(
                "--term1", type=int, metavar="N", help=_("teaching weeks of term I (1 to 25)")
            )
            child.add_argument(
                "--term2", type=int, metavar="N", help=_("teaching weeks of term II (1 to 25)")
            )
            child.add_argument(
                "--break",
                dest="breaks",
                action="append",
                metavar="NAME:DD/MM/YYYY-DD/MM/YYYY",
                help=_(
                    'a break, like "Tết Nguyên đán:08/02/2027-21/02/2027"; give it once per '
                    "break: the breaks given replace all the stored ones"
                ),
            )
        child.set_defaults(handler=commands.calendar, action=name)

    export = command("export", _("export the school's records"))
    export_sub = export.add_subparsers(title=_("Commands"), metavar="KIND", required=True)
    help_text = _("a school year's correction minutes and evidence, with an index (.zip)")
    archive = export_sub.add_parser(
        "archive", help=help_text, description=help_text, add_help=False
    )
    assert isinstance(archive, Parser)
    archive.translate = _
    archive.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    archive.add_argument(
        "--year", required=True, metavar="YYYY-YYYY", help=_("the school year, e.g. 2024-2025")
    )
    archive.add_argument(
        "--out", required=True, metavar="FILE", help=_("where to write the archive (.zip)")
    )
    archive.add_argument("--school", help=_("school code (default: SCHOOLBOT_SCHOOL)"))
    archive.set_defaults(handler=commands.export_archive)
    return parser
