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
LABEL_WIDTH = 130
VALUE_WIDTH = 56
BAR_HEIGHT = 11
ROW_GAP = 8
FONT = 11


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | Decimal | None]


def _truncate(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], value_format, maximum: float | None = None
) -> SafeString:
    """Grouped horizontal bars: one group per label, one bar per series, the value printed after each bar."""
    values = [float(v) for s in series for v in s.values if v is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    top = top or 1.0
    group = len(series) * BAR_HEIGHT + ROW_GAP
    legend = 18
    height = legend + len(labels) * group + 4
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="portal-chart" font-family="system-ui, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for i, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="11">{escape(s.label)}</text>')
        x += 14 + 7 * len(s.label) + 12
    for row, label in enumerate(labels):
        y0 = legend + row * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 4}" y="{y0 + len(series) * BAR_HEIGHT / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_truncate(label))}</text>"
        )
        for i, s in enumerate(series):
            value = s.values[row]
            y = y0 + i * BAR_HEIGHT
            width = 0.0 if value is None else span * float(value) / top
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(width, 0):.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            )
            parts.append(f'<text x="{LABEL_WIDTH + width + 3:.1f}" y="{y + BAR_HEIGHT - 3}">{escape(value_format(value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
