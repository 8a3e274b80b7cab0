"""A corpus of realistic plan documents, written by the tests themselves from the shipped 2017 plan.

`reference()` reads the shipped text with a few explicit rules (independent of the importer): its
blocks are split on blank lines, the five blocks a page break cut are joined to their next block,
item 15's title, printed alone, opens its paragraph, and the Markdown bold is dropped. From that,
writers produce the variants offices actually send: Word with automatic numbering, a PDF with
running headers and page numbers, text copied from a web page (one paragraph per line), GBK bytes,
other numbering styles, a sign-off block, another committee's plan of the same year.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from tests.workplan.conftest import PLAN_FILE

# The blocks of the shipped text that stop mid-sentence: a page break cut them.
CUT_BLOCKS_END = ("区第十二次党代", "研讨会、", "健全活", "举办", "常态化、制")
CHINESE = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class Plan:
    """The plan as a reader sees it: header lines, preamble, sections of (number, title, text) items."""

    issuer: str
    document_number: str
    title: str
    adoption: str
    preamble: str
    sections: list[tuple[str, list[tuple[int, str, str]]]] = field(default_factory=list)
    sign_off: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[int, str, str]]:
        return [item for _title, items in self.sections for item in items]


def reference() -> Plan:
    blocks = [b.strip() for b in PLAN_FILE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    joined: list[str] = []
    for block in blocks:
        if joined and joined[-1].endswith(CUT_BLOCKS_END):
            joined[-1] += block
        elif joined and joined[-1].startswith("15. ") and not re.match(r"^\d+\. |^[一二三四五六]、", block):
            joined[-1] += block
        else:
            joined.append(block)
    issuer, number, title, adoption, preamble, *body = joined
    plan = Plan(issuer, number, title, adoption, preamble)
    for block in body:
        if re.match(r"^[一二三四五六]、", block):
            plan.sections.append((block[2:], []))
            continue
        match = re.match(r"^(\d+)\. (.*)$", block)
        text = match[2].replace("**", "")
        plan.sections[-1][1].append((int(match[1]), text[: text.index("。") + 1], text))
    return plan


def expected_tree(plan: Plan) -> dict:
    """What the importer must return for a document written from `plan`, as plain data."""
    return {
        "sections": [
            {
                "number": n,
                "title": title,
                "items": [{"number": i, "title": t, "text": x} for i, t, x in items],
            }
            for n, (title, items) in enumerate(plan.sections, start=1)
        ],
        "preamble": plan.preamble,
    }


def tree(parsed) -> dict:
    """The same plain data from a parsed plan."""
    return {
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "items": [{"number": i.number, "title": i.title, "text": i.text} for i in s.items],
            }
            for s in parsed.sections
        ],
        "preamble": parsed.preamble,
    }


SIGN_OFF = [
    "政协北京市东城区委员会常务委员会",
    "2017年3月20日",
    "（此件公开发布）",
    "——————————————",
    "抄送：区委办公室，区人大常委会办公室，区政府办公室，",
    "区纪委，区委统战部。",
    "政协北京市东城区委员会办公室　　　　2017年3月22日印发",
]


def second_committee(plan: Plan) -> Plan:
    """Another district's committee: the same year, the same shape, another issuer."""

    def swap(text: str) -> str:
        return text.replace("东城", "西城").replace("东协字", "西协字")

    other = Plan(
        swap(plan.issuer), "西协字〔2017〕8号", swap(plan.title), swap(plan.adoption), swap(plan.preamble)
    )
    other.sections = [
        (swap(title), [(n, swap(t), swap(x)) for n, t, x in items]) for title, items in plan.sections
    ]
    return other


# --- numbering styles ---------------------------------------------------------------------------


def numeral(n: int) -> str:
    tens, units = divmod(n, 10)
    if not tens:
        return CHINESE[units - 1]
    return f"{CHINESE[tens - 1] if tens > 1 else ''}十{CHINESE[units - 1] if units else ''}"


SECTION_STYLES = {
    "一、": lambda n: f"{numeral(n)}、",
    "一．": lambda n: f"{numeral(n)}．",
    "（一）": lambda n: f"（{numeral(n)}）",
}
ITEM_STYLES = {
    "1.": lambda n: f"{n}. ",
    "1、": lambda n: f"{n}、",
    "１．": lambda n: f"{str(n).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}．",
    "（1）": lambda n: f"（{n}）",
    "（一）": lambda n: f"（{numeral(n)}）",
    "①": lambda n: CIRCLED[n - 1],
}


def paragraphs(
    plan: Plan,
    *,
    section_style: str = "一、",
    item_style: str = "1.",
    per_section: bool = False,
    bold_titles: bool = False,
    title_alone: tuple[int, ...] = (),
) -> list[str]:
    """The document as paragraphs of text, numbered as asked (titles in Markdown bold if asked)."""
    out = [plan.issuer, plan.document_number, plan.title, plan.adoption, plan.preamble]
    for n, (title, items) in enumerate(plan.sections, start=1):
        out.append(SECTION_STYLES[section_style](n) + title)
        for position, (number, item_title, text) in enumerate(items, start=1):
            label = ITEM_STYLES[item_style](position if per_section else number)
            body = text[len(item_title) :]
            shown = f"**{item_title}**" if bold_titles else item_title
            if number in title_alone:
                out += [label + shown, body]
            else:
                out.append(label + shown + body)
    return out + plan.sign_off


