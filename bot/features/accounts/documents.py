"""Printable invitation slips: one per child, with a QR code and a code that links a parent.

With the web served, a third column has a second QR code: a one-time sign-in on the web.
Each slip names the pupil, the class, the parent it goes to, the class's homeroom teacher (a
dotted line to fill in by hand when the staff list names none) and the date of issue; the help
line gives the school's phone when it is set; the last line says what the school keeps, as the
consent text does, and where to see or delete it (/dulieu).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from string import Formatter

import segno
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from bot.core.datefmt import short
from bot.core.i18n import Translator
from bot.features.accounts.slip_table import dashed_cut_lines, padding

TEXT_FONT = "Times New Roman"
CODE_FONT = "Courier New"
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_SIDE, MARGIN_END = Cm(1.5), Cm(1.0)
SLIP_WIDTH = Cm(18.0)
# Three slips to an A4 page, one table per page, 27.6 cm of the 27.7 between the margins; the
# cut lines fall at 10.2 cm and 19.4 cm of the sheet. Rows may grow, never split: a slip's
# text stays within 9.0 cm (its padding is 0.1 cm above and below), the longest Vietnamese
# names included (as rendered through LibreOffice; see docs/accounts.md).
SLIP_HEIGHTS = (Cm(9.2), Cm(9.2), Cm(9.2))
QR_SIZE = Cm(3.5)
QR_COLUMN, STEPS_COLUMN = Cm(4.1), Cm(13.5)  # inside the slip's own cell margins
# With the web's QR code: Telegram's QR, the steps, the web's QR with its line and code.
WEB_QR_SIZE, WEB_COLUMN, WEB_STEPS_COLUMN = Cm(2.5), Cm(4.5), Cm(13.5 - 4.5)
RIGHT_TAB = Cm(12.5)  # the class and the date of issue, at the right of their line
BLANK = "." * 40  # a name to write by hand
NBSP = "\u00a0"  # keeps a phone number on one line
_LANGUAGE_TAGS = {"vi": "vi-VN", "en": "en-US"}
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# The children of `w:rPr` that come after `w:rFonts`, for inserting it in schema order.
_AFTER_FONTS = (
    *("w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:color"),
    *("w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:u", "w:lang"),
)


@dataclass(frozen=True, slots=True)
class Slip:
    """One invitation slip: for one child, carrying one guardian's one-time code."""

    student_name: str
    class_name: str
    guardian_name: str | None
    code: str
    deep_link: str
    expires_on: date
    teacher_name: str = ""  # the class's homeroom teacher on the staff list
    web_link: str = ""  # a one-time sign-in on the web contact book (its second QR code)
    web_code: str = ""  # the same sign-in as a code to type: ABCD-EFGH
    web_site: str = ""  # where to type it


@dataclass(frozen=True, slots=True)
class Issue:
    """What every slip of a batch shares: the day it is issued and the school's phone."""

    school_name: str
    bot: str
    issued_on: date | None = None
    phone: str = ""  # as people write it: 028 3829 1234


