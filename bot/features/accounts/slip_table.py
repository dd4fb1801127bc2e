"""The slips' table on the page: dashed cut lines between slips, padding off the lines."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

PADDING, SIDE_PADDING = 57, 108  # twentieths of a point: 0.1 cm, and Word's usual 0.19 cm


def dashed_cut_lines(tblpr: BaseOxmlElement) -> None:
    """Draw dashed cut lines between the slips of a table, and no other border."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        kind = "dashed" if edge == "insideH" else "nil"
        attributes = {qn("w:val"): kind, qn("w:sz"): "8", qn("w:space"): "0"}
        borders.append(OxmlElement(f"w:{edge}", {**attributes, qn("w:color"): "555555"}))
    tblpr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def padding(tblpr: BaseOxmlElement) -> None:
    """Keep each slip's text off the cut lines: a margin inside the top and bottom of a cell."""
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", PADDING), ("left", SIDE_PADDING)):
        margins.append(OxmlElement(f"w:{edge}", {qn("w:w"): str(width), qn("w:type"): "dxa"}))
    for edge, width in (("bottom", PADDING), ("right", SIDE_PADDING)):
        margins.append(OxmlElement(f"w:{edge}", {qn("w:w"): str(width), qn("w:type"): "dxa"}))
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
