"""A letter as printed: an address cover sheet (the reporter's postal address, the case number,
the sender), then the notice's own pages, in one PDF made like the notice's (`notices.pdf`)."""
from __future__ import annotations

from portal.letters.models import Letter
from portal.notices import pdf

ADDRESSEE = "投诉举报人（投诉举报编号：{case_number}）收"


def render(letter: Letter, address: str) -> bytes:
    """The cover sheet for `address`, then the notice as issued."""
    from fpdf.enums import Align, WrapMode, XPos, YPos  # fpdf2 loads with the first PDF (`notices.pdf`)

    notice = letter.notice
    document = pdf.document(notice)
    document.add_page()
    line = dict(new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    document.set_font("cjk", size=12)
    document.multi_cell(0, 8, "挂号信 · 信访/投诉举报书面告知", align=Align.L, **line)
    document.ln(30)
    document.set_font("cjk", size=16)
    document.multi_cell(0, 10, "收件人地址：", align=Align.L, **line)
    document.multi_cell(0, 10, address, align=Align.L, **line)
    document.ln(4)
    document.multi_cell(0, 10, ADDRESSEE.format(case_number=letter.complaint.case_number), align=Align.L, **line)
    document.ln(40)
    document.set_font("cjk", size=12)
    document.multi_cell(0, 8, f"寄件单位：{notice.authority}", align=Align.L, **line)
    document.multi_cell(0, 8, f"内附：{notice.title}（{notice.number}）", align=Align.L, **line)
    pdf.write(document, notice)
    return bytes(document.output())
