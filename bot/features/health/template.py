"""The nurse's class spreadsheet as sent: the class's pupils under the header, the hint on how
to write each result, and, below the table, the date line and the signatures of the nurse and
the principal; printed on A4 (storage/printout.py). Read back by documents.parse_health_sheet,
which stops where the signatures begin."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import N_, Translator
from bot.features.health.documents import (
    BORDER,
    HEADER_FILL,
    HEALTH_HEADERS,
    NURSE_TITLE,
    PRINCIPAL_TITLE,
    TEXTS,
    WIDTHS,
)
from storage.exports import put
from storage.printout import (
    LINE,
    WRAP_TOP,
    local_date_line,
    print_on_a4,
    signature_block,
    wrap_columns,
    wrapped_lines,
)

HINT = N_(
    "Height in cm, weight in kg. Eyesight as read on the eye chart: 10/10, 7/10, 7/10-2 (two "
    "letters missed), 12/10, 1/20, 1/50, ĐNT 3m (counting fingers at 3 m); with glasses in the "
    "columns “có kính” (or in the same cell: 6/10 có kính 10/10). Leave a cell blank if not "
    "checked."
)
SIGN_HINT = N_("(Signature and full name)")
TITLE_COLUMNS = 3  # STT, student ID, name: repeated on every page
# The hint's lines are counted on a narrower width than the table's: the office's fonts may be
# wider than ours, and a line too many only leaves a little room under the hint.
HINT_WIDTH_DOUBT = 0.8


@dataclass(frozen=True, slots=True)
class HealthPaper:
    """Who and where on a class's health sheet ("" for what the lists and settings lack)."""

    school: str
    class_name: str
    nurse: str = ""
    principal: str = ""
    place: str = ""
    day: date | None = None


def build_health_template(
    paper: HealthPaper, pupils: Sequence[tuple[str, str]], _: Translator
) -> bytes:
    """Return an .xlsx for the nurse: the class's pupils (code, name), empty result columns,
    and the signatures, laid out to print on A4."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = _("Health check results")
    sheet.title = title[:31]
    titles = (
        paper.school,
        title,
        _("Class {name}").format(name=paper.class_name),
        _(HINT),
    )
    for row, text in enumerate(titles, start=1):
        put(sheet, row, 1, text)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    header_row = len(titles) + 2  # a blank row between the titles and the header
    _write_header(sheet, header_row)
    for number, (code, name) in enumerate(pupils, start=1):
        _write_pupil(sheet, header_row + number, number, code, name)
    last_row = header_row + len(pupils)
    _lay_out(sheet, header_row)
    _spread_hint(sheet, len(titles))  # the hint is the last of the titles
    if paper.day is not None:
        signature_block(
            sheet,
            after_row=last_row,
            width=len(HEALTH_HEADERS),
            place_and_date=local_date_line(paper.place, paper.day),
            signers=((PRINCIPAL_TITLE, paper.principal), (NURSE_TITLE, paper.nurse)),
            sign_hint=_(SIGN_HINT),
        )
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _spread_hint(sheet: Worksheet, row: int) -> None:
    """Merge the hint across the table's columns and wrap it, its row as high as its lines:
    a hint left on one line runs far right of the table, and fit-to-width then shrinks the
    whole page to fit it."""
    columns = len(HEALTH_HEADERS)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = sheet.cell(row, 1)
    cell.font = Font(italic=True)
    cell.alignment = WRAP_TOP
    width = sum(WIDTHS[name] for name in HEALTH_HEADERS) * HINT_WIDTH_DOUBT
    sheet.row_dimensions[row].height = wrapped_lines(str(cell.value), width) * LINE


def _write_header(sheet: Worksheet, row: int) -> None:
    for column, aliases in enumerate(HEALTH_HEADERS.values(), start=1):
        cell = put(sheet, row, column, aliases[0])
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _write_pupil(sheet: Worksheet, row: int, number: int, code: str, name: str) -> None:
    values: dict[str, int | str] = {"stt": number, "student_code": code, "full_name": name}
    for column, field_name in enumerate(HEALTH_HEADERS, start=1):
        cell = put(sheet, row, column, values.get(field_name))
        cell.border = BORDER
        if field_name not in ("stt", "height", "weight"):
            # Text, so Excel keeps a code's leading zeros and does not turn 9/10 into a date.
            cell.number_format = "@"


def _lay_out(sheet: Worksheet, header_row: int) -> None:
    for column, field_name in enumerate(HEALTH_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[field_name]
    sheet.freeze_panes = f"A{header_row + 1}"
    texts = [list(HEALTH_HEADERS).index(name) + 1 for name in TEXTS]
    wrap_columns(sheet, texts, header_row + 1)
    print_on_a4(
        sheet, heading_rows=(header_row, header_row), title_columns=TITLE_COLUMNS, landscape=True
    )
