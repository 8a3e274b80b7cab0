"""Plain text and Markdown: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK; CRLF; form feeds.

Two shapes exist in the wild. A text export of the printed document separates paragraphs with
blank lines (and may wrap them); text copied from a web page puts one paragraph on each line with
nothing between. The reader tells them apart by whether numbered headings follow other lines
directly, and says for each line whether its paragraph ends there when it can know.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from workplan.importing.document import ImportWarning, Place, PlanFormatError, SourceDocument, SourceLine
from workplan.importing.markup import strip_bold
from workplan.importing.numbering import find_marker

CLOSING = tuple("。！？；：”’」』…!?;:)）")
MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+")
WHITESPACE = " \t\u3000\u00a0\ufeff"


def is_closed(text: str) -> bool:
    """Whether a paragraph ends with punctuation that closes a sentence (or a heading's colon)."""
    return text.rstrip(WHITESPACE).endswith(CLOSING)


def _bad_line(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read in; refuses bytes that are no text."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding != "utf-8":
                continue
            prefix = data[: exc.start].decode("utf-8")
            # Chinese read as UTF-8 up to here: a UTF-8 file with a broken byte, not another encoding.
            if sum(1 for char in prefix if ord(char) > 0x7F) >= 2:
                raise PlanFormatError(
                    _bad_line(data, exc.start),
                    _("the file is not UTF-8 text (byte %(byte)d)") % {"byte": exc.start + 1},
                ) from None
            continue
        if _looks_like_text(text):
            return text, {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(encoding, "GB18030")
    raise PlanFormatError(1, _("the file is neither UTF-8 nor GB18030 (GBK) text"))


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\r\n\t\f")
    return controls <= len(text) // 200


def read_text(data: bytes, *, markdown: bool = False) -> SourceDocument:
    text, encoding = decode(data)
    warnings: list[ImportWarning] = []
    if encoding != "UTF-8":
        warnings.append(ImportWarning(_("The file was read as %(encoding)s text.") % {"encoding": encoding}))
    raw_lines: list[SourceLine] = []
    page = 1
    gap = False
    asterisks: list[Place] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        for index, part in enumerate(raw.split("\f")):
            if index:
                # A form feed is a page break: it ends the line like a blank line does.
                page += 1
                gap = True
            line = part.strip(WHITESPACE)
            if markdown or line.startswith("#"):
                line = MARKDOWN_HEADING_RE.sub("", line)
            if not line:
                gap = True
                continue
            plain, bold, left = strip_bold(line)
            place = Place("line", number)
            if left:
                asterisks.append(place)
            raw_lines.append(SourceLine(plain, place, page=page, bold=bold, gap_before=gap))
            gap = False
    if asterisks:
        warnings.append(
            ImportWarning(
                _("Asterisks that are not bold markup were kept as written (%(count)d lines).")
                % {"count": len(asterisks)},
                asterisks[0],
            )
        )
    _mark_paragraph_ends(raw_lines)
    return SourceDocument(raw_lines, "markdown" if markdown else "text", encoding, warnings)


def _mark_paragraph_ends(lines: list[SourceLine]) -> None:
    numbered_inside_block = sum(
        1 for line in lines[1:] if not line.gap_before and find_marker(line.text) is not None
    )
    if numbered_inside_block >= 2:
        # One paragraph per line (web text, or a PDF's lines): a line ends its paragraph unless it
        # is open and as long as the longest lines, which is what a wrapped line looks like.
        lengths = sorted(len(line.text) for line in lines)
        full = lengths[int(len(lengths) * 0.9)] * 0.8
        for line in lines:
            line.ends_paragraph = is_closed(line.text) or len(line.text) < full
        return
    # Blank lines between paragraphs: lines of one block are one paragraph; a block's end is
    # decided by its punctuation (a page break may have cut it).
    for line, following in zip(lines, lines[1:], strict=False):
        if not following.gap_before:
            line.ends_paragraph = False
