"""Word (.docx): body paragraphs with the numbering Word generates, bold runs; tables left out.

Page headers and footers live in their own parts of a .docx and are never read. The numbering
that Word shows but does not store as text (a list style "一、" or "1.") is rebuilt from
numbering.xml, so a plan typed with automatic numbering reads like one typed by hand.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from workplan.importing.document import ImportWarning, Place, PlanFormatError, SourceDocument, SourceLine
from workplan.importing.numbering import CIRCLED, chinese_numeral

# A .docx is a zip: refuse archives that would unpack into more than this (a zip bomb).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_archive(data: bytes) -> None:
    """Refuse a zip that is no Word document or that unpacks to far more than it weighs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PlanFormatError(1, _("the file claims to be a Word document but is damaged")) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise PlanFormatError(
            1, _("the file unpacks to far more data than a Word document holds (a zip bomb?): refused")
        )
    if "word/document.xml" not in {member.filename for member in members}:
        raise PlanFormatError(1, _("the file is a zip archive, not a Word (.docx) document"))


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting"):
        return chinese_numeral(value)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(value - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and value <= len(CIRCLED):
        return CIRCLED[value - 1]
    if fmt == "decimalFullWidth":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt == "decimalEnclosedParen":
        return f"({value})"
    if fmt == "none":
        return ""
    return str(value)


class _Numbering:
    """Word's list numbering: the label each numbered paragraph shows, counted in document order."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, object] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})

    def _num_pr(self, paragraph):
        p_pr = paragraph._p.pPr
        if p_pr is not None and p_pr.numPr is not None:
            return p_pr.numPr
        if p_pr is None or p_pr.pStyle is None:
            return None
        # Looking a style up is slow in python-docx: once per style, not once per paragraph.
        style_id = p_pr.pStyle.val
        if style_id not in self.style_numbering:
            style, found = paragraph.style, None
            while style is not None and found is None:
                s_pr = style.element.pPr
                found = s_pr.numPr if s_pr is not None and s_pr.numPr is not None else None
                style = style.base_style
            self.style_numbering[style_id] = found
        return self.style_numbering[style_id]

    def label(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [n for n in counters if n > level]:
            del counters[deeper]
        label = levels[level][1]
        for n in range(9):
            if f"%{n + 1}" in label:
                fmt, _text, start = levels.get(n, ("decimal", "", 1))
                label = label.replace(f"%{n + 1}", _format_number(counters.get(n, start), fmt))
        return label


def _runs(paragraph):
    for content in paragraph.iter_inner_content():
        if hasattr(content, "runs"):
            yield from content.runs
        else:
            yield content


def read_word(data: bytes) -> SourceDocument:
    check_archive(data)
    import docx  # python-docx loads lxml: only when a Word file comes

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a broken package
        raise PlanFormatError(1, _("the file claims to be a Word document but is damaged")) from None
    numbering = _Numbering(document)
    bold_styles: dict[str, bool] = {}
    lines: list[SourceLine] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        label = numbering.label(paragraph)
        pieces: list[str] = []
        bold: list[tuple[int, int]] = []
        length = len(label)
        for run in _runs(paragraph):
            text = run.text
            if not text:
                continue
            if _is_bold(run, document, bold_styles):
                bold.append((length, length + len(text)))
            pieces.append(text)
            length += len(text)
        text = label + "".join(pieces)
        # A manual line break inside a paragraph is not a paragraph break.
        parts = text.split("\n")
        offset = 0
        for index, part in enumerate(parts):
            stripped = part.strip(" \t\u3000\u00a0")
            lead = len(part) - len(part.lstrip(" \t\u3000\u00a0"))
            start = offset + lead
            spans = tuple(
                (max(a, start) - start, min(b, start + len(stripped)) - start)
                for a, b in bold
                if b > start and a < start + len(stripped)
            )
            offset += len(part) + 1
            if not stripped:
                continue
            lines.append(
                SourceLine(
                    stripped,
                    Place("paragraph", number),
                    bold=_merge(spans),
                    ends_paragraph=True if index == len(parts) - 1 else None,
                    gap_before=index == 0,
                )
            )
    warnings = []
    if document.tables:
        warnings.append(
            ImportWarning(
                _("%(count)d table(s) in the document were left out.") % {"count": len(document.tables)}
            )
        )
    return SourceDocument(lines, "docx", "", warnings)


def _is_bold(run, document, cache: dict[str, bool]) -> bool:
    """Bold set on the run, or by its character style (looked up once per style)."""
    if run.bold is not None:
        return run.bold
    r_pr = run._r.rPr
    if r_pr is None or r_pr.rStyle is None:
        return False
    style_id = r_pr.rStyle.val
    if style_id not in cache:
        style = document.styles.element.get_by_id(style_id)
        bold = style.rPr.b if style is not None and style.rPr is not None else None
        cache[style_id] = bool(bold is not None and bold.val is not False)
    return cache[style_id]


def _merge(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Adjacent bold runs (Word splits text into runs freely) as one span."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