def render_slips_docx(
    slips: Sequence[Slip],
    *,
    school_name: str,
    bot_username: str,
    _: Translator,
    issued_on: date | None = None,
    school_phone: str = "",
) -> bytes:
    """Return a DOCX document with one slip per child, several to an A4 page, ready to cut."""
    if not slips:
        raise ValueError("No slips to render: pass at least one slip.")
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin = section.bottom_margin = MARGIN_END
    _style_normal(document.styles["Normal"], _LANGUAGE_TAGS.get(_.language, "vi-VN"))
    title = _("Invitation to the school's electronic contact book")
    document.core_properties.title = _nfc(title)
    document.core_properties.author = document.core_properties.last_modified_by = _nfc(school_name)

    issue = Issue(school_name, bot_username.lstrip("@"), issued_on, school_phone)
    per_page = len(SLIP_HEIGHTS)
    for start in range(0, len(slips), per_page):
        if start:
            # A section break keeps the tables apart and starts the next page.
            document.add_section(WD_SECTION.NEW_PAGE)
            _spacer(document.paragraphs[-1])
        table = document.add_table(rows=0, cols=1)
        table.autofit = False
        dashed_cut_lines(table._tbl.tblPr)
        padding(table._tbl.tblPr)
        for slip, height in zip(slips[start : start + per_page], SLIP_HEIGHTS, strict=False):
            row = table.add_row()
            row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
            row._tr.get_or_add_trPr().insert_element_before(
                OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:jc", "w:hidden"
            )
            cell = row.cells[0]
            cell.width = SLIP_WIDTH
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill_slip(cell, slip, issue, title, _)
    # Word needs a paragraph after a table; keep it tiny so it never spills onto a blank page.
    _spacer(document.add_paragraph())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fill_slip(cell: _Cell, slip: Slip, issue: Issue, title: str, _: Translator) -> None:
    """Write one slip into a table cell: heading, who it is for, then QR beside the steps."""
    school = _add_paragraph(cell.paragraphs[0], issue.school_name, size=11, bold=True, caps=True)
    school.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = _add_paragraph(cell.add_paragraph(), title, size=13, bold=True, caps=True, after=3)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _who(cell, slip, issue, _)
    widths = (
        (QR_COLUMN, WEB_STEPS_COLUMN, WEB_COLUMN) if slip.web_link else (QR_COLUMN, STEPS_COLUMN)
    )
    inner = cell.add_table(rows=1, cols=len(widths))
    inner.autofit = False
    cells = inner.rows[0].cells
    for column, inner_cell, width in zip(inner.columns, cells, widths, strict=True):
        column.width = inner_cell.width = width
        inner_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    picture = cells[0].paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(_qr_png(slip.deep_link)), width=QR_SIZE)
    _steps(cells[1], slip, _, issue.bot)
    if slip.web_link:
        _web(cells[2], slip, _)
    _help(cell, issue.phone, _)


def _web(column: _Cell, slip: Slip, _: Translator) -> None:
    """For a family without Telegram: the one line, the web's QR code, the code to type."""
    line = _("Not using Telegram? Scan this code to read the contact book in a browser.")
    intro = _add_paragraph(column.paragraphs[0], line, size=8, bold=True, after=1)
    picture = column.add_paragraph()
    picture.paragraph_format.space_after = Pt(0)
    picture.add_run().add_picture(io.BytesIO(_qr_png(slip.web_link)), width=WEB_QR_SIZE)
    typed = _("or type this code at {site}:").format(site=slip.web_site)
    site = _add_paragraph(column.add_paragraph(), typed, size=7.5, after=0)
    code = _add_paragraph(column.add_paragraph(), slip.web_code, size=11, bold=True, after=0)
    _set_font(code.runs[0], CODE_FONT)
    for paragraph in (intro, picture, site, code):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _help(cell: _Cell, phone: str, _: Translator) -> None:
    """Under the QR code and the steps, the slip's whole width: whom to ask, what is kept.

    The last paragraph is also the one Word needs after the inner table."""
    if phone:
        help_text = _(
            "If you need help, please ask your child's homeroom teacher or call the "
            "school: {phone}."
        ).format(phone=phone.replace(" ", NBSP))
    else:
        help_text = _("If you need help, please ask your child's homeroom teacher.")
    helping = _add_paragraph(cell.add_paragraph(), help_text, size=10, italic=True, after=1)
    helping.paragraph_format.space_before = Pt(3)
    kept = _(
        "The school keeps your name, phone and Telegram account, your child's name, class "
        "and birth date, and the notices and messages you exchange; see or delete them "
        "with /dulieu."
    )
    _add_paragraph(cell.add_paragraph(), kept, size=8, italic=True, after=0)


def _who(cell: _Cell, slip: Slip, issue: Issue, _: Translator) -> None:
    """The pupil and the class, the parent, the homeroom teacher and the date of issue."""
    who = _add_filled(
        cell.add_paragraph(), _("Pupil: {name}"), {"name": slip.student_name}, size=11
    )
    _add_run(who, "\t", size=11)
    _add_filled(who, _("Class: {class_name}"), {"class_name": slip.class_name}, size=11)
    who.paragraph_format.tab_stops.add_tab_stop(RIGHT_TAB)
    if slip.guardian_name:
        parent = {"name": slip.guardian_name}
        who = _add_filled(cell.add_paragraph(), _("Parent: {name}"), parent, size=11)
    teacher = {"name": slip.teacher_name or BLANK}
    who = _add_filled(cell.add_paragraph(), _("Homeroom teacher: {name}"), teacher, size=11)
    if issue.issued_on is not None:
        _add_run(who, "\t", size=11)
        _add_filled(who, _("Issued on {date}"), {"date": short(issue.issued_on)}, size=11)
        who.paragraph_format.tab_stops.add_tab_stop(RIGHT_TAB)
    who.paragraph_format.space_after = Pt(3)


