"""The layout's rules that import-linter cannot see: sizes, SQL in chat modules, one commit."""

from __future__ import annotations

import ast
import fnmatch
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


# The README's layout section names every folder of the tree (issue 15): the top-level folders
# (not hidden ones, nor what .gitignore keeps out: the venv, caches, build products), the
# packages and modules of bot/, the packages of bot/features/ and tests/' folders; and every
# page of docs/ is named.
README = ROOT / "README.md"
LAYOUT_ENTRY = re.compile(r"^( {0,6})(\S+?/|\S+\.py)(?: {2,}|$)")


def layout_section() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def named_in_layout() -> set[str]:
    """The paths the layout's tree names: an entry's indent (two spaces a level) says its folder;
    the wrapped descriptions are indented deeper and are not entries."""
    named, folders = set(), []
    for line in layout_section().splitlines():
        entry = LAYOUT_ENTRY.match(line)
        if entry is None or len(entry.group(1)) % 2:
            continue
        depth = len(entry.group(1)) // 2
        del folders[depth:]
        path = "".join(folders) + entry.group(2)
        named.add(path)
        if path.endswith("/"):
            folders.append(entry.group(2))
    return named


def ignored_folders() -> list[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [line.strip("/") for line in lines if line.endswith("/") and "/" not in line[1:-1]]


def has_files(folder: Path) -> bool:
    """Folders left with nothing but bytecode (a package moved away) are not part of the tree."""
    return any(
        path.is_file() and "__pycache__" not in path.relative_to(folder).parts
        for path in folder.rglob("*")
    )


def tree_folders() -> set[str]:
    ignored = ignored_folders()
    top = {
        f"{path.name}/"
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in ignored)
        and has_files(path)
    }
    packages = {
        relative(path.parent) + "/"
        for folder in (BOT, BOT / "features")
        for path in folder.glob("*/__init__.py")
    }
    modules = {relative(path) for path in BOT.glob("*.py") if path.name != "__init__.py"}
    tests = {
        relative(path) + "/"
        for path in (ROOT / "tests").iterdir()
        if path.is_dir() and path.name != "__pycache__" and has_files(path)
    }
    return top | packages | modules | tests


def test_the_readme_layout_names_every_folder_and_every_doc() -> None:
    named = named_in_layout()
    missing = sorted(tree_folders() - named)
    assert not missing, "not in the README's layout section:\n" + "\n".join(missing)
    gone = sorted(path for path in named if not (ROOT / path).exists())
    assert not gone, "named in the README's layout but not in the tree:\n" + "\n".join(gone)
    readme = README.read_text(encoding="utf-8")
    docs = sorted(relative(path) for path in (ROOT / "docs").glob("*.md"))
    unnamed = [doc for doc in docs if f"`{doc}`" not in readme]
    assert not unnamed, "docs not named in the README:\n" + "\n".join(unnamed)