def web_text(plan: Plan, **styles) -> str:
    """Text copied from a web page: one paragraph per line, nothing between."""
    return "\n".join(paragraphs(plan, **styles)) + "\n"


def printed_text(plan: Plan, *, width: int = 38, lines_per_page: int = 30, header: str = "") -> str:
    """A text export of the printed document: blank lines between paragraphs, pages ended by a
    footer "— N —" and a form feed, a running header on every page after the first."""
    lines: list[str] = []
    for paragraph in paragraphs(plan, title_alone=(15,)):
        current = ""
        for unit in re.findall(r" ?[A-Za-z0-9]+ ?|.", paragraph):
            if len(current) + len(unit) > width:
                lines.append(current.strip())
                current = ""
            current += unit
        lines.append(current.strip())
        lines.append("")
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    out = []
    for number, page in enumerate(pages, start=1):
        head = [header, ""] if header and number > 1 else []
        out.append("\n".join([*head, *page, "", f"— {number} —"]))
    return "\f\n".join(out) + "\n"


# --- Word ---------------------------------------------------------------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _add_numbering(document, num_id: int, fmt: str, text: str) -> None:
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W_NS} w:abstractNumId="{num_id}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
    )


def _number(paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def word(plan: Plan, *, automatic_numbering: bool = True, table: bool = True) -> bytes:
    """A .docx as Word writes it: numbering generated by Word, bold titles, header and footer, a table."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "政协北京市东城区委员会"
    section.footer.paragraphs[0].text = "— 1 —"
    if automatic_numbering:
        _add_numbering(document, 91, "chineseCounting", "%1、")
        _add_numbering(document, 92, "decimal", "%1.")
    for line in (plan.issuer, plan.document_number, plan.title, plan.adoption, plan.preamble):
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=1, cols=2)
        grid.rows[0].cells[0].text = "分管领导"
        grid.rows[0].cells[1].text = "张**"
    for n, (title, items) in enumerate(plan.sections, start=1):
        heading = document.add_paragraph()
        if automatic_numbering:
            _number(heading, 91)
            heading.add_run(title)
        else:
            heading.add_run(f"{numeral(n)}、{title}")
        for number, item_title, text in items:
            paragraph = document.add_paragraph()
            if automatic_numbering:
                _number(paragraph, 92)
            else:
                paragraph.add_run(f"{number}. ")
            paragraph.add_run(item_title).bold = True
            if number == 15:
                # Item 15's title stands alone, as in the printed plan.
                paragraph = document.add_paragraph()
            paragraph.add_run(text[len(item_title) :])
    for line in plan.sign_off:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------

FONT = "STSong-Light"


def _wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    # Units that never break: runs of Latin letters and digits, with the spaces around them.
    units = re.findall(r" ?[A-Za-z0-9]+ ?|.", text)
    lines, current = [], ""
    for unit in units:
        if current and stringWidth(current + unit, FONT, size) > width:
            lines.append(current)
            current = unit
        else:
            current += unit
    return [*lines, current]


def pdf(plan: Plan, *, header: str = "政协北京市东城区委员会2017年工作要点", encrypt: str = "") -> bytes:
    """A PDF printed from the plan (reportlab, its built-in Chinese CID font): wrapped lines, a running
    header from page 2, a page number "— N —" in every footer, the sign-off on the last page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    options = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption

        options["encrypt"] = StandardEncryption(encrypt, canPrint=1)
    page_width, page_height = A4
    c = canvas.Canvas(buffer, pagesize=A4, **options)
    state = {"page": 1, "y": page_height - 80}

    def footer_and_next_page():
        c.setFont(FONT, 10)
        c.drawCentredString(page_width / 2, 40, f"— {state['page']} —")
        c.showPage()
        state["page"] += 1
        state["y"] = page_height - 80
        c.setFont(FONT, 9)
        c.drawCentredString(page_width / 2, page_height - 50, header)

    for paragraph in paragraphs(plan, title_alone=(15,)):
        for line in _wrap(paragraph, page_width - 144, 12):
            if state["y"] < 80:
                footer_and_next_page()
            c.setFont(FONT, 12)
            c.drawString(72, state["y"], line)
            state["y"] -= 20
        state["y"] -= 8
    c.setFont(FONT, 10)
    c.drawCentredString(page_width / 2, 40, f"— {state['page']} —")
    c.showPage()
    c.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A PDF of a scan: pages with pictures (here, drawn shapes) and no text at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    for _page in range(2):
        for row in range(30):
            c.rect(72, 700 - row * 20, 400, 8, fill=1)
        c.showPage()
    c.save()
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A .docx-looking zip whose document unpacks to hundreds of megabytes of zeros."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()
