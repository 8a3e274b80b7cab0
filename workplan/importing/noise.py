"""What a printed plan carries that is not the plan: page numbers, running headers, the sign-off.

Page numbers and running headers are removed wherever they are; the line after one is marked as
following a page break, so a sentence the page cut is joined again. The block after the last item
(signature, date, 抄送, 印发) is cut off and read as the plan's metadata.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from workplan.importing.document import SourceLine
from workplan.importing.numbering import chinese_date_number, find_marker

DASH = "—–\\-－─~～"
PAGE_NUMBER_RES = [
    re.compile(rf"^[{DASH}]{{1,3}}\s*\d{{1,4}}\s*[{DASH}]{{1,3}}$"),
    re.compile(r"^第\s*\d{1,4}\s*页\s*(?:[，,/／]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^(?:共\s*\d{1,4}\s*页\s*[，,]?\s*)?第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*[/／]\s*\d{1,4}$"),
    re.compile(r"^\d{1,4}$"),
    re.compile(r"^page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE),
]
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CHINESE_DATE_RE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
DATE_LINE_RE = re.compile(rf"^(?:{DATE_RE.pattern}|{CHINESE_DATE_RE.pattern})$")
SEPARATOR_RE = re.compile(rf"^[{DASH}_＿=━\s]{{3,}}$")
COPY_RE = re.compile(r"^抄\s*送\s*[:：]\s*(.*)$")
PRINTED_RE = re.compile(r"印\s*发\s*[)）]?$")
NOTE_RE = re.compile(r"^[(（]\s*此件.*[)）]$")
SENTENCE_MARKS = set("，。；：！？,;!?")


def is_page_number(text: str) -> bool:
    compact = text.strip()
    return any(pattern.match(compact) for pattern in PAGE_NUMBER_RES)


def parse_date(text: str) -> datetime.date | None:
    """The first date written as 2017年3月20日 or 二〇一七年三月二十日 in the text, if valid."""
    match = DATE_RE.search(text)
    if match:
        numbers = (int(match[1]), int(match[2]), int(match[3]))
    else:
        match = CHINESE_DATE_RE.search(text.replace("○", "〇"))
        if not match:
            return None
        numbers = tuple(chinese_date_number(part) for part in match.groups())
    try:
        return datetime.date(*numbers)
    except ValueError:
        return None


@dataclass
class NoiseReport:
    page_numbers: int = 0
    running_headers: int = 0
    header_texts: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return "".join(text.split())


def _may_be_running_header(line: SourceLine) -> bool:
    text = _key(line.text)
    return (
        2 <= len(text) <= 60
        and not text.endswith(("。", "！", "？", "；"))
        and find_marker(line.text) is None
        and not DATE_LINE_RE.match(text)
    )


def strip_page_noise(lines: list[SourceLine], first_heading: int) -> tuple[list[SourceLine], NoiseReport]:
    """The lines without page numbers and running headers (kept once before the first heading)."""
    report = NoiseReport()
    occurrences: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if _may_be_running_header(line):
            occurrences[_key(line.text)].append(index)
    running: set[int] = set()
    for text, indexes in occurrences.items():
        pages = {lines[i].page for i in indexes}
        # On separate pages twice is a running header; without page breaks it takes three times.
        if len(pages) >= 2 or len(indexes) >= 3:
            kept = indexes[0] if indexes[0] < first_heading else None
            running.update(i for i in indexes if i != kept)
            report.header_texts.append(text)
    kept_lines: list[SourceLine] = []
    broken = False
    for index, line in enumerate(lines):
        if index in running:
            report.running_headers += 1
            broken = True
            continue
        if is_page_number(line.text):
            report.page_numbers += 1
            broken = True
            continue
        if broken:
            line.gap_before = True
            # A header or footer stood here: whatever follows is on the next page.
            line.page_break_before = True
            broken = False
        kept_lines.append(line)
    return kept_lines, report


@dataclass
class Tail:
    """The sign-off after the last item: who signed, when, who gets copies, who printed it."""

    signatory: str = ""
    signed_on: datetime.date | None = None
    distribution: str = ""
    printing_note: str = ""
    lines: int = 0


def _is_strong(text: str) -> bool:
    return bool(
        SEPARATOR_RE.match(text)
        or COPY_RE.match(text)
        or PRINTED_RE.search(text)
        or NOTE_RE.match(text)
        or DATE_LINE_RE.match(_key(text))
    )


def _is_name(text: str) -> bool:
    return len(_key(text)) <= 40 and not (set(text) & SENTENCE_MARKS) and find_marker(text) is None


def split_tail(lines: list[SourceLine], last_item: int) -> tuple[list[SourceLine], Tail]:
    """Cut the sign-off block off the end (only after the last item's first line)."""
    start = len(lines)
    strong = False
    in_copy_to = False
    # Lines that continue an 抄送 list wrapped over two lines belong to it.
    continues_copy = [False] * len(lines)
    for index, line in enumerate(lines):
        if COPY_RE.match(line.text):
            in_copy_to = True
        elif in_copy_to and not _is_strong(line.text):
            continues_copy[index] = True
        else:
            in_copy_to = False
    for index in range(len(lines) - 1, last_item, -1):
        text = lines[index].text
        if _is_strong(text) or continues_copy[index]:
            strong = True
            start = index
        elif _is_name(text) and start < len(lines):
            start = index
        else:
            break
    if not strong:
        return lines, Tail()
    tail = Tail(lines=len(lines) - start)
    names: list[str] = []
    copy_to: list[str] = []
    for index in range(start, len(lines)):
        text = lines[index].text.strip()
        copy = COPY_RE.match(text)
        if copy:
            copy_to.append(copy[1])
        elif continues_copy[index]:
            copy_to.append(text)
        elif PRINTED_RE.search(text):
            tail.printing_note = " ".join(text.split())
        elif DATE_LINE_RE.match(_key(text)):
            tail.signed_on = tail.signed_on or parse_date(_key(text))
        elif SEPARATOR_RE.match(text) or NOTE_RE.match(text):
            continue
        else:
            names.append(" ".join(text.split()))
    tail.signatory = " ".join(names)
    tail.distribution = "".join(copy_to).strip()
    return lines[:start], tail
