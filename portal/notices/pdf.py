"""A notice as a PDF: the stored text laid out on A4 (GB/T 9704's margins), in a Chinese TrueType
font from a Debian package, by fpdf2 (pure Python, maintained, embeds a subset of the font with its
ToUnicode map, so the text can be searched, copied and extracted).

fpdf2 is imported when the first PDF is made, not with the app: with fontTools it is about 45 MB of
every worker's memory, for a page few requests ask for."""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from portal.errors import PortalError
from portal.notices.models import Notice
from portal.notices.service import layout

if TYPE_CHECKING:
    from fpdf import FPDF

# Debian's Chinese fonts, first found wins (PORTAL_NOTICE_FONT_FILE chooses another): fonts-wqy-microhei,
# fonts-wqy-zenhei, fonts-arphic-uming. Collections (.ttc) are read at their first face.
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
              "/usr/share/fonts/truetype/arphic/uming.ttc")
RED = (200, 16, 16)


class FontMissing(PortalError):
    """No Chinese font is installed (apt-get install fonts-wqy-microhei): the PDF cannot be made."""

    status = 503


def limit() -> str:
    """How many PDFs one client may have made (`PORTAL_LIMIT_NOTICE_PDF`)."""
    return current_app.config["LIMIT_NOTICE_PDF"]


def font_file() -> Path:
    configured = current_app.config.get("NOTICE_FONT_FILE")
    for candidate in ([configured] if configured else FONT_FILES):
        if Path(candidate).is_file():
            return Path(candidate)
    logging.getLogger(__name__).error("no Chinese font for notice PDFs: install fonts-wqy-microhei "
                                      "or set PORTAL_NOTICE_FONT_FILE")
    raise FontMissing(configured or FONT_FILES[0])


@functools.cache
def _document_class() -> type:
    from fpdf import FPDF
    from fpdf.enums import Align

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-20)
            self.set_font("cjk", size=11)
            self.cell(0, 8, f"— {self.page_no()} —", align=Align.C)
    return _Document


def document(notice: Notice) -> FPDF:
    """An empty A4 document for the notice (margins, the Chinese font as "cjk", its metadata)."""
    parts = layout(notice.text)
    pdf = _document_class()(format="A4", unit="mm")
    pdf.set_margins(28, 37, 26)
    pdf.set_auto_page_break(True, margin=30)
    pdf.add_font("cjk", fname=str(font_file()), collection_font_number=0)
    pdf.set_creation_date(notice.issued_at)
    pdf.set_title(f"{parts.title} {parts.number}")
    pdf.set_author(parts.authority)
    pdf.set_lang("zh-CN")
    return pdf


def render(notice: Notice) -> bytes:
    """The PDF of the notice's stored text (nothing else is read), dated as issued."""
    pdf = document(notice)
    write(pdf, notice)
    return bytes(pdf.output())


def write(pdf: FPDF, notice: Notice) -> None:
    """Lay the notice's stored text out on new pages of `pdf`."""
    from fpdf.enums import Align, WrapMode, XPos, YPos

    parts = layout(notice.text)
    pdf.add_page()
    line = dict(new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    pdf.set_text_color(*RED)
    pdf.set_font("cjk", size=22)
    pdf.multi_cell(0, 12, parts.authority, align=Align.C, **line)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(8)
    pdf.set_font("cjk", size=20)
    pdf.multi_cell(0, 11, parts.title, align=Align.C, **line)
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 9, parts.number, align=Align.C, **line)
    pdf.ln(6)
    pdf.multi_cell(0, 9, parts.addressee, align=Align.L, **line)
    for paragraph in parts.body:
        pdf.multi_cell(0, 9, paragraph, align=Align.L, **line)
    pdf.ln(12)
    authority, seal, date = parts.signature
    if pdf.will_page_break(40):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.circle(x=pdf.w - pdf.r_margin - 42, y=top + 13, radius=21)  # where the seal goes
    pdf.set_dash_pattern()
    for text in (authority, seal, date):
        pdf.multi_cell(0, 9, text, align=Align.R, **line)
