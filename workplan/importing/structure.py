"""From source lines to the plan: header, preamble, sections, items, titles, and the warnings.

The rules, in the order they apply:
- the sections take the highest numbering shape used for short headings (一、 over （一）), the
  items the shape that first follows a section heading; any other numbering is a sub-point and
  stays in its item's text;
- a numbered heading always starts a paragraph; otherwise a line joins the paragraph before it
  when the reader says the paragraph goes on, or when that paragraph stops mid-sentence and a page
  break (or a blank line, where paragraphs are separated by blank lines) stands between them;
- an item's title is its first sentence, up to "。" (kept) or "：" (dropped), or its bold start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from workplan.importing.document import (
    ImportWarning,
    ParsedItem,
    ParsedPlan,
    ParsedSection,
    Place,
    PlanFormatError,
    SourceDocument,
    SourceLine,
)
from workplan.importing.markup import shift_spans
from workplan.importing.noise import DATE_RE, parse_date, split_tail, strip_page_noise
from workplan.importing.numbering import SECTION_SHAPES, SHAPES, Marker, chinese_numeral, find_marker
from workplan.importing.readers.text import is_closed

DOC_NUMBER_RE = re.compile(r"^\S{0,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
YEAR_RE = re.compile(r"(\d{4})\s*年")
CHINESE_YEAR_RE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
TITLE_WORDS = ("要点", "计划", "安排")
SENTENCE_END = "。！？"
TITLE_MAX = 300
LONG_TITLE = 80
HEADING_MAX = 80


@dataclass
class Paragraph:
    text: str
    place: Place
    bold: tuple[tuple[int, int], ...] = ()
    marker: Marker | None = None
    last: SourceLine | None = None

    @property
    def rest(self) -> str:
        """The text after the paragraph's numbering."""
        if self.marker is None:
            return self.text
        return self.text[self.text.find(self.marker.written) + len(self.marker.written) :].lstrip()


def _join_text(left: str, right: str) -> str:
    # Words of Latin script or numbers split by a line end keep a space; Chinese joins directly.
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _heading_marker(line: SourceLine, shape: str) -> Marker | None:
    marker = find_marker(line.text)
    return marker if marker is not None and marker.shape == shape else None


def _shapes(lines: list[SourceLine]) -> tuple[str, int, str]:
    """(section shape, index of the first section heading, item shape)."""
    markers = [find_marker(line.text) for line in lines]
    for shape in SECTION_SHAPES:
        first = next(
            (
                index
                for index, marker in enumerate(markers)
                if marker is not None
                and marker.shape == shape
                and marker.number == 1
                and marker.rest
                and len(marker.rest) <= HEADING_MAX
            ),
            None,
        )
        if first is not None:
            break
    else:
        place = lines[-1].place if lines else Place("line", 1)
        raise PlanFormatError(place, _("no section heading such as “一、…” found up to the end of the file"))
    rank = SHAPES[shape][0]
    item_shape = next(
        (m.shape for m in markers[first + 1 :] if m is not None and m.shape != shape and m.rank > rank), ""
    )
    return shape, first, item_shape


def assemble(lines: list[SourceLine], structural: set[str]) -> list[Paragraph]:
    """Paragraphs from lines: see the module's rules."""
    paragraphs: list[Paragraph] = []
    for line in lines:
        marker = find_marker(line.text)
        if marker is not None and marker.shape not in structural:
            marker_starts = None
        else:
            marker_starts = marker
        current = paragraphs[-1] if paragraphs else None
        if current is None or marker_starts is not None or not _continues(current, line, structural):
            paragraphs.append(Paragraph(line.text, line.place, line.bold, marker_starts, line))
            continue
        joined = _join_text(current.text, line.text)
        offset = len(joined) - len(line.text)
        current.bold = current.bold + tuple((a + offset, b + offset) for a, b in line.bold)
        current.text = joined
        current.last = line
    return paragraphs


