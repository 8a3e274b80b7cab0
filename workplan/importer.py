"""Reading the plan document (工作要点) as text: a pure parser, no database.

The office receives the plan as a text export of the printed document. Page breaks in that export
cut sentences, even words, across blank lines ("区第十二次党代" / "会确定的…"), and some item
titles carry Markdown bold. The parser rebuilds the text a reader sees: markup removed, a block
that stops mid-sentence joined to its continuation with nothing in between (Chinese has no spaces
between characters), real paragraph breaks kept. It refuses a malformed document with the line
number of the first problem, so an operator can fix the file and import it again.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

SECTION_RE = re.compile(r"^([一二三四五六七八九十]{1,3})\s*、\s*(\S.*)$")
ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
DOC_NUMBER_RE = re.compile(r"^\S{0,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
YEAR_RE = re.compile(r"(\d{4})\s*年")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
BOLD = "**"

# A block ending in one of these closes its paragraph; anything else was cut by a page break.
CLOSING = tuple("。！？；：”’」』…!?;:)）")
FIRST_SENTENCE_END = "。！？"


class PlanFormatError(ValueError):
    """The document is not a plan the portal can read; `line` is where the problem is (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ParsedItem:
    number: int
    title: str
    text: str
    line: int


@dataclass
class ParsedSection:
    number: int
    title: str
    line: int
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class ParsedPlan:
    year: int
    title: str
    document_number: str = ""
    issuer: str = ""
    adopted_on: datetime.date | None = None
    adoption_note: str = ""
    preamble: str = ""
    sections: list[ParsedSection] = field(default_factory=list)

    @property
    def items(self) -> list[ParsedItem]:
        return [item for section in self.sections for item in section.items]


@dataclass
class _Block:
    """Consecutive non-blank lines: what the export shows as one paragraph (or a piece of one)."""

    line: int
    text: str


def chinese_number(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (section numbers)."""
    if "十" not in numeral:
        return CHINESE_DIGITS[numeral] if len(numeral) == 1 else 0
    tens, _sep, units = numeral.partition("十")
    value = (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (CHINESE_DIGITS.get(units, 0) if units else 0)


def _join(left: str, right: str) -> str:
    # Words of Latin script or numbers split by a page break keep a space; Chinese joins directly.
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _clean(text: str) -> str:
    return text.replace(BOLD, "").strip()


def _is_open(text: str) -> bool:
    return not _clean(text).endswith(CLOSING)


def _blocks(text: str) -> list[_Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(lines, start=1):
        # A form feed is a page break: it ends the block like a blank line does.
        parts = raw.split("\f")
        for index, part in enumerate(parts):
            line = part.strip()
            if index and current is not None:
                blocks.append(current)
                current = None
            if not line:
                if current is not None:
                    blocks.append(current)
                    current = None
                continue
            if current is None:
                current = _Block(number, line)
            else:
                current.text = _join(current.text, line)
    if current is not None:
        blocks.append(current)
    return blocks


def _first_sentence(paragraph: str) -> str:
    text = _clean(paragraph)
    if paragraph.startswith(BOLD):
        end = paragraph.find(BOLD, len(BOLD))
        bold = _clean(paragraph[len(BOLD) : end]) if end > len(BOLD) else ""
        # A bold title without its full stop ("**标题**。正文" or "**标题**正文") ends where the bold ends.
        if bold and not any(mark in bold for mark in FIRST_SENTENCE_END):
            after = paragraph[end + len(BOLD) :].lstrip()
            return bold + after[0] if after[:1] and after[0] in FIRST_SENTENCE_END else bold
    positions = [text.find(mark) for mark in FIRST_SENTENCE_END if mark in text]
    return text[: min(positions) + 1] if positions else text


def decode(data: bytes) -> str:
    """The document's text; refuses bytes that are not UTF-8, naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanFormatError(
            line, _("the file is not UTF-8 text (byte %(byte)d)") % {"byte": exc.start + 1}
        ) from None


def parse_file(path: str | Path) -> ParsedPlan:
    """Read and parse a plan document from disk (the file must exist)."""
    return parse_bytes(Path(path).read_bytes())


def parse_bytes(data: bytes) -> ParsedPlan:
    return parse_text(decode(data))


def parse(source: str | bytes) -> ParsedPlan:
    """Parse the document given as text or as the file's bytes."""
    return parse_bytes(source) if isinstance(source, bytes) else parse_text(source)


def parse_text(text: str) -> ParsedPlan:
    """Parse the plan document's text into header, preamble, sections and items."""
    blocks = _blocks(text)
    if not blocks:
        raise PlanFormatError(1, _("the file is empty"))

    kinds: list[str] = []
    for block in blocks:
        if SECTION_RE.match(block.text) and len(block.text) <= 80:
            kinds.append("section")
        elif ITEM_RE.match(block.text):
            kinds.append("item")
        else:
            kinds.append("text")
    if "section" not in kinds:
        last_line = len(text.splitlines()) or 1
        raise PlanFormatError(
            last_line, _("no section heading such as “一、…” found up to the end of the file")
        )
    first_section = kinds.index("section")
    if "item" in kinds[:first_section]:
        stray = blocks[kinds.index("item")]
        raise PlanFormatError(
            stray.line,
            _("item %(number)s comes before the first section") % {"number": ITEM_RE.match(stray.text)[1]},
        )

    plan = _parse_header(blocks[:first_section])
    plan.sections = _parse_body(blocks[first_section:], kinds[first_section:])
    return plan


def _parse_header(blocks: list[_Block]) -> ParsedPlan:
    doc_index = next((i for i, b in enumerate(blocks) if DOC_NUMBER_RE.match(b.text)), None)
    adoption_index = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.text[:1] in "(（" and b.text[-1:] in ")）" and DATE_RE.search(b.text)
        ),
        None,
    )
    search_from = doc_index + 1 if doc_index is not None else 0
    title_index = next(
        (
            i
            for i, b in enumerate(blocks)
            if i >= search_from and ("要点" in b.text or "计划" in b.text) and YEAR_RE.search(b.text)
        ),
        None,
    )
    if title_index is None:
        line = blocks[0].line if blocks else 1
        raise PlanFormatError(
            line, _("no plan title with a year (“… 2017 年工作要点”) before the first section")
        )
    title_block = blocks[title_index]
    title = " ".join(_clean(title_block.text).split())
    year = int(YEAR_RE.search(title)[1])

    issuer = ""
    if doc_index:
        issuer = _clean(blocks[doc_index - 1].text)
    elif blocks and blocks[0].text.endswith("文件"):
        issuer = _clean(blocks[0].text)

    adopted_on = None
    adoption_note = ""
    if adoption_index is not None:
        block = blocks[adoption_index]
        adoption_note = _clean(block.text)
        match = DATE_RE.search(block.text)
        try:
            adopted_on = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise PlanFormatError(block.line, _("the adoption date is not a valid date")) from None

    header_end = max(i for i in (doc_index, title_index, adoption_index) if i is not None)
    preamble = [_clean(p) for p in _paragraphs(blocks[header_end + 1 :])]
    return ParsedPlan(
        year=year,
        title=title,
        document_number=_clean(blocks[doc_index].text) if doc_index is not None else "",
        issuer=issuer,
        adopted_on=adopted_on,
        adoption_note=adoption_note,
        preamble="\n\n".join(preamble),
    )


