"""Small server-rendered SVG bar charts for the dashboard (no JavaScript chart library)."""

from __future__ import annotations

from html import escape


def bar_chart(data: list[tuple[str, float]], *, width: int = 560, bar_height: int = 22,
              color: str = "#1d6fb8", unit: str = "") -> str:
    if not data:
        return '<p class="muted">-</p>'
    top = max(value for _, value in data) or 1
    label_w = 190
    height = bar_height * len(data) + 8
    rows = []
    for i, (label, value) in enumerate(data):
        y = 4 + i * bar_height
        w = int((width - label_w - 80) * value / top)
        rows.append(
            f'<text x="{label_w - 6}" y="{y + bar_height * 0.68:.0f}" text-anchor="end">'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="{bar_height - 6}" '
            f'fill="{color}" rx="3"><title>{escape(str(label))}: {value:,.0f}{unit}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + bar_height * 0.68:.0f}">{value:,.0f}{unit}</text>'
        )
    return (f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" '
            f'class="chart" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>')
