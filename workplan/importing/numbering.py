"""The numbering shapes of Chinese official documents: 一、 一． （一） 1. 1、 １． （1） ①.

The rank follows the usual hierarchy of official documents (一、 above （一） above 1. above （1）):
the plan's sections take the highest shape the document uses for headings, its items the shape
that first follows a section heading; deeper shapes are sub-points and stay in the item's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
NUMERAL = "[一二三四五六七八九十]{1,3}"
DIGITS = "[0-9０-９]{1,3}"

# shape -> (rank, pattern); the pattern's groups are (number, rest of the line).
SHAPES: dict[str, tuple[int, re.Pattern]] = {
    "chinese": (0, re.compile(rf"^({NUMERAL})\s*[、.．]\s*(.*)$")),
    "paren_chinese": (1, re.compile(rf"^[(（]\s*({NUMERAL})\s*[)）]\s*[、.．]?\s*(.*)$")),
    # "1." must not be the start of a decimal ("1.5 亿") nor of a date ("2017.3").
    "arabic": (2, re.compile(rf"^({DIGITS})\s*[.．、](?![0-9０-９])\s*(.*)$")),
    "paren_arabic": (3, re.compile(rf"^[(（]\s*({DIGITS})\s*[)）]\s*[、.．]?\s*(.*)$")),
    "circled": (4, re.compile(rf"^([{CIRCLED}])\s*(.*)$")),
}
SECTION_SHAPES = ("chinese", "paren_chinese")


@dataclass(frozen=True)
class Marker:
    shape: str
    number: int
    written: str  # the marker as written, e.g. "（三）"
    rest: str  # the text after it

    @property
    def rank(self) -> int:
        return SHAPES[self.shape][0]


def chinese_number(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    if "十" not in numeral:
        return CHINESE_DIGITS[numeral] if len(numeral) == 1 else 0
    tens, _sep, units = numeral.partition("十")
    value = (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (CHINESE_DIGITS.get(units, 0) if units else 0)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (the inverse of chinese_number up to 99)."""
    digits = "零一二三四五六七八九"
    tens, units = divmod(number, 10)
    if not tens:
        return digits[units]
    return f"{digits[tens] if tens > 1 else ''}十{digits[units] if units else ''}"


def find_marker(text: str) -> Marker | None:
    """The numbering a line starts with, if any."""
    for shape, (_rank, pattern) in SHAPES.items():
        match = pattern.match(text)
        if not match:
            continue
        raw = match[1]
        if shape in ("chinese", "paren_chinese"):
            number = chinese_number(raw)
        elif shape == "circled":
            number = CIRCLED.index(raw) + 1
        else:
            number = int(raw.translate(FULLWIDTH_DIGITS))
        if number <= 0:
            continue
        written = text[: match.start(2)].strip() if match[2] else text.strip()
        return Marker(shape, number, written, match[2])
    return None


def chinese_date_number(text: str) -> int:
    """二〇一七 → 2017 (digit by digit), 二十 → 20 (with 十)."""
    if "十" in text:
        return chinese_number(text)
    value = 0
    for char in text:
        value = value * 10 + CHINESE_DIGITS[char]
    return value