def _paragraphs(blocks: list[_Block]) -> list[str]:
    """Join blocks a page break cut mid-sentence; keep the breaks that end a sentence."""
    paragraphs: list[str] = []
    for block in blocks:
        if paragraphs and _is_open(paragraphs[-1]):
            paragraphs[-1] = _join(paragraphs[-1], block.text)
        else:
            paragraphs.append(block.text)
    return paragraphs


def _parse_body(blocks: list[_Block], kinds: list[str]) -> list[ParsedSection]:
    sections: list[ParsedSection] = []
    # Each item is collected as its blocks, then turned into paragraphs once complete.
    pending: list[tuple[int, int, list[_Block]]] = []
    last_item = 0
    for block, kind in zip(blocks, kinds, strict=True):
        if kind == "section":
            match = SECTION_RE.match(block.text)
            number = chinese_number(match[1])
            expected = len(sections) + 1
            if sections and not sections[-1].items and not pending:
                raise PlanFormatError(
                    sections[-1].line, _("section %(number)d has no items") % {"number": sections[-1].number}
                )
            _flush(pending, sections)
            if number != expected:
                raise PlanFormatError(
                    block.line,
                    _("section “%(numeral)s” found where section %(expected)d was expected")
                    % {"numeral": match[1], "expected": expected},
                )
            sections.append(ParsedSection(number=number, title=_clean(match[2]), line=block.line))
        elif kind == "item":
            number = int(ITEM_RE.match(block.text)[1])
            expected = last_item + 1
            if number != expected:
                if number <= last_item:
                    message = _(
                        "item %(number)d appears again after item %(last)d (expected item %(expected)d)"
                    )
                else:
                    message = _("item %(number)d follows item %(last)d: item %(expected)d is missing")
                raise PlanFormatError(
                    block.line, message % {"number": number, "last": last_item, "expected": expected}
                )
            last_item = number
            pending.append((number, block.line, [_Block(block.line, ITEM_RE.match(block.text)[2])]))
        else:
            if not pending:
                raise PlanFormatError(
                    block.line,
                    _("text between a section heading and its first item: %(start)s…")
                    % {"start": block.text[:20]},
                )
            pending[-1][2].append(block)
    if sections and not sections[-1].items and not pending:
        raise PlanFormatError(
            sections[-1].line, _("section %(number)d has no items") % {"number": sections[-1].number}
        )
    _flush(pending, sections)
    return sections


def _flush(pending: list[tuple[int, int, list[_Block]]], sections: list[ParsedSection]) -> None:
    for number, line, blocks in pending:
        sections[-1].items.append(_make_item(number, line, blocks))
    pending.clear()


def _make_item(number: int, line: int, blocks: list[_Block]) -> ParsedItem:
    paragraphs = _paragraphs(blocks)
    if not _clean(paragraphs[0]):
        raise PlanFormatError(line, _("item %(number)d has no title") % {"number": number})
    title = _first_sentence(paragraphs[0])
    cleaned = [_clean(p) for p in paragraphs]
    # A title on a line of its own introduces the paragraph(s) that follow: those are the text.
    body = cleaned[1:] if cleaned[0] == title and len(cleaned) > 1 else cleaned
    return ParsedItem(number=number, title=title, text="\n\n".join(body), line=line)
