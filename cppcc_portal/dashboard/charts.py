"""Server-rendered SVG charts for the leaders' dashboard.

Every chart is plain SVG with presentation attributes (no inline style, no script: the CSP forbids
both), scales with its `viewBox` so it reads on a phone and prints on A4, and wraps each mark in a
link to the list it counts, with a `<title>` that the browser shows on hover. Labels come from the
database (names of sectors, units, items), so every piece of text is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape as _html_escape

from django.utils.safestring import SafeString, mark_safe

# A palette that survives greyscale printing: alternating dark and light tones.
# Every chart has the same drawing width, and the stylesheet scales them all by the same factor, so
# a bar or a letter is the same size in every chart (a narrow chart must not be blown up to the
# column's width). A CJK character of the 11-unit font is about 12 units wide.
CHART_WIDTH = 480
CHAR = 12
LINE = 14
PALETTE = ("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#9e9d24")
TRACK = "#e0e0e0"
INK = "#212121"


@dataclass(frozen=True)
class Mark:
    """One bar, segment or point: what it shows and the list behind it."""

    label: str
    value: float
    href: str = ""
    hint: str = ""

    @property
    def title(self) -> str:
        return self.hint or f"{self.label}: {format_number(self.value)}"


@dataclass(frozen=True)
class StackedRow:
    """A bar made of segments (e.g. attendance present/excused/absent for one sector)."""

    label: str
    segments: Sequence[Mark] = field(default_factory=tuple)

    @property
    def total(self) -> float:
        return sum(segment.value for segment in self.segments)


def escape(text) -> str:
    """HTML-escape text and attribute values (the standard library's, without Django's lazy wrapper:
    a dashboard draws a few thousand labels, and the wrapper's checks dominated its render time)."""
    return _html_escape(str(text), quote=True)


def format_number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def _linked(mark_svg: str, href: str, title: str) -> str:
    """A mark with its hover title, inside a link when there is a list to go to."""
    inner = f"<title>{escape(title)}</title>{mark_svg}"
    if href:
        return f'<a href="{escape(href)}">{inner}</a>'
    return f"<g>{inner}</g>"


def _svg(width: float, height: float, body: str, label: str, css: str = "") -> SafeString:
    classes = f"chart {css}".strip()
    return mark_safe(  # noqa: S308 - every piece of text inside was escaped when it was built
        f'<svg class="{escape(classes)}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _scale_max(values: Sequence[float], max_value: float | None) -> float:
    top = max_value if max_value is not None else max(values, default=0)
    return top if top and top > 0 else 1


def _width(char: str) -> float:
    """A character's width in CJK characters: Latin letters and digits are about half as wide."""
    return 0.55 if ord(char) < 0x2E80 else 1.0


def _text_width(text: str) -> float:
    """A label's width in CJK characters (the ASCII ones counted at C speed: a page has hundreds)."""
    return len(text) - 0.45 * len(text.encode("ascii", "ignore"))


def _wrap(label: str, chars: int) -> list[str]:
    """A label cut into lines at most `chars` CJK characters wide: wrapped, never cut off."""
    label = str(label)
    if _text_width(label) <= max(chars, 1):
        return [label]
    lines, line, used = [], "", 0.0
    for char in str(label):
        if line and used + _width(char) > max(chars, 1):
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += _width(char)
    lines.append(line)
    return lines


def _lines(lines: list[str], x: float, y: float, anchor: str) -> str:
    """Lines of text, the first on baseline `y`, each next one a line lower."""
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if index == 0 else LINE}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}">{spans}</text>'


def _label_width(marks_labels: Sequence[str]) -> int:
    """Room for the row labels: the longest label, between 4 and 14 characters (longer ones wrap)."""
    longest = max((_text_width(str(label)) for label in marks_labels), default=4)
    return round(min(max(longest, 4), 14) * CHAR) + 8


