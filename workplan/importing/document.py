"""What the importer works on and what it returns: source lines with their place, and the parsed plan."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Place:
    """Where something is in the uploaded file: a line of text, a Word paragraph, or a PDF page's line."""

    kind: str  # "line", "paragraph" or "page"
    number: int
    page: int = 0

    def __str__(self) -> str:
        if self.kind == "paragraph":
            return _("paragraph %(number)d") % {"number": self.number}
        if self.kind == "page":
            return _("page %(page)d, line %(number)d") % {"page": self.page, "number": self.number}
        return _("line %(number)d") % {"number": self.number}


class PlanFormatError(ValueError):
    """The document is not a plan the portal can read; `place` says where the problem is."""

    def __init__(self, place: Place | int, message: str):
        self.place = place if isinstance(place, Place) else Place("line", place)
        self.message = str(message)
        super().__init__(f"{self.place}: {self.message}")

    @property
    def line(self) -> int:
        return self.place.number


@dataclass
class SourceLine:
    """One line as a reader found it, with markup already turned into `bold` spans."""

    text: str
    place: Place
    page: int = 1
    # Spans (start, end) of bold text: a bold title ends where its bold ends.
    bold: tuple[tuple[int, int], ...] = ()
    # True: the reader knows a paragraph ends here (a Word paragraph, a short PDF line);
    # False: the reader knows it continues (a PDF line that runs to the margin); None: unknown.
    ends_paragraph: bool | None = None
    # A blank line, a page break or removed noise stands between this line and the one before.
    gap_before: bool = False
    # A page break (or a removed page header or footer) stands before this line.
    page_break_before: bool = False


@dataclass
class SourceDocument:
    """A reader's output: the lines of the document, what format it was and what the reader noticed."""

    lines: list[SourceLine]
    format: str  # "text", "markdown", "docx" or "pdf"
    encoding: str = ""
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer did or doubted that the office should see before confirming."""

    message: str
    place: Place | None = None

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


@dataclass
class ParsedItem:
    number: int
    title: str
    text: str
    place: Place
    # The number as the document writes it (sections may restart their numbering).
    written_number: str = ""

    @property
    def line(self) -> int:
        return self.place.number


@dataclass
class ParsedSection:
    number: int
    title: str
    place: Place
    items: list[ParsedItem] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.place.number

    @property
    def numeral(self) -> str:
        from workplan.importing.numbering import chinese_numeral

        return chinese_numeral(self.number)


@dataclass
class ParsedPlan:
    """The plan as a reader sees it: header, preamble, sections and items, and the sign-off block."""

    year: int
    title: str
    document_number: str = ""
    issuer: str = ""
    adopted_on: datetime.date | None = None
    adoption_note: str = ""
    preamble: str = ""
    signatory: str = ""
    signed_on: datetime.date | None = None
    distribution: str = ""
    printing_note: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    # How the file was read; not part of what the plan says, so two readings of one plan compare equal.
    format: str = field(default="text", compare=False)
    encoding: str = field(default="", compare=False)
    warnings: list[ImportWarning] = field(default_factory=list, compare=False)

    @property
    def items(self) -> list[ParsedItem]:
        return [item for section in self.sections for item in section.items]


def committee_key(*, issuer: str = "", signatory: str = "", title: str = "") -> str:
    """Which committee issued a plan, comparable across the ways documents name it.

    "政协北京市东城区委员会文件", the signature "政协北京市东城区委员会常务委员会" and the title
    "中国人民政治协商会议北京市东城区第十四届委员会常务委员会2017年工作要点" all give
    "政协北京市东城区委员会".
    """
    for source in (issuer, signatory, title):
        text = "".join(source.split()).replace("中国人民政治协商会议", "政协")
        text = re.sub(r"(\d{4}|[〇○零一二三四五六七八九]{4})年.*$", "", text)
        text = re.sub(r"第[一二三四五六七八九十]+届", "", text)
        changed = True
        while changed:
            changed = False
            for suffix in ("文件", "办公室", "常务委员会", "常委会"):
                if text.endswith(suffix) and len(text) > len(suffix):
                    text = text[: -len(suffix)]
                    changed = True
        if text:
            return text
    return ""
