"""Server-rendered SVG charts: horizontal grouped bars, readable on a 390 px phone and on paper.

No JavaScript: the chart is markup in the page, scales with its container (viewBox), prints like
text, and always sits next to a table with the same figures (the table is the accessible version).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe pair (Okabe–Ito), dark enough to print in grey.
COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7")
WIDTH = 360
LABEL_WIDTH = 150
VALUE_WIDTH = 56
BAR_HEIGHT = 11
ROW_GAP = 8
FONT = 11


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | Decimal | None]


LINE_CHARS = 20  # characters per label line at FONT: LABEL_WIDTH / ~7 px, so wide glyphs are not clipped
LINE_HEIGHT = 12
MAX_LINES = 2
PARTIAL = "partial-hatch"


def label_lines(text: str, limit: int = LINE_CHARS, lines: int = MAX_LINES) -> list[str]:
    """``text`` wrapped on word boundaries onto at most ``lines`` lines of ``limit`` characters.

    A text longer than that ends in "…" on its last line; the chart then carries the full text in the
    label's ``<title>`` (and the table beside every chart has it in full), so nothing is lost."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    out = [line if len(line) <= limit else line[: limit - 1] + "…" for line in out] or [""]
    if len(out) > lines:
        last = " ".join(out[lines - 1 :])
        out = [*out[: lines - 1], last[: limit - 1] + "…"]
    return out


def hbar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_format,
    maximum: float | None = None,
    notes: Sequence[str | None] = (),
    partial_legend: str = "",
) -> SafeString:
    """Grouped horizontal bars: one group per label, one bar per series, the value printed after each bar.

    A label wraps onto two lines (``label_lines``) and keeps its full text in a ``<title>``. ``notes``
    (one per label, or None) adds a line under the label and draws that group's bars hatched, as
    partial figures: a round still being surveyed ("đang rà soát, 74 %") is not a drop against last
    year's complete list. ``partial_legend`` explains the hatching in the legend."""
    notes = list(notes) + [None] * (len(labels) - len(notes))
    values = [float(v) for s in series for v in s.values if v is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    top = top or 1.0
    wrapped = [label_lines(label) + ([note] if note else []) for label, note in zip(labels, notes, strict=True)]
    bars = len(series) * BAR_HEIGHT
    heights = [max(bars, len(lines) * LINE_HEIGHT) + ROW_GAP for lines in wrapped]
    legend = 18 if not (partial_legend and any(notes)) else 34
    height = legend + sum(heights) + 4
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="portal-chart" font-family="system-ui, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    if any(notes):
        # One hatch per colour (and a grey one for the legend): stripes of the series' colour on white.
        patterns = [(f"{PARTIAL}-{i}", COLOURS[i % len(COLOURS)]) for i in range(len(series))] + [(PARTIAL, "#555")]
        parts.append(
            "<defs>"
            + "".join(
                f'<pattern id="{pid}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                f'<rect width="4" height="4" fill="#fff"/><rect width="2" height="4" fill="{colour}"/></pattern>'
                for pid, colour in patterns
            )
            + "</defs>"
        )
    x = 0
    for i, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="11">{escape(s.label)}</text>')
        x += 14 + 7 * len(s.label) + 12
    if partial_legend and any(notes):
        parts.append(f'<rect x="0" y="18" width="10" height="10" fill="url(#{PARTIAL})" stroke="#555"/>')
        parts.append(f'<text x="14" y="27">{escape(partial_legend)}</text>')
    y0 = legend
    for row, label in enumerate(labels):
        lines, partial = wrapped[row], bool(notes[row])
        group = heights[row] - ROW_GAP
        first = y0 + (group - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 2
        tspans = "".join(
            f'<tspan x="{LABEL_WIDTH - 4}" y="{first + n * LINE_HEIGHT:.1f}"'
            + (' font-style="italic"' if partial and n == len(lines) - 1 else "")
            + f">{escape(line)}</tspan>"
            for n, line in enumerate(lines)
        )
        full = f"{label} ({notes[row]})" if partial else label
        parts.append(f'<text text-anchor="end" class="chart-label"><title>{escape(full)}</title>{tspans}</text>')
        bars_top = y0 + (group - bars) / 2
        for i, s in enumerate(series):
            value = s.values[row]
            y = bars_top + i * BAR_HEIGHT
            width = 0.0 if value is None else span * float(value) / top
            colour = COLOURS[i % len(COLOURS)]
            fill = f'fill="{colour}"' if not partial else f'fill="url(#{PARTIAL}-{i})" stroke="{colour}" stroke-width="1.5"'
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{BAR_HEIGHT - 2}" {fill}'
                + (' class="bar-partial"' if partial else "")
                + "/>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 3:.1f}" y="{y + BAR_HEIGHT - 3:.1f}">{escape(value_format(value))}</text>'
            )
        y0 += heights[row]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
