"""What each evidence file shows: the buttons under a file just received ("Trang sổ theo dõi
CLGD", "Bài kiểm tra của HS", "Khác"), and the checks before a draft or an addition goes on:
every file marked, and for a score correction both the record book's page and the pupil's test
(evidence_kinds.py). An old or a second press changes nothing and says what it finds.
"""

from __future__ import annotations

import html
from typing import Any

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.assessment.queries import Item
from bot.features.corrections import evidence_kinds as kinds
from bot.features.corrections.chat.buttons import EvidenceKind
from bot.features.corrections.chat.card import expect, open_draft
from bot.features.corrections.chat.evidence import (
    WAIT_ADD,
    file_label,
    kind_buttons,
    tail_row,
)
from bot.features.corrections.chat.late import WAIT_FILES, closed, open_form

GONE = N_("This file is not in the form any more; this button changes nothing.")
STILL = N_("Still needed: {missing}.")
ALREADY = N_("Already marked: {file}: {kind}.")


async def kind_pressed(press: EvidenceKind, visit: Visit, context: BotContext) -> None:
    """Mark a file of the open draft (or addition) with what it shows."""
    _ = visit._
    if press.kind not in kinds.KINDS:
        return  # no button carries it: answered quietly
    if press.request_id:
        wait, draft = WAIT_ADD, await open_draft(visit, WAIT_ADD)
        if draft is None or int(draft["request"]) != press.request_id:
            visit.alert(_(GONE))
            return
    else:
        wait, draft = WAIT_FILES, await open_form(visit, press.flow, WAIT_FILES)
        if draft is None:
            await closed(visit, press.flow)
            return
    files = list(draft.get("files", []))
    if not 0 <= press.index < len(files):
        visit.alert(_(GONE))
        return
    label = await file_label(visit, draft, press.index)
    if files[press.index].get("kind") == press.kind:
        visit.toast(_(ALREADY).format(file=label, kind=_(kinds.WORDS[press.kind])))
        return
    files[press.index] = files[press.index] | {"kind": press.kind}
    draft["files"] = files
    await expect(visit, wait, draft)
    lines = [_(kinds.MARKED).format(file=label, kind=_(kinds.WORDS[press.kind]))]
    lacking = _lacking(draft)
    if lacking:
        lines.append(_(STILL).format(missing=kinds.Words(lacking).name(_)))
    text = "\n".join(lines)
    flow = str(draft.get("flow", ""))
    visit.edit(
        html.escape(text[:1].upper() + text[1:]),
        keyboards.inline([tail_row(_, flow, press.request_id)]),
    )


def _lacking(draft: dict[str, Any]) -> tuple[str, ...]:
    """The kinds a draft still needs (an addition needs none of its own)."""
    item = Item.from_key(str(draft.get("item", "")))
    if item is None:
        return ()
    return kinds.missing(item.kind, (entry.get("kind") for entry in draft.get("files", [])))


async def ready(visit: Visit, draft: dict[str, Any], wait: str) -> bool:
    """Whether every file of the draft (or addition) is marked and, for a score, both kinds are
    there; if not, the teacher is asked for what is missing (the draft waits for files again)
    and the press answered quietly."""
    _ = visit._
    files = draft.get("files", [])
    unmarked = kinds.first_unmarked(files)
    request_id = int(draft["request"]) if wait == WAIT_ADD else 0
    flow = str(draft.get("flow", ""))
    if wait != WAIT_ADD and (unmarked is not None or _lacking(draft)):
        await expect(visit, WAIT_FILES, draft | {"sending": False})  # back to taking files
    if unmarked is not None:
        label = await file_label(visit, draft, unmarked)
        asked = _(kinds.UNMARKED_FILE).format(file=label) + "\n" + _(kinds.ASK_KIND)
        visit.reply(
            html.escape(asked.format(file=label)), kind_buttons(_, unmarked, flow, request_id)
        )
        return False
    lacking = () if wait == WAIT_ADD else _lacking(draft)
    if lacking:
        text = _(kinds.MISSING).format(missing=kinds.Words(lacking).name(_))
        visit.reply(html.escape(text), keyboards.inline([tail_row(_, flow, 0)]))
        return False
    return True
