"""Invitation slips: one per child, each with its own code, date and QR code, ready to print."""

from __future__ import annotations

import gettext
import io
import re
import unicodedata
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Row

from bot.core.i18n import Translator, translator
from bot.features.accounts.documents import Slip, _qr_png, render_slips_docx

SCHOOL = "Trường Tiểu học Nguyễn Du"
BOT = "so_lien_lac_bot"
EXPIRES = date(2026, 12, 3)
PEOPLE = [
    ("Hoàng Anh Đăng", "1A", "Ngô Kim Hạnh", "K7MW3QXP"),
    ("Nguyễn Thị Minh Khuê", "1A", None, "ABCD2345"),
    ("Trần Hoàng Hà Thuý", "2B", "Trần Văn Dũng", "ZXCV6789"),
    ("Lê Bảo Ngọc", "5/2", "Phạm Thị Thu Hương", "MNPQ4RST"),
]
GROUPED = ["K7MW 3QXP", "ABCD 2345", "ZXCV 6789", "MNPQ 4RST"]


def make_slips(people: list[tuple[str, str, str | None, str]] = PEOPLE) -> list[Slip]:
    return [
        Slip(name, klass, guardian, code, f"https://t.me/{BOT}?start={code}", EXPIRES)
        for name, klass, guardian, code in people
    ]


def render(slips: list[Slip], _: Translator | None = None, bot: str = BOT) -> DocxDocument:
    data = render_slips_docx(slips, school_name=SCHOOL, bot_username=bot, _=_ or translator("vi"))
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data))


def slip_rows(document: DocxDocument) -> list[_Row]:
    """The slips: the rows of the document's top-level tables."""
    return [row for table in document.tables for row in table.rows]


def paragraphs(row: _Row) -> list[str]:
    return ["".join(p.xpath("./w:r/w:t/text()")) for p in row._tr.xpath(".//w:p")]


def text(row: _Row) -> str:
    return "\n".join(paragraphs(row))


def images(document: DocxDocument, row: _Row) -> list[bytes]:
    related = document.part.related_parts
    return [related[rid].blob for rid in row._tr.xpath(".//a:blip/@r:embed")]


def test_one_slip_per_child_with_its_own_name_class_code_and_date() -> None:
    slips = make_slips()
    document = render(slips)
    rows = slip_rows(document)

    assert len(rows) == len(slips)
    for slip, row, grouped in zip(slips, rows, GROUPED, strict=True):
        content = text(row)
        assert slip.student_name in content
        assert slip.class_name in content
        assert grouped in paragraphs(row)  # alone on its line, large, easy to type
        assert [code for code in GROUPED if code in content] == [grouped]
        assert "03/12/2026" in content
        assert f"@{BOT}" in content
        assert len(images(document, row)) == 1


def test_each_slip_carries_the_qr_code_of_its_own_link() -> None:
    slips = make_slips()
    document = render(slips)

    qr_images = [images(document, row)[0] for row in slip_rows(document)]

    assert qr_images == [_qr_png(slip.deep_link) for slip in slips]
    assert len(set(qr_images)) == len(slips)
    assert all(image.startswith(b"\x89PNG\r\n\x1a\n") for image in qr_images)
    assert [shape.width for shape in document.inline_shapes] == [Cm(3.5)] * len(slips)


def test_the_guardian_is_named_only_when_known() -> None:
    slips = make_slips()
    rows = slip_rows(render(slips))

    assert "Ngô Kim Hạnh" in text(rows[0])
    assert "None" not in text(rows[1])
    assert len(paragraphs(rows[1])) == len(paragraphs(rows[0])) - 1


def test_vietnamese_text_survives_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoàng Hà Thuý")
    assert decomposed != "Hoàng Hà Thuý"
    slips = make_slips([(decomposed, "3C", unicodedata.normalize("NFD", "Đỗ Thị Huệ"), "HJK2MNP3")])

    document = render(slips)
    content = text(slip_rows(document)[0])

    assert "Hoàng Hà Thuý" in content
    assert "Đỗ Thị Huệ" in content
    assert SCHOOL in content
    assert content == unicodedata.normalize("NFC", content)


def test_slips_never_split_and_three_fit_on_an_a4_page() -> None:
    document = render(make_slips() * 2)
    section = document.sections[0]
    usable = section.page_height - section.top_margin - section.bottom_margin

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert min(section.top_margin, section.left_margin) >= Cm(1)
    assert [len(table.rows) for table in document.tables] == [3, 3, 2]
    for table in document.tables:
        assert sum(row.height for row in table.rows) <= usable
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders.find(qn("w:insideH")).get(qn("w:val")) == "dashed"
    # Each page is a section of its own, starting with its table on a new page.
    assert len(document.sections) == len(document.tables)
    for later in document.sections[1:]:
        assert later.start_type == WD_SECTION.NEW_PAGE
        assert (later.page_height, later.top_margin) == (section.page_height, section.top_margin)


def test_the_code_is_printed_large_in_a_monospace_font() -> None:
    document = render(make_slips()[:1])
    runs = [run for row in slip_rows(document) for run in row._tr.xpath(".//w:r")]
    (code,) = [run for run in runs if "".join(run.xpath("./w:t/text()")) == "K7MW 3QXP"]

    assert code.rPr.rFonts.get(qn("w:ascii")) == "Courier New"
    assert code.rPr.sz_val >= Pt(20)


def test_every_run_names_a_font_for_all_scripts() -> None:
    document = render(make_slips())
    runs = [run for row in slip_rows(document) for run in row._tr.xpath(".//w:r[w:t]")]

    assert runs
    for run in runs:
        fonts = run.rPr.rFonts
        names = {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert names in ({"Times New Roman"}, {"Courier New"})
        assert fonts.get(qn("w:asciiTheme")) is None


class Marking(gettext.NullTranslations):
    """Wrap every translated sentence in brackets, to find text that skipped the translator."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"


def test_every_sentence_goes_through_the_translator() -> None:
    slips = make_slips()
    document = render(slips, Translator("vi", Marking()))

    leftover = "\n".join(text(row) for row in slip_rows(document))
    leftover = re.sub(r"⟦[^⟦⟧]*⟧", "", leftover)
    for word in [SCHOOL, *GROUPED]:
        leftover = leftover.replace(word, "")
    leftover = re.sub(r"\b[1-9]\.", "", leftover)  # the steps' numbers

    assert leftover.split() == []
    assert document.core_properties.title.startswith("⟦")


def test_the_bot_may_be_named_with_its_at_sign() -> None:
    content = text(slip_rows(render(make_slips()[:1], bot=f"@{BOT}"))[0])

    assert f"@{BOT}" in content
    assert "@@" not in content


def test_no_slips_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one slip"):
        render_slips_docx([], school_name=SCHOOL, bot_username=BOT, _=translator("vi"))
