"""Markdown bold in text files: removed only where it is bold, so asterisks that redact a name stay.

A pair `**…**` is bold when the opening `**` starts the line or follows a space or punctuation and
is followed by text, and the closing `**` follows text. "张**、李**同志" and "138****1234" keep their
asterisks; "1. **加大民主监督力度。**协助区委" loses them.
"""

from __future__ import annotations

import re
import unicodedata

# Exactly two asterisks (not part of a longer run such as a masked phone number).
PAIR_RE = re.compile(r"(?<!\*)\*\*(?!\*)(?P<inner>[^*]+?)(?<!\*)\*\*(?!\*)")
# A bold run cannot start with these: "张**、李**" is a name masked twice, not bold "、李".
NOT_AFTER_OPENER = set(" \t\u3000、，。；：！？）」』》】,.;:!?)")


def _is_word_char(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LN"


def strip_bold(text: str) -> tuple[str, tuple[tuple[int, int], ...], bool]:
    """The text without bold markers, the spans that were bold, and whether asterisks were left."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    length = 0
    for match in PAIR_RE.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        inner = match["inner"]
        if _is_word_char(before) or inner[0] in NOT_AFTER_OPENER or inner[-1] in " \t\u3000":
            continue
        piece = text[position:start]
        out.append(piece)
        length += len(piece)
        out.append(inner)
        spans.append((length, length + len(inner)))
        length += len(inner)
        position = end
    out.append(text[position:])
    plain = "".join(out)
    return plain, tuple(spans), "**" in plain


def shift_spans(spans: tuple[tuple[int, int], ...], offset: int) -> tuple[tuple[int, int], ...]:
    """Spans of a line whose first `offset` characters were cut off (e.g. its numbering)."""
    return tuple((max(0, a - offset), b - offset) for a, b in spans if b - offset > 0)
