"""The nurse's class sheet as the bot sends it: prints on A4 and is signed by the nurse and the
principal, read back with openpyxl; the hint row says how eyesight is written."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import linked_person
from tests.e2e.test_health import NURSE
from tests.e2e.test_notifications import class_id
from tests.e2e.test_weekly import download

PRINCIPAL = "Trịnh Văn Khải"  # tests/data/staff.csv


async def test_the_class_sheet_prints_on_a4_with_the_nurse_and_the_principal_signing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    lists.settings = {**(lists.settings or {}), "place": "Phường Xuân Hòa"}
    await session.commit()
    nurse = await linked_person(make_person, *NURSE)
    await nurse.command("suckhoe")
    await nurse.next_message(timeout=10)
    await nurse.press("1A")
    await nurse.next_message(timeout=10)
    await nurse.press(data=f"v1:hlth:tpl:{await class_id(session, lists, '1A')}")
    sent = await nurse.next_message(timeout=10, new_only=True)
    assert sent["file"]["file_name"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(await download(sandbox, sent))).worksheets[0]
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "landscape"  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$6:$6" and sheet.print_title_cols == "$A:$C"
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    for signer in ("NHÂN VIÊN Y TẾ", NURSE[0], "HIỆU TRƯỞNG", PRINCIPAL):
        assert signer in texts
    assert any(text.startswith("Phường Xuân Hòa, ngày ") for text in texts)
    assert "ĐNT 3m" in str(sheet["A4"].value) and "7/10-2" in str(sheet["A4"].value)
