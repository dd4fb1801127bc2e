"""How the minutes look on paper: A4 with the margins of Nghị định 30/2020, Times New Roman 13,
fixed-width tables and centred lines (the python-docx helpers of documents.py)."""

from __future__ import annotations

import unicodedata

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
SIZE = Pt(13)
TEXT_WIDTH = Cm(16.0)  # A4 (21 cm) less the left (3 cm) and right (2 cm) margins of ND30


def page_and_font(document: DocumentObject, language: str) -> None:
    """A4 with the margins of Nghị định 30/2020 and Times New Roman 13 throughout."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = section.right_margin = Cm(2.0)
    section.left_margin = Cm(3.0)
    normal = document.styles["Normal"]
    normal.font.size = SIZE
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    rpr = normal.element.get_or_add_rPr()
    fonts(rpr)
    tag = {"vi": "vi-VN", "en": "en-US"}.get(language, "vi-VN")
    lang = OxmlElement("w:lang", {qn("w:val"): tag})
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def fonts(rpr: BaseOxmlElement) -> None:
    """Use the text font for every script, dropping the template's theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def table(
    document: DocumentObject,
    rows: int,
    columns: int,
    widths: tuple[Length, ...],
    *,
    grid: bool = False,
) -> Table:
    """A centred table of fixed column widths (Word reads the cells' widths, LibreOffice the
    columns')."""
    table: Table = document.add_table(rows=rows, cols=columns)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if grid:
        table.style = document.styles["Table Grid"]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def cell_paragraph(cell: _Cell) -> Paragraph:
    """The cell's empty first paragraph, then new ones."""
    first: Paragraph = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.runs:
        return first
    paragraph: Paragraph = cell.add_paragraph()
    return paragraph


def write(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    size: Length = SIZE,
    before: float = 0,
) -> Paragraph:
    """Append a run in the text font; keep the paragraph's spacing tight."""
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(nfc(text))
    run.font.size = size
    run.font.bold = bold or None
    run.font.italic = italic or None
    run.font.all_caps = caps or None
    fonts(run._r.get_or_add_rPr())
    return paragraph


def centred(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    size: Length = SIZE,
    before: float = 0,
    rule: bool = False,
) -> None:
    """A centred line; `rule` draws the short line ND30 puts under it (a ruled paragraph of
    its own, never underlined text)."""
    write(paragraph, text, bold=bold, italic=italic, caps=caps, size=size, before=before)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if rule:
        short_rule(paragraph, Cm(RULE_LENGTH))


RULE_LENGTH = 3.0  # cm: the short line under the agency's name, the motto and the title


def short_rule(after: Paragraph, length: Length) -> None:
    """A centred line of `length` under `after`: an empty paragraph, indented from both sides
    of its cell or page, with a bottom border (how Word draws ND30's rules)."""
    element = OxmlElement("w:p")
    after._p.addnext(element)
    rule = Paragraph(element, after._parent)
    rule.paragraph_format.space_before = rule.paragraph_format.space_after = Pt(0)
    rule.paragraph_format.line_spacing = Pt(3)
    width = _available(after)
    side = Cm(max((width.cm - length.cm) / 2, 0))
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = side
    border = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        border.set(qn(key), value)
    borders = OxmlElement("w:pBdr")
    borders.append(border)
    rule._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _available(paragraph: Paragraph) -> Length:
    """The width a paragraph has: its cell's, or the page's text width."""
    parent = paragraph._parent
    width = getattr(parent, "width", None)
    return Length(width) if width else TEXT_WIDTH


def page_numbers(document: DocumentObject) -> None:
    """Page numbers centred in the top margin from page 2 (the first page has a header of its
    own, left empty), as Nghị định 30/2020 asks."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.0)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = SIZE
    fonts(run._r.get_or_add_rPr())
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        if kind is not None:
            run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        elif text == " PAGE ":
            code = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            code.text = text
            run._r.append(code)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def keep_together(table: Table) -> None:
    """A row that never splits across pages, its paragraphs kept with each other."""
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.keep_together = True


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
