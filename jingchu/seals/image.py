"""The seal's picture as SVG: a red ring, the organization's name along the upper arc, a
five-pointed star in the middle and the kind's caption beneath it. Plain SVG 1.1 with every
character placed and rotated on its own (no textPath), so browsers, WeasyPrint and printers
draw it alike; no raster library is needed."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

RED = "#d7000f"
FONT = "'SimSun','Songti SC','Noto Serif CJK SC','Source Han Serif SC',serif"
SIZE = 200  # the drawing's own units; width and height in millimetres are given separately
CENTRE = SIZE / 2
RING_OUTER = 96
RING_WIDTH = 5
TEXT_RADIUS = 74
OFFICIAL_MM = 42  # 公章 of a government body: 42 mm across
SPECIAL_MM = 40  # 专用章


def diameter_mm(caption: str) -> int:
    return SPECIAL_MM if caption else OFFICIAL_MM


def star_points(cx: float, cy: float, outer: float, inner: float) -> str:
    """The ten corners of a five-pointed star with one point straight up."""
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def _arc_span(count: int) -> float:
    """Degrees of the upper arc the name takes: wider for longer names, at most 250°."""
    return min(250.0, max(120.0, count * 17.0))


def _arc_text(name: str) -> list[str]:
    chars = [c for c in name.strip() if not c.isspace()] or ["?"]
    count = len(chars)
    span = _arc_span(count)
    step = span / (count - 1) if count > 1 else 0.0
    start = -90 - span / 2
    size = min(30.0, max(14.0, 2 * math.pi * TEXT_RADIUS * span / 360 / count * 0.9))
    parts = []
    for i, char in enumerate(chars):
        deg = start + i * step
        rad = math.radians(deg)
        x = CENTRE + TEXT_RADIUS * math.cos(rad)
        y = CENTRE + TEXT_RADIUS * math.sin(rad)
        parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.1f}" text-anchor="middle" '
            f'dominant-baseline="central" transform="rotate({deg + 90:.2f} {x:.2f} {y:.2f})">'
            f"{escape(char)}</text>"
        )
    return parts


def seal_svg(name: str, caption: str = "", code: str = "") -> str:
    """The SVG document of a seal; `code` (the esID) is printed small along the bottom."""
    mm = diameter_mm(caption)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{mm}mm" height="{mm}mm" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{escape(name, {chr(34): "&quot;"})}">',
        f'<g fill="{RED}" font-family="{FONT}" font-weight="bold">',
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_OUTER - RING_WIDTH / 2}" fill="none" '
        f'stroke="{RED}" stroke-width="{RING_WIDTH}"/>',
        *_arc_text(name),
        f'<polygon points="{star_points(CENTRE, CENTRE, 34, 13)}"/>',
    ]
    if caption:
        parts.append(f'<text x="{CENTRE}" y="{CENTRE + 50}" font-size="17" text-anchor="middle" '
                     f'dominant-baseline="central">{escape(caption)}</text>')
    if code:
        parts.append(f'<text x="{CENTRE}" y="{CENTRE + 74}" font-size="9" text-anchor="middle" '
                     f'dominant-baseline="central" font-weight="normal">{escape(code)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
