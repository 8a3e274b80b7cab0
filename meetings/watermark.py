"""The member's name over every page of a downloaded PDF (a leaked copy names whose it was).

The overlay is drawn with reportlab's built-in CID font STSong-Light, which needs no font file,
and merged onto each page with pypdf; nothing leaves the server.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _overlay(width: float, height: float, text: str) -> PdfReader:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setFont(_font(), 22)
    page.setFillColor(Color(0.6, 0.1, 0.1, alpha=0.18))
    page.saveState()
    page.translate(width / 2, height / 2)
    page.rotate(35)
    step_y = 140
    for row in range(-4, 5):
        for col in (-1, 0, 1):
            page.drawCentredString(col * 260, row * step_y, text)
    page.restoreState()
    page.save()
    buffer.seek(0)
    return PdfReader(buffer)


def watermark_pdf(data: bytes, text: str) -> bytes:
    """The PDF with `text` tiled across every page; raises ValueError when it is no readable PDF."""
    try:
        writer = PdfWriter(clone_from=io.BytesIO(data))
        pages = list(writer.pages)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        raise ValueError("not a readable PDF") from exc
    overlays: dict[tuple[float, float], object] = {}
    for page in pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in overlays:
            overlays[size] = _overlay(*size, text).pages[0]
        page.merge_page(overlays[size])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
