"""The weekly overview chart: blocked attempts per service per day, as inline SVG made
on the server (no script, no external resource, no style attribute: the CSP stays strict)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from html import escape

from markupsafe import Markup

from console.models import Counter

PALETTE = ("#1d5fa8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 40, 40, 10


def daily_totals(rows: Iterable[Counter], tz: dt.tzinfo, days: list[dt.date]) -> dict[str, dict[dt.date, int]]:
    """service → local day → blocked attempts, from UTC-hour counters."""
    wanted = set(days)
    totals: dict[str, dict[dt.date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    for row in rows:
        hour = dt.datetime.strptime(row.hour, "%Y-%m-%dT%H").replace(tzinfo=dt.UTC)
        day = hour.astimezone(tz).date()
        if day in wanted:
            totals[row.service][day] += row.blocked
    return dict(sorted(totals.items()))


DAY_NAMES = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def bar_chart(
    totals: Mapping[str, Mapping[dt.date, int]], days: list[dt.date], title: str, locale: str = "nl"
) -> Markup:
    services = list(totals)
    peak = max([1, *(n for per_day in totals.values() for n in per_day.values())])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(days))
    bar = max(2.0, (slot - 8) / max(1, len(services)))
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 20 * len(services)}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" stroke="#999"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{peak}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
    ]
    for d_index, day in enumerate(days):
        x0 = LEFT + d_index * slot + 4
        for s_index, service in enumerate(services):
            count = totals[service].get(day, 0)
            height = plot_h * count / peak
            x, y = x0 + s_index * bar, TOP + plot_h - height
            colour = PALETTE[s_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(service)} {day.isoformat()}: {count}</title></rect>"
            )
        label = f"{DAY_NAMES.get(locale, DAY_NAMES['nl'])[day.weekday()]} {day.strftime('%d-%m')}"
        parts.append(f'<text x="{x0 + slot / 2 - 4:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{label}</text>')
    for s_index, service in enumerate(services):
        y = HEIGHT + 20 * s_index
        colour = PALETTE[s_index % len(PALETTE)]
        parts.append(f'<rect x="{LEFT}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        total = sum(totals[service].values())
        parts.append(f'<text x="{LEFT + 18}" y="{y}">{escape(service)} ({total})</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text is escaped above)