def _continues(current: Paragraph, line: SourceLine, structural: set[str]) -> bool:
    before = current.last
    if before.ends_paragraph is False:
        return True
    if (
        current.marker is not None
        and current.marker.shape in SECTION_SHAPES
        and current.marker.shape in structural
    ):
        # A section heading has no closing punctuation, yet it is whole.
        return False
    if is_closed(current.text):
        return before.ends_paragraph is None and not line.gap_before
    if before.ends_paragraph is True:
        # The reader saw the paragraph end; only a page break cutting a sentence overrules it.
        return line.page != before.page or line.page_break_before
    return True


def _clean_title(text: str) -> str:
    return " ".join(text.split())


def _year(title: str) -> int | None:
    match = YEAR_RE.search(title)
    if match:
        return int(match[1])
    match = CHINESE_YEAR_RE.search(title.replace("○", "〇"))
    if match:
        from workplan.importing.numbering import chinese_date_number

        return chinese_date_number(match[1])
    return None


def _merge_wrapped(lines: list[SourceLine]) -> list[SourceLine]:
    """Lines the reader knows were wrapped (a long title, a PDF line at the margin) made one again."""
    merged: list[SourceLine] = []
    for line in lines:
        if merged and merged[-1].ends_paragraph is False:
            last = merged[-1]
            merged[-1] = SourceLine(
                _join_text(last.text, line.text),
                last.place,
                page=line.page,
                bold=last.bold + tuple((a + len(last.text), b + len(last.text)) for a, b in line.bold),
                ends_paragraph=line.ends_paragraph,
                gap_before=last.gap_before,
                page_break_before=last.page_break_before,
            )
        else:
            merged.append(line)
    return merged


def parse_header(lines: list[SourceLine], plan: ParsedPlan) -> list[SourceLine]:
    """Fill the plan's header fields from the lines before the first section; return the preamble's."""
    lines = _merge_wrapped(lines)
    texts = [_clean_title(line.text) for line in lines]
    doc_index = next((i for i, t in enumerate(texts) if DOC_NUMBER_RE.match(t.replace(" ", ""))), None)
    search_from = doc_index + 1 if doc_index is not None else 0
    title_end = next(
        (
            i
            for i, t in enumerate(texts)
            if i >= search_from and any(w in t for w in TITLE_WORDS) and _year(t) and len(t) <= 120
        ),
        None,
    )
    if title_end is None:
        place = lines[0].place if lines else Place("line", 1)
        raise PlanFormatError(
            place, _("no plan title with a year (“… 2017 年工作要点”) before the first section")
        )
    issuer_index = None
    if doc_index:
        issuer_index = doc_index - 1
    elif texts and texts[0].endswith("文件") and title_end > 0:
        issuer_index = 0
    title_start = title_end
    floor = max(i for i in (doc_index, issuer_index, -1) if i is not None)
    # A title printed over several lines: the short lines without punctuation just above it.
    while (
        title_start - 1 > floor
        and len(texts[title_start - 1]) <= 40
        and not set(texts[title_start - 1]) & set("，。；：")
        and texts[title_start - 1][:1] not in "(（"
    ):
        title_start -= 1
    plan.title = "".join(texts[title_start : title_end + 1]) if title_start < title_end else texts[title_end]
    plan.year = _year(plan.title)
    if doc_index is not None:
        plan.document_number = texts[doc_index].replace(" ", "")
    if issuer_index is not None:
        plan.issuer = texts[issuer_index]
    ignored = [texts[i] for i in range(title_start) if i not in (doc_index, issuer_index)]
    if ignored:
        plan.warnings.append(
            ImportWarning(
                _("Lines before the title were left out: %(lines)s") % {"lines": "；".join(ignored)},
                lines[0].place,
            )
        )
    end = title_end
    if end + 1 < len(texts) and texts[end + 1][:1] in "(（":
        # The adoption line, which a PDF may wrap over two or three lines.
        stop = next((i for i in range(end + 1, min(end + 4, len(texts))) if texts[i][-1:] in ")）"), None)
        if stop is not None and DATE_RE.search("".join(texts[end + 1 : stop + 1])):
            plan.adoption_note = "".join(texts[end + 1 : stop + 1])
            plan.adopted_on = parse_date(plan.adoption_note)
            if plan.adopted_on is None:
                raise PlanFormatError(lines[end + 1].place, _("the adoption date is not a valid date"))
            end = stop
    return lines[end + 1 :]