def bar_chart(
    marks: Sequence[Mark],
    *,
    label: str,
    height: int = 120,
    max_value: float | None = None,
    color: str = PALETTE[0],
) -> SafeString:
    """Vertical columns over the full chart width, each with its value above and its label below."""
    top_pad = 16
    count = max(len(marks), 1)
    slot = CHART_WIDTH / count
    bar_width = min(slot * 0.7, 48)
    chars = max(int(slot // CHAR), 1)
    label_lines = max((len(_wrap(m.label, chars)) for m in marks), default=1)
    peak = _scale_max([m.value for m in marks], max_value)
    base = top_pad + height
    parts = [f'<line x1="0" y1="{base}" x2="{CHART_WIDTH}" y2="{base}" stroke="{INK}"/>']
    for index, mark in enumerate(marks):
        centre = slot * index + slot / 2
        x = centre - bar_width / 2
        bar_height = round(height * max(mark.value, 0) / peak, 2)
        y = base - bar_height
        rect = (
            f'<rect class="bar" x="{x:g}" y="{y:g}" width="{bar_width:g}" height="{bar_height:g}" '
            f'fill="{color}"/>'
            f'<text x="{centre:g}" y="{y - 3:g}" text-anchor="middle">{escape(format_number(mark.value))}</text>'
        )
        parts.append(_linked(rect, mark.href, mark.title))
        parts.append(_lines(_wrap(mark.label, chars), centre, base + 14, "middle"))
    return _svg(CHART_WIDTH, base + 6 + LINE * label_lines, "".join(parts), label, "bars")


def hbar_chart(
    marks: Sequence[Mark],
    *,
    label: str,
    bar_height: int = 16,
    gap: int = 8,
    max_value: float | None = None,
    color: str = PALETTE[1],
    suffix: str = "",
) -> SafeString:
    """Horizontal bars for long Chinese labels (units, sectors): the label column is as wide as the
    longest label needs (long ones wrap onto more lines), the value stands after each bar."""
    label_width = _label_width([m.label for m in marks])
    chars = (label_width - 8) // CHAR
    value_width = 56
    track = CHART_WIDTH - label_width - value_width
    peak = _scale_max([m.value for m in marks], max_value)
    parts = []
    y = gap
    for mark in marks:
        lines = _wrap(mark.label, chars)
        row_height = max(bar_height, LINE * len(lines))
        length = round(track * max(mark.value, 0) / peak, 2)
        parts.append(_lines(lines, label_width - 6, y + 12, "end"))
        rect = (
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" fill="{TRACK}"/>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{length:g}" height="{bar_height}" '
            f'fill="{color}"/>'
        )
        parts.append(_linked(rect, mark.href, mark.title))
        parts.append(
            f'<text x="{label_width + track + 4}" y="{y + 12}">'
            f"{escape(format_number(mark.value))}{escape(suffix)}</text>"
        )
        y += row_height + gap
    return _svg(CHART_WIDTH, max(y, bar_height + 2 * gap), "".join(parts), label, "hbars")


def stacked_bar_chart(
    rows: Sequence[StackedRow],
    *,
    label: str,
    legend: Sequence[str] = (),
    bar_height: int = 16,
    gap: int = 8,
    percent: bool = False,
) -> SafeString:
    """Horizontal stacked bars; with `percent` every row fills the track (shares, not counts) and the
    figure after it is the first segment's share, e.g. the attendance rate."""
    label_width = _label_width([row.label for row in rows])
    chars = (label_width - 8) // CHAR
    value_width = 56
    track = CHART_WIDTH - label_width - value_width
    legend_height = 22 if legend else 0
    peak = _scale_max([row.total for row in rows], None)
    parts = []
    x = 0
    for index, name in enumerate(legend):
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
        x += 14 + round(CHAR * _text_width(str(name))) + 12
    y = legend_height + gap
    for row in rows:
        lines = _wrap(row.label, chars)
        row_height = max(bar_height, LINE * len(lines))
        parts.append(_lines(lines, label_width - 6, y + 12, "end"))
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" fill="{TRACK}"/>'
        )
        scale = (row.total or 1) if percent else peak
        offset = float(label_width)
        for seg_index, segment in enumerate(row.segments):
            length = round(track * max(segment.value, 0) / scale, 2)
            if length <= 0:
                continue
            color = PALETTE[seg_index % len(PALETTE)]
            rect = (
                f'<rect class="segment" x="{offset:g}" y="{y}" width="{length:g}" height="{bar_height}" '
                f'fill="{color}"/>'
            )
            parts.append(_linked(rect, segment.href, f"{row.label} · {segment.title}"))
            offset += length
        figure = format_number(row.total)
        if percent:
            first = row.segments[0].value if row.segments else 0
            figure = f"{format_number(round(100 * first / row.total, 1))}%" if row.total else "—"
        parts.append(f'<text x="{label_width + track + 4}" y="{y + 12}">{escape(figure)}</text>')
        y += row_height + gap
    return _svg(CHART_WIDTH, max(y, legend_height + bar_height + 2 * gap), "".join(parts), label, "stacked")


def progress_ring(percent: float, *, label: str, href: str = "", size: int = 96) -> SafeString:
    """A ring filled to `percent` (0–100), the figure in its centre."""
    value = min(max(float(percent or 0), 0.0), 100.0)
    stroke = size / 9
    radius = (size - stroke) / 2
    centre = size / 2
    circumference = 2 * math.pi * radius
    filled = round(circumference * value / 100, 2)
    ring = (
        f'<circle cx="{centre:g}" cy="{centre:g}" r="{radius:g}" fill="none" stroke="{TRACK}" '
        f'stroke-width="{stroke:g}"/>'
        f'<circle class="ring" cx="{centre:g}" cy="{centre:g}" r="{radius:g}" fill="none" '
        f'stroke="{PALETTE[0]}" stroke-width="{stroke:g}" stroke-dasharray="{filled:g} {circumference:g}" '
        f'transform="rotate(-90 {centre:g} {centre:g})"/>'
        f'<text x="{centre:g}" y="{centre + 5:g}" text-anchor="middle" font-size="{size / 6:g}">'
        f"{escape(format_number(round(value, 1)))}%</text>"
    )
    return _svg(size, size, _linked(ring, href, f"{label}: {format_number(round(value, 1))}%"), label, "ring")


def _nice_top(value: float) -> float:
    """The axis top: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def trend_chart(marks: Sequence[Mark], *, label: str, height: int = 120, suffix: str = "") -> SafeString:
    """Ten years of one figure: a line over a y axis from 0 with three labelled ticks, the years
    along the x axis, the value at each point; each point links to its year's dashboard."""
    left, right, top, bottom = 44, 16, 16, 22
    count = len(marks)
    peak = _nice_top(max((m.value for m in marks), default=0))
    plot_width = CHART_WIDTH - left - right
    step = plot_width / (count - 1) if count > 1 else 0
    base = top + height
    parts = []
    for fraction in (0, 0.5, 1):
        y = base - height * fraction
        parts.append(f'<line x1="{left}" y1="{y:g}" x2="{CHART_WIDTH - right}" y2="{y:g}" stroke="{TRACK}"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:g}" text-anchor="end">'
            f"{escape(format_number(peak * fraction))}{escape(suffix)}</text>"
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{INK}"/>')
    points = []
    for index, mark in enumerate(marks):
        x = left + index * step if count > 1 else left + plot_width / 2
        y = base - height * max(mark.value, 0) / peak
        points.append((round(x, 2), round(y, 2), mark))
    if count > 1:
        path = " ".join(f"{x:g},{y:g}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>')
    for x, y, mark in points:
        dot = (
            f'<circle class="point" cx="{x:g}" cy="{y:g}" r="3.5" fill="{PALETTE[1]}"/>'
            f'<text x="{x:g}" y="{y - 6:g}" text-anchor="middle">'
            f"{escape(format_number(mark.value))}{escape(suffix)}</text>"
        )
        parts.append(_linked(dot, mark.href, mark.title))
        parts.append(f'<text x="{x:g}" y="{base + 16}" text-anchor="middle">{escape(mark.label)}</text>')
    return _svg(CHART_WIDTH, base + bottom, "".join(parts), label, "trend")


def _cell(value) -> str:
    """A table cell's text: numbers need no escaping (a dashboard has a few thousand of them)."""
    return str(value) if isinstance(value, int | float) else escape("" if value is None else value)


def figure_with_table(
    title: str,
    svg: SafeString,
    columns: Sequence[str],
    rows: Sequence[tuple[str, str, Sequence]],
    *,
    name: str,
) -> SafeString:
    """A chart with its figures as a text table beside it (screen readers, printing, copying).

    `rows` are (label, href, cells). Built here rather than in a template include: a dashboard
    shows a dozen of them, and the include machinery tripled their render time."""
    head = "".join(f'<th scope="col" class="num">{escape(column)}</th>' for column in columns)
    body = []
    for label, href, cells in rows:
        heading = f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label)
        values = "".join(f'<td class="num">{_cell(cell)}</td>' for cell in cells)
        body.append(f'<tr><th scope="row">{heading}</th>{values}</tr>')
    return mark_safe(  # noqa: S308 - every piece of text inside was escaped above
        f'<div class="dash-figure"><figure><figcaption>{escape(title)}</figcaption>{svg}</figure>'
        f'<table class="dash-data"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(name)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
