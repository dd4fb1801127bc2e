"""The layout's rules that import-linter cannot see: sizes, SQL in chat modules, one commit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60
# The dispatcher and its reports send with whatever bot they are given (tests give bots built
# without the application's defaults); the outbox's texts are HTML by contract, so they say so.
SENDS_ANY_BOT = {"bot/delivery/sending.py", "bot/delivery/report.py"}
SQL_IN_CHAT = re.compile(r"\bselect\(|session\.(get|execute|scalars?|add|delete|flush)\(")


def modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def chat_modules() -> list[Path]:
    return sorted(
        path
        for path in (BOT / "features").rglob("*.py")
        if path.parent.name == "chat" or path.name == "chat.py"
    )


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", modules(), ids=relative)
def test_modules_are_at_most_350_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{relative(path)} has {lines} lines"


def test_functions_are_at_most_60_lines() -> None:
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - first + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{relative(path)}:{node.lineno} {node.name} ({size} lines)")
    assert not long, "\n".join(long)


def test_chat_modules_leave_sql_to_the_queries() -> None:
    found = [
        f"{relative(path)}:{number}: {line.strip()}"
        for path in chat_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL_IN_CHAT.search(line)
    ]
    assert not found, "\n".join(found)


def test_one_place_commits_an_update_and_parse_mode_is_set_once() -> None:
    commits, modes = [], []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(r"\.commit\(\)|visit\.save\(\)", line):
                commits.append(f"{relative(path)}:{number}")
            default = "Defaults(parse_mode=" in line
            if "parse_mode=" in line and not default and relative(path) not in SENDS_ANY_BOT:
                modes.append(f"{relative(path)}:{number}")
    allowed_commits = {
        "bot/core/context.py",
        "bot/delivery/leader.py",
        "bot/delivery/dispatcher.py",
        "bot/web/visit.py",  # a web request's unit of work, as context.py is an update's
    }
    stray = [c for c in commits if c.split(":")[0] not in allowed_commits and "/cli/" not in c]
    assert not stray, "commits outside the units of work:\n" + "\n".join(stray)
    assert not modes, "parse_mode is the application's default:\n" + "\n".join(modes)


def test_a_features_chat_side_is_imported_only_by_its_feature_and_the_app() -> None:
    graph = grimp.build_graph("bot")
    strays = []
    for feature in sorted(p.name for p in (BOT / "features").iterdir() if p.is_dir()):
        chat = f"bot.features.{feature}.chat"
        if chat not in graph.modules:
            continue
        inside = {chat} | graph.find_descendants(chat)
        for module in inside:
            for importer in graph.find_modules_that_directly_import(module):
                own = importer == f"bot.features.{feature}" or importer.startswith(
                    f"bot.features.{feature}."
                )
                if not own and importer != "bot.app":
                    strays.append(f"{importer} -> {module}")
    assert not strays, "\n".join(sorted(strays))