def first_sentence(paragraph: Paragraph) -> str:
    """The item's title: its bold start, or its first sentence up to "。" (kept) or "：" (dropped)."""
    text = paragraph.text
    if paragraph.bold and paragraph.bold[0][0] == 0:
        bold = text[: paragraph.bold[0][1]].strip()
        # A bold title without its full stop ("**标题**。正文" or "**标题**正文") ends where the bold ends.
        if bold and not any(mark in bold for mark in SENTENCE_END + "：:"):
            after = text[paragraph.bold[0][1] :].lstrip()
            return bold + after[0] if after[:1] and after[0] in SENTENCE_END else bold
    positions = [(text.find(mark), mark) for mark in SENTENCE_END + "：:" if mark in text]
    if not positions:
        return text
    position, mark = min(positions)
    return text[:position] if mark in "：:" else text[: position + 1]


class _Builder:
    """Walks the body's paragraphs, checking the numbering and collecting sections and items."""

    def __init__(self, plan: ParsedPlan, section_shape: str, item_shape: str):
        self.plan = plan
        self.section_shape = section_shape
        self.item_shape = item_shape
        self.items: list[tuple[ParsedItem, list[Paragraph]]] = []
        self.last_written = 0
        self.count = 0

    def section(self, paragraph: Paragraph) -> None:
        marker = paragraph.marker
        self._close_section()
        expected = len(self.plan.sections) + 1
        if marker.number != expected:
            raise PlanFormatError(
                paragraph.place,
                _("section “%(numeral)s” found where section %(expected)d was expected")
                % {"numeral": marker.written, "expected": expected},
            )
        self.plan.sections.append(ParsedSection(expected, _clean_title(paragraph.rest), paragraph.place))
        self.last_written = self.last_written if self.count else 0

    def item(self, paragraph: Paragraph) -> None:
        marker = paragraph.marker
        section = self.plan.sections[-1]
        number = marker.number
        if not section.items and self.count and number == 1:
            # Numbering per section: the plan's numbers run on, the office is told.
            self.plan.warnings.append(
                ImportWarning(
                    _("Item numbers restart in section %(section)s.")
                    % {"section": chinese_numeral(section.number)},
                    paragraph.place,
                )
            )
            self.last_written = 0
        expected = self.last_written + 1
        if number != expected:
            if number <= self.last_written:
                message = _("item %(number)d appears again after item %(last)d (expected item %(expected)d)")
            else:
                message = _("item %(number)d follows item %(last)d: item %(expected)d is missing")
            raise PlanFormatError(
                paragraph.place, message % {"number": number, "last": self.last_written, "expected": expected}
            )
        self.last_written = number
        self.count += 1
        rest = paragraph.rest
        offset = len(paragraph.text) - len(rest)
        first = Paragraph(rest, paragraph.place, shift_spans(paragraph.bold, offset), None, paragraph.last)
        item = ParsedItem(self.count, "", "", paragraph.place, marker.written)
        section.items.append(item)
        self.items.append((item, [first]))

    def text(self, paragraph: Paragraph) -> None:
        if not self.plan.sections[-1].items:
            raise PlanFormatError(
                paragraph.place,
                _("section %(section)s: text between its heading and its first item: %(start)s…")
                % {"section": self.plan.sections[-1].numeral, "start": paragraph.text[:20]},
            )
        self.items[-1][1].append(paragraph)

    def _close_section(self) -> None:
        if self.plan.sections and not self.plan.sections[-1].items:
            section = self.plan.sections[-1]
            raise PlanFormatError(
                section.place, _("section %(number)d has no items") % {"number": section.number}
            )

    def finish(self) -> None:
        self._close_section()
        for item, paragraphs in self.items:
            self._fill(item, paragraphs)

    def _fill(self, item: ParsedItem, paragraphs: list[Paragraph]) -> None:
        first = paragraphs[0]
        if not first.text.strip():
            raise PlanFormatError(item.place, _("item %(number)d has no title") % {"number": item.number})
        title = first_sentence(first).strip()
        if len(title) > TITLE_MAX:
            raise PlanFormatError(
                item.place,
                _(
                    "item %(number)s: its title (the first sentence) has %(length)d characters, at most %(max)d"
                )
                % {"number": item.written_number, "length": len(title), "max": TITLE_MAX},
            )
        if len(title) > LONG_TITLE:
            self.plan.warnings.append(
                ImportWarning(
                    _("Item %(number)d: the title is %(length)d characters long.")
                    % {"number": item.number, "length": len(title)},
                    item.place,
                )
            )
        texts = [p.text for p in paragraphs]
        if len(texts) > 1 and first_sentence(first) == texts[0].rstrip("：:") and is_closed(texts[0]):
            # A title on a line of its own opens the paragraph that follows (item 15 of the 2017 plan).
            texts[0:2] = [texts[0] + texts[1]]
        item.title = title
        item.text = "\n\n".join(texts)
        if not is_closed(item.text):
            self.plan.warnings.append(
                ImportWarning(
                    _("Item %(number)d ends mid-sentence: “…%(end)s”.")
                    % {"number": item.number, "end": item.text[-12:]},
                    paragraphs[-1].place,
                )
            )


