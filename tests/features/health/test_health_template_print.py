"""The nurse's class sheet prints at the table's width: the long hint on how to write each result
is merged across the table's columns and wrapped, its row as high as its lines, so that
fit-to-width follows the table instead of shrinking the page to the hint's one long line."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.core.i18n import translator
from bot.features.health.documents import HEALTH_HEADERS
from bot.features.health.template import HINT, HealthPaper, build_health_template
from storage.printout import LINE

PAPER = HealthPaper(
    "Trường Tiểu học Nguyễn Khuyến",
    "1A",
    "Lê Thị Mai",
    "Trịnh Văn Khải",
    "Phường Xuân Hòa",
    date(2026, 9, 15),
)
PUPILS = [("7900000001", "Nguyễn Văn An"), ("7900000002", "Trần Thị Bình")]


def test_the_hint_is_merged_across_the_table_and_wrapped() -> None:
    vi = translator("vi")
    data = build_health_template(PAPER, PUPILS, vi)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    last = get_column_letter(len(HEALTH_HEADERS))
    assert f"A4:{last}4" in {str(merged) for merged in sheet.merged_cells.ranges}
    hint = sheet["A4"]
    assert hint.value == vi(HINT) and "ĐNT 3m" in hint.value
    assert hint.alignment.wrap_text and hint.alignment.vertical == "top"
    assert hint.font.italic
    assert (sheet.row_dimensions[4].height or 0) >= 2 * LINE  # room for its wrapped lines
    # Nothing is written right of the table: fit-to-width follows its columns.
    assert sheet.max_column == len(HEALTH_HEADERS)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    # The header is still where the nurse's sheet is read back from.
    assert sheet.cell(6, 1).value == "STT" and sheet.cell(7, 3).value == "Nguyễn Văn An"
