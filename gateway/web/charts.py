"""Server-rendered SVG bar charts: no JavaScript, no external assets; labels escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, BAR_AREA_LEFT, ROW = 760, 230, 22


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
              unit: str = "") -> Markup:
    """Horizontal bars, one row per label and one bar per series (at most two series)."""
    top = 30
    height = top + len(labels) * ROW * len(series) + 30
    peak = max((v for _, values in series for v in values), default=0) or 1
    scale = (WIDTH - BAR_AREA_LEFT - 60) / peak
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    for s_index, (name, _) in enumerate(series):
        css = "bar" if s_index == 0 else "bar2"
        x = BAR_AREA_LEFT + s_index * 120
        parts.append(f'<rect class="{css}" x="{x}" y="8" width="12" height="12"/>'
                     f'<text x="{x + 16}" y="18">{escape(name)}</text>')
    for i, label in enumerate(labels):
        y = top + i * ROW * len(series)
        parts.append(f'<text x="{BAR_AREA_LEFT - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        for s_index, (_, values) in enumerate(series):
            value = values[i]
            css = "bar" if s_index == 0 else "bar2"
            by = y + s_index * ROW
            end = BAR_AREA_LEFT + value * scale
            parts.append(f'<rect class="{css}" x="{BAR_AREA_LEFT}" y="{by + 3}" width="{value * scale:.1f}" '
                         f'height="{ROW - 6}"><title>{escape(label)}: {value:g}{unit}</title></rect>'
                         f'<text x="{end + 4:.1f}" y="{by + 15}">{value:g}{unit}</text>')
    parts.append(f'<line class="axis" x1="{BAR_AREA_LEFT}" y1="{top - 4}" x2="{BAR_AREA_LEFT}" '
                 f'y2="{height - 24}"/></svg>')
    return Markup("".join(parts))  # noqa: S704 (every interpolated text above is escaped)