def _steps(steps: _Cell, slip: Slip, _: Translator, bot: str) -> None:
    """The four steps, the code in large letters and how long it works."""
    texts = (
        _("Install Telegram on your phone if you do not have it yet."),
        _("Scan the QR code with the phone's camera, or open Telegram and search for @{bot}."),
        _("Press the Start button."),
        _("If you are asked for a code, type:"),
    )
    for number, text in enumerate(texts, start=1):
        paragraph = steps.paragraphs[0] if number == 1 else steps.add_paragraph()
        line = f"{number}.\t" + text.format(bot=bot)
        step = _add_paragraph(paragraph, line, size=11, after=1)
        step.paragraph_format.left_indent = Cm(0.6)
        step.paragraph_format.first_line_indent = Cm(-0.6)
    code = _add_paragraph(steps.add_paragraph(), _grouped(slip.code), size=20, bold=True, after=1)
    code.paragraph_format.left_indent = Cm(0.6)
    _set_font(code.runs[0], CODE_FONT)
    _char_spacing(code.runs[0], Pt(2))
    note = _("This code works only once, until {date} inclusive. Please keep it private.")
    _add_filled(steps.add_paragraph(), note, {"date": short(slip.expires_on)}, size=10)


def _qr_png(deep_link: str) -> bytes:
    """Return the QR code of a link as PNG bytes, with the standard quiet zone."""
    buffer = io.BytesIO()
    segno.make_qr(deep_link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def _grouped(code: str) -> str:
    """Return a code in groups of four for easy typing: "K7MW 3QXP"."""
    code = "".join(code.split())
    return " ".join(code[start : start + 4] for start in range(0, len(code), 4))


def _nfc(text: str) -> str:
    """Return text in NFC, the form Vietnamese fonts and searches expect."""
    return unicodedata.normalize("NFC", text)


def _add_paragraph(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = 12,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    after: float = 3,
) -> Paragraph:
    """Append one run of text to a paragraph and give the paragraph tight spacing."""
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.line_spacing = 1.0
    _add_run(paragraph, text, size=size, bold=bold, italic=italic, caps=caps)
    return paragraph


def _spacer(paragraph: Paragraph) -> None:
    """Make an empty paragraph 1 pt high: Word needs it, the reader should not see it."""
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(1)


def _add_filled(
    paragraph: Paragraph, template: str, values: Mapping[str, str], *, size: float = 12
) -> Paragraph:
    """Append a translated template to a paragraph, its filled-in values in bold."""
    paragraph.paragraph_format.space_after = Pt(1)
    paragraph.paragraph_format.line_spacing = 1.0
    for literal, field, _spec, _conversion in Formatter().parse(template):
        if literal:
            _add_run(paragraph, literal, size=size)
        if field is not None:
            _add_run(paragraph, values[field], size=size, bold=True)
    return paragraph


def _add_run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = 12,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
) -> Run:
    """Append a run in the text font that renders Vietnamese."""
    run = paragraph.add_run(_nfc(text))
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    run.font.all_caps = caps or None
    _set_font(run, TEXT_FONT)
    return run


def _set_font(run: Run, name: str) -> None:
    """Use one typeface for every script of a run (Latin, East Asian, complex)."""
    _set_fonts(run._r.get_or_add_rPr(), name)


def _set_fonts(rpr: BaseOxmlElement, name: str) -> None:
    """Set all four `w:rFonts` slots of a run-properties element, dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.insert_element_before(OxmlElement("w:rFonts"), *_AFTER_FONTS)
    for attribute in _THEME_FONTS:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _char_spacing(run: Run, amount: Pt) -> None:
    """Spread the letters of a run apart (in twentieths of a point)."""
    spacing = OxmlElement("w:spacing", {qn("w:val"): str(round(amount.pt * 20))})
    run._r.get_or_add_rPr().insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz")


def _style_normal(style: ParagraphStyle, language: str) -> None:
    """Give the Normal style the text font, 12 pt, single spacing and the document's language."""
    style.font.size = Pt(12)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, TEXT_FONT)
    lang = OxmlElement("w:lang", {qn("w:val"): language})
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
