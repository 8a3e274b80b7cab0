"""PDF with a text layer (pdfminer.six): lines rebuilt from the characters' positions.

A PDF has no paragraphs, only lines placed on pages. A line that runs to the right margin was
wrapped, so its paragraph goes on; a shorter line ends its paragraph. Page headers, footers and
page numbers are ordinary lines here; the noise filter takes them out.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from statistics import median

from django.utils.translation import gettext as _

from workplan.importing.document import Place, PlanFormatError, SourceDocument, SourceLine

# pdfminer logs every odd object of a real-world PDF at WARNING; the import reports what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
MAX_PAGES = 200


@dataclass
class _Char:
    x0: float
    x1: float
    y0: float
    size: float
    text: str


def _collector_class():
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class CharCollector(PDFTextDevice):
        """Records each character's position and text: all the importer needs from a page, and
        much cheaper than pdfminer's layout objects (which are most of its time on a text PDF)."""

        def __init__(self, manager):
            super().__init__(manager)
            self.chars: list[_Char] = []

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = ""
            advance = font.char_width(cid) * fontsize * scaling
            a, b, c, d, e, f = matrix
            if text:
                # Horizontal text: the matrix scales by (a, d) and moves by (e, f).
                self.chars.append(
                    _Char(e, e + a * advance, f + d * rise, abs(d * fontsize) or fontsize, text)
                )
            return advance

    return CharCollector


def _pages(data: bytes):
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PlanFormatError(
            1, _("this PDF is encrypted with a password: please provide it without a password")
        ) from None
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        raise PlanFormatError(1, _("the file claims to be a PDF but is damaged")) from None
    manager = PDFResourceManager()
    device = _collector_class()(manager)
    interpreter = PDFPageInterpreter(manager, device)
    try:
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > MAX_PAGES:
                raise PlanFormatError(
                    Place("page", 1, number), _("the PDF has more than %(max)d pages") % {"max": MAX_PAGES}
                )
            device.chars = []
            interpreter.process_page(page)
            yield number, device.chars
    except PlanFormatError:
        raise
    except Exception:  # noqa: BLE001
        raise PlanFormatError(1, _("the file claims to be a PDF but is damaged")) from None


def _lines_of(chars: list[_Char]) -> list[tuple[float, float, float, str]]:
    """(x0, x1, size, text) of each line on a page, top to bottom."""
    rows: list[list[_Char]] = []
    for char in sorted(chars, key=lambda c: (-round(c.y0, 1), c.x0)):
        if rows and abs(rows[-1][0].y0 - char.y0) < max(char.size, 1) * 0.4:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        size = median(c.size for c in row)
        text = []
        for before, char in zip([None, *row], row, strict=False):
            if before is not None and char.x0 - before.x1 > size * 0.8 and not text[-1].endswith(" "):
                text.append(" ")
            text.append(char.text)
        joined = "".join(text).strip()
        if joined:
            lines.append((row[0].x0, row[-1].x1, size, joined))
    return lines


def read_pdf(data: bytes) -> SourceDocument:
    pages = [(number, _lines_of(chars)) for number, chars in _pages(data)]
    if not any(lines for _number, lines in pages):
        raise PlanFormatError(
            1, _("this PDF has no text layer (a scan?): please provide a Word or text version")
        )
    rights = [x1 for _number, lines in pages for _x0, x1, _size, _text in lines]
    # The right margin of the body: where most full lines end.
    margin = sorted(rights)[int(len(rights) * 0.9)]
    source: list[SourceLine] = []
    for number, lines in pages:
        for index, (_x0, x1, size, text) in enumerate(lines, start=1):
            source.append(
                SourceLine(
                    " ".join(text.split()),
                    Place("page", index, number),
                    page=number,
                    ends_paragraph=x1 < margin - size * 1.5,
                    gap_before=index == 1,
                )
            )
    return SourceDocument(source, "pdf")
