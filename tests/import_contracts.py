"""An import-linter contract type of our own, named in pyproject.toml ([tool.importlinter]).

`forbidden_except` is import-linter's `forbidden` contract over every module that
`source_modules` matches except those `except_modules` matches, each taken as a module (not as a
package). It says "no module of bot.features but the chat sides and the register() modules
imports Telegram" in one rule that also covers a module added tomorrow; import-linter's own
expressions cannot leave modules out.
"""

from __future__ import annotations

from typing import Any

from importlinter import ContractCheck, fields
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain.imports import ModuleExpression


class ForbiddenExceptContract(ForbiddenContract):
    """`forbidden`, with the modules `except_modules` matches left out of the sources."""

    type_name = "forbidden_except"
    except_modules = fields.SetField(subfield=fields.ModuleExpressionField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        """Check the sources left once the exceptions are taken out, one module at a time."""
        excepted = _matching(graph, self.except_modules)
        sources = _matching(graph, self.source_modules) - excepted
        self.source_modules = {ModuleExpression(name) for name in sorted(sources)}
        self.as_packages = False
        return super().check(graph, verbose)


def _matching(graph: Any, expressions: Any) -> set[str]:
    """The modules of the graph these expressions name (a plain name names itself)."""
    names: set[str] = set()
    for expression in expressions:
        if expression.has_wildcard_expression():
            names |= graph.find_matching_modules(expression.expression)
        elif expression.expression in graph.modules:
            names.add(expression.expression)
    return names