def build(document: SourceDocument) -> ParsedPlan:
    """The parsed plan of a reader's lines (see the module's rules)."""
    lines = document.lines
    if not lines:
        raise PlanFormatError(1, _("the file is empty"))
    section_shape, first_heading, item_shape = _shapes(lines)
    lines, noise = strip_page_noise(lines, first_heading)
    section_shape, first_heading, item_shape = _shapes(lines)
    structural = {section_shape, item_shape} - {""}
    for line in lines[:first_heading]:
        marker = _heading_marker(line, item_shape) if item_shape else None
        if marker is not None:
            raise PlanFormatError(
                line.place, _("item %(number)s comes before the first section") % {"number": marker.number}
            )
    plan = ParsedPlan(year=0, title="", format=document.format, encoding=document.encoding)
    plan.warnings.extend(document.warnings)
    preamble_lines = parse_header(lines[:first_heading], plan)
    body = lines[first_heading:]
    last_item = max((i for i, line in enumerate(body) if _heading_marker(line, item_shape)), default=0)
    body, tail = split_tail(body, last_item)
    plan.signatory, plan.signed_on = tail.signatory, tail.signed_on
    plan.distribution, plan.printing_note = tail.distribution, tail.printing_note
    plan.preamble = "\n\n".join(p.text for p in assemble(preamble_lines, structural))
    builder = _Builder(plan, section_shape, item_shape)
    for paragraph in assemble(body, structural):
        marker = paragraph.marker
        if marker is not None and marker.shape == section_shape:
            builder.section(paragraph)
        elif marker is not None and marker.shape == item_shape:
            builder.item(paragraph)
        else:
            builder.text(paragraph)
    builder.finish()
    if noise.page_numbers:
        plan.warnings.append(
            ImportWarning(_("%(count)d page numbers removed.") % {"count": noise.page_numbers})
        )
    if noise.running_headers:
        plan.warnings.append(
            ImportWarning(
                _("%(count)d running page headers removed (%(texts)s).")
                % {"count": noise.running_headers, "texts": "；".join(noise.header_texts)}
            )
        )
    if tail.lines:
        plan.warnings.append(
            ImportWarning(
                _("The sign-off block after the last item (%(count)d lines) was read as metadata.")
                % {"count": tail.lines}
            )
        )
    return plan
