"""The arguments of the leaders' commands: a period code, a lock scope, a date.

A period is gk1, ck1, gk2 or cn; a scope is nothing (the school), "khoi 3" (a grade) or a class
name; a date is dd/mm/yyyy. What is refused is a BadArgument whose text (HTML) is the answer.
"""

from __future__ import annotations

import html
import re
from datetime import date

from bot.core.context import Visit
from bot.core.i18n import Translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import GRADES, Period
from storage.names import search_key
from storage.queries import class_by_name

_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class BadArgument(ValueError):
    """An argument the commands refuse; args[0] is the answer to give (HTML)."""


def period_of(text: str, _: Translator) -> Period:
    """The period a code names ("ck1", "CK1"); BadArgument otherwise."""
    try:
        return Period(search_key(text).strip())
    except ValueError:
        raise BadArgument(
            _("“{value}” is not a period: write gk1, ck1, gk2 or cn.").format(
                value=html.escape(text)
            )
        ) from None


async def scope_of(visit: Visit, words: list[str]) -> tuple[str, str]:
    """The lock scope the words after the period name, and how to say it; BadArgument if none."""
    _ = visit._
    if not words:
        return assessment.SCHOOL, _("the whole school")
    first = search_key(words[0])
    if first in ("khoi", "k") or (first.startswith("khoi") and len(words) == 1):
        number = (words[1] if len(words) > 1 else first.removeprefix("khoi")).strip()
        if not number.isdigit() or int(number) not in GRADES or len(words) > 2:
            raise BadArgument(
                _("A primary school has grades 1 to 5: “{value}” is not one of them.").format(
                    value=html.escape(" ".join(words[1:]) or number)
                )
            )
        return f"grade:{int(number)}", _("grade {grade}").format(grade=int(number))
    klass = await class_by_name(visit.session, visit.actor.school_id, "".join(words))
    if klass is None:
        raise BadArgument(
            _("There is no class {name} in this school.").format(name=html.escape(" ".join(words)))
        )
    return f"class:{klass.id}", _("class {name}").format(name=html.escape(klass.name))


def date_of(text: str, _: Translator) -> date:
    """A date typed as dd/mm/yyyy; BadArgument otherwise (the rules check its bounds)."""
    found = _DATE.match(text.strip())
    if found:
        try:
            return date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            pass
    raise BadArgument(
        _("“{value}” is not a date: write it as dd/mm/yyyy.").format(value=html.escape(text))
    )
