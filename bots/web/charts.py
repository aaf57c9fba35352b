"""Server-rendered SVG charts (no script, no CDN): one line per unit over time, and bars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class Frame:
    """Where values and periods land in the plot: the top of the y axis, the periods' count."""

    top: float
    periods: int

    def x(self, i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * i / max(self.periods - 1, 1)

    def y(self, v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / self.top)


Number = Callable[[float], str]


def _plain(value: float) -> str:
    return f"{value:g}"


def _description(labels: Sequence[str], series: Sequence[Series], unit: str, number: Number) -> str:
    """Every value in words, for a screen reader."""
    return "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{label} {'-' if v is None else number(v) + unit}"
            for label, v in zip(labels, s.values, strict=False)
        )
        for s in series
    )


def _axes(frame: Frame, labels: Sequence[str], unit: str, number: Number) -> list[str]:
    """Five grid lines with their values, and the periods under the plot."""
    parts = []
    for k in range(5):
        v = frame.top * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{frame.y(v):.1f}" y2="{frame.y(v):.1f}" '
            f'stroke="#d0d7de"/><text x="{LEFT - 6}" y="{frame.y(v) + 4:.1f}" font-size="12" '
            f'text-anchor="end" fill="#1b1f24">{escape(number(v) + unit)}</text>'
        )
    parts.extend(
        f'<text x="{frame.x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="12" '
        f'text-anchor="middle" fill="#1b1f24">{escape(label)}</text>'
        for i, label in enumerate(labels)
    )
    return parts


def _line(frame: Frame, n: int, s: Series) -> list[str]:
    """One series: its line, its points, and its entry in the legend."""
    color = PALETTE[n % len(PALETTE)]
    points = [(frame.x(i), frame.y(v)) for i, v in enumerate(s.values) if v is not None]
    parts = []
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
    parts.extend(
        f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}"/>' for px, py in points
    )
    ly = HEIGHT + 18 * n + 4
    parts.append(
        f'<rect x="{LEFT}" y="{ly}" width="12" height="12" fill="{color}"/>'
        f'<text x="{LEFT + 18}" y="{ly + 11}" font-size="13" fill="#1b1f24">'
        f"{escape(s.name)}</text>"
    )
    return parts


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    unit: str = "",
    number: Number = _plain,
) -> Markup:
    """An accessible SVG: a title, a description listing every value, axes, a legend.
    `chart_id` keeps the ids of two charts on one page apart; `number` writes a value in the
    reader's locale ("37,5" in Vietnamese)."""
    top = _nice_max(max((v for s in series for v in s.values if v is not None), default=0.0))
    frame = Frame(top, len(labels))
    height = HEIGHT + 18 * len(series)
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{cid}-t {cid}-d">',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(_description(labels, series, unit, number))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        *_axes(frame, labels, unit, number),
    ]
    for n, s in enumerate(series):
        parts.extend(_line(frame, n, s))
    parts.append("</svg>")
    return Markup("".join(parts))


BAR_WIDTH, BAR_ROW = 360, 40  # narrow: on a phone the words stay readable, not scaled down


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    number: Number = _plain,
    most: float | None = None,
) -> Markup:
    """Horizontal bars, each under its label with its value at its end (a ranking of unions,
    a share of members): an accessible SVG with every value in its description. `most`: the
    value of a full bar (the largest value without it)."""
    top = most or max((v for _label, v in bars), default=0.0) or 1.0
    height = BAR_ROW * len(bars) + 8
    cid = escape(chart_id)
    described = "; ".join(f"{label}: {number(v)}" for label, v in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BAR_WIDTH} {height}" '
        f'role="img" aria-labelledby="{cid}-t {cid}-d">',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(described)}</desc>',
        f'<rect x="0" y="0" width="{BAR_WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    room = BAR_WIDTH - 70  # the value's words after the longest bar
    for n, (label, value) in enumerate(bars):
        y = BAR_ROW * n + 4
        width = max(0.0, min(value / top, 1.0)) * room
        shown = label if len(label) <= 52 else label[:51] + "…"
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12" fill="#1b1f24">{escape(shown)}</text>'
            f'<rect x="0" y="{y + 17}" width="{width:.1f}" height="14" rx="2" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{width + 4:.1f}" y="{y + 29}" font-size="12" fill="#1b1f24">'
            f"{escape(number(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
