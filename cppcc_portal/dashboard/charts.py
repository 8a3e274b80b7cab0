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


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    marks: Sequence[Mark],
    *,
    label: str,
    height: int = 160,
    bar_width: int = 28,
    gap: int = 12,
    max_value: float | None = None,
    color: str = PALETTE[0],
) -> SafeString:
    """Vertical columns: a column's height is its value over the largest value, times `height`."""
    top_pad, bottom_pad = 16, 34
    width = max(len(marks), 1) * (bar_width + gap) + gap
    peak = _scale_max([m.value for m in marks], max_value)
    parts = [f'<line x1="0" y1="{top_pad + height}" x2="{width}" y2="{top_pad + height}" stroke="{TRACK}"/>']
    for index, mark in enumerate(marks):
        x = gap + index * (bar_width + gap)
        bar_height = round(height * max(mark.value, 0) / peak, 2)
        y = top_pad + height - bar_height
        rect = (
            f'<rect class="bar" x="{x}" y="{y:g}" width="{bar_width}" height="{bar_height:g}" fill="{color}"/>'
            f'<text x="{x + bar_width / 2:g}" y="{y - 3:g}" text-anchor="middle">'
            f"{escape(format_number(mark.value))}</text>"
        )
        parts.append(_linked(rect, mark.href, mark.title))
        parts.append(
            f'<text x="{x + bar_width / 2:g}" y="{top_pad + height + 14}" text-anchor="middle">'
            f"{escape(_truncate(mark.label, 4))}</text>"
        )
    return _svg(width, top_pad + height + bottom_pad, "".join(parts), label, "bars")


def hbar_chart(
    marks: Sequence[Mark],
    *,
    label: str,
    width: int = 320,
    label_width: int = 110,
    bar_height: int = 16,
    gap: int = 6,
    max_value: float | None = None,
    color: str = PALETTE[1],
    suffix: str = "",
) -> SafeString:
    """Horizontal bars, for long Chinese labels (units, sectors) that columns cannot hold on a phone."""
    value_width = 44
    track = width - label_width - value_width
    height = max(len(marks), 1) * (bar_height + gap) + gap
    peak = _scale_max([m.value for m in marks], max_value)
    parts = []
    for index, mark in enumerate(marks):
        y = gap + index * (bar_height + gap)
        length = round(track * max(mark.value, 0) / peak, 2)
        parts.append(
            f'<text x="{label_width - 4}" y="{y + bar_height - 4}" text-anchor="end">'
            f"{escape(_truncate(mark.label, 9))}</text>"
        )
        rect = (
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" fill="{TRACK}"/>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{length:g}" height="{bar_height}" '
            f'fill="{color}"/>'
        )
        parts.append(_linked(rect, mark.href, mark.title))
        parts.append(
            f'<text x="{label_width + track + 4}" y="{y + bar_height - 4}">'
            f"{escape(format_number(mark.value))}{escape(suffix)}</text>"
        )
    return _svg(width, height, "".join(parts), label, "hbars")


def stacked_bar_chart(
    rows: Sequence[StackedRow],
    *,
    label: str,
    legend: Sequence[str] = (),
    width: int = 320,
    label_width: int = 110,
    bar_height: int = 16,
    gap: int = 6,
    percent: bool = False,
) -> SafeString:
    """Horizontal stacked bars; with `percent` every row fills the track (shares, not counts)."""
    value_width = 44
    track = width - label_width - value_width
    legend_height = 20 if legend else 0
    height = legend_height + max(len(rows), 1) * (bar_height + gap) + gap
    peak = _scale_max([row.total for row in rows], None)
    parts = []
    x = 0
    for index, name in enumerate(legend):
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="13">{escape(_truncate(name, 6))}</text>'
        )
        x += 14 + 12 * min(len(name), 6) + 10
    for index, row in enumerate(rows):
        y = legend_height + gap + index * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 4}" y="{y + bar_height - 4}" text-anchor="end">'
            f"{escape(_truncate(row.label, 9))}</text>"
        )
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
        parts.append(
            f'<text x="{label_width + track + 4}" y="{y + bar_height - 4}">'
            f"{escape(format_number(row.total))}</text>"
        )
    return _svg(width, height, "".join(parts), label, "stacked")


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


def sparkline(
    marks: Sequence[Mark], *, label: str, width: int = 160, height: int = 40, max_value: float | None = None
) -> SafeString:
    """A small trend line (e.g. ten years of proposals); each point links to its year's list."""
    pad = 4
    count = len(marks)
    peak = _scale_max([m.value for m in marks], max_value)
    step = (width - 2 * pad) / (count - 1) if count > 1 else 0
    points = []
    for index, mark in enumerate(marks):
        x = pad + index * step if count > 1 else width / 2
        y = height - pad - (height - 2 * pad) * max(mark.value, 0) / peak
        points.append((round(x, 2), round(y, 2), mark))
    parts = []
    if count > 1:
        path = " ".join(f"{x:g},{y:g}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>')
    for x, y, mark in points:
        dot = f'<circle class="point" cx="{x:g}" cy="{y:g}" r="3" fill="{PALETTE[1]}"/>'
        parts.append(_linked(dot, mark.href, mark.title))
    return _svg(width, height, "".join(parts), label, "spark")
