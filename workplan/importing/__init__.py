"""Importing the plan document (工作要点): a pure function from the file's bytes to a parsed plan.

readers/ turn .docx, .pdf and text into lines (each with its place in the file), noise takes out
page numbers, running headers and the sign-off block, structure finds the header, sections,
items and titles. Nothing here touches the database: services.plan_import stores the result.
"""

from __future__ import annotations

from pathlib import Path

from workplan.importing.document import (
    ImportWarning,
    ParsedItem,
    ParsedPlan,
    ParsedSection,
    Place,
    PlanFormatError,
    committee_key,
)
from workplan.importing.readers import read
from workplan.importing.readers.text import read_text
from workplan.importing.structure import build

__all__ = [
    "ImportWarning",
    "ParsedItem",
    "ParsedPlan",
    "ParsedSection",
    "Place",
    "PlanFormatError",
    "committee_key",
    "parse",
    "parse_bytes",
    "parse_file",
    "parse_text",
]


def parse_bytes(data: bytes, name: str = "") -> ParsedPlan:
    """Parse an uploaded plan document (.docx, .pdf, .txt, .md), whatever its format."""
    return build(read(data, name))


def parse_text(text: str) -> ParsedPlan:
    """Parse a plan given as text (already decoded)."""
    return build(read_text(text.encode("utf-8")))


def parse(source: str | bytes, name: str = "") -> ParsedPlan:
    """Parse the document given as text or as the file's bytes."""
    return parse_bytes(source, name) if isinstance(source, bytes) else parse_text(source)


def parse_file(path: str | Path) -> ParsedPlan:
    """Read and parse a plan document from disk (the file must exist)."""
    path = Path(path)
    return parse_bytes(path.read_bytes(), path.name)
