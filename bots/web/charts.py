"""Server-rendered SVG line charts (no script, no CDN): one line per unit over time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#0b5394", "#a1161d", "#1a6b34", "#8a4b00", "#6a1b9a", "#00695c", "#37474f", "#ad1457")
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None: no data that period


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return step * factor
    return value


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = ""
) -> Markup:
    """An accessible SVG: a title, a description listing every value, axes, a legend."""
    top = _nice_max(max((v for s in series for v in s.values if v is not None), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    steps = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + plot_w * i / steps

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    legend_h = 18 * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + legend_h}" '
        f'role="img" aria-labelledby="c-t c-d">',
        f'<title id="c-t">{escape(title)}</title>',
        '<desc id="c-d">'
        + escape(
            "; ".join(
                f"{s.name}: "
                + ", ".join(
                    f"{label} {'-' if v is None else f'{v:g}{unit}'}"
                    for label, v in zip(labels, s.values, strict=False)
                )
                for s in series
            )
        )
        + "</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT + legend_h}" fill="#ffffff"/>',
    ]
    for k in range(5):
        v = top * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#d0d7de"/><text x="{LEFT - 6}" y="{y(v) + 4:.1f}" font-size="12" '
            f'text-anchor="end" fill="#1b1f24">{v:g}{escape(unit)}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="12" '
            f'text-anchor="middle" fill="#1b1f24">{escape(label)}</text>'
        )
    for n, s in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>'
            )
        parts.extend(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}"/>' for px, py in points
        )
        ly = HEIGHT + 18 * n + 4
        parts.append(
            f'<rect x="{LEFT}" y="{ly}" width="12" height="12" fill="{color}"/>'
            f'<text x="{LEFT + 18}" y="{ly + 11}" font-size="13" fill="#1b1f24">'
            f"{escape(s.name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
