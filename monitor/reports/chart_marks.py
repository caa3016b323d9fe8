"""The printed trend's marks of what was given and what happened (issue 13), laid out so no
label covers another: paper has no hover, and several events and doses a minute apart
printed their words on top of each other. So each mark is numbered in the lane above the
vitals (a number beside its star or cross, stacked into rows where marks crowd) and listed
under the chart: "1 ★ Nausea (Grade 1: mild) 14:05", flowing into lines. The lane sits
above the readings, so no mark hides a reading.

The layout is pure arithmetic on label boxes (`Box`), tested for overlap; the drawing code
only places what the layout decided."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from monitor.db.queries.snapshot import ADVERSE_EVENT, MEDICATION, MarkerRow

# Adverse events (a star) and medications given (a cross): the screens' colours
# (monitor/ui/figures.py), darker for white paper.
MARKER_INK: dict[str, tuple[str, colors.Color]] = {
    ADVERSE_EVENT: ("Adverse event", colors.HexColor("#c2255c")),
    MEDICATION: ("Medication given", colors.HexColor("#087f5b")),
}
FONT = "Helvetica"
LANE_FONT_SIZE = 5.5
LIST_FONT_SIZE = 6.0
SHAPE_RADIUS = 3.2  # half the width of a star or a cross
GAP = 2.0  # between two boxes on one row or one line
LANE_ROW = 7.5  # a lane row's height: a mark (6.4) and a little air
LIST_LINE = 8.5  # a list line's height
WORDS_LIMIT = 60  # characters of a mark's words in the list before "…"


@dataclass(frozen=True)
class Box:
    """A label's extent on the drawing, in points."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass(frozen=True)
class Placed:
    """One mark as laid out: its number, where its shape sits and its label's box."""

    number: int
    marker: MarkerRow
    x: float  # the shape's centre
    y: float  # the shape's centre
    text: str
    text_x: float
    text_y: float  # the text's baseline
    box: Box  # the shape and its text together


def numbered(markers: Sequence[MarkerRow]) -> list[tuple[int, MarkerRow]]:
    """The marks numbered 1, 2, … in the order they happened."""
    ordered = sorted(markers, key=lambda m: (m.at, m.kind, m.id))
    return list(enumerate(ordered, start=1))


def _box(x: float, y: float, text: str, size: float) -> tuple[float, Box]:
    """A shape centred on (x, y) with its text after it: the text's x and the whole box."""
    text_x = x + SHAPE_RADIUS + 1
    right = text_x + stringWidth(text, FONT, size)
    return text_x, Box(x - SHAPE_RADIUS, y - SHAPE_RADIUS, right, y + SHAPE_RADIUS)


def lane_layout(
    markers: Sequence[MarkerRow], x_of: Callable[[datetime], float], *, lane_y: float
) -> list[Placed]:
    """Each mark at its own moment, numbered; a mark whose box would touch one already on
    a row goes up to the first row where it fits (as many rows as the crowd needs)."""
    row_ends: list[float] = []
    placed: list[Placed] = []
    for number, m in sorted(numbered(markers), key=lambda nm: (x_of(nm[1].at), nm[0])):
        x, text = x_of(m.at), str(number)
        left = x - SHAPE_RADIUS
        row = next((r for r, end in enumerate(row_ends) if end + GAP <= left), len(row_ends))
        y = lane_y + row * LANE_ROW + SHAPE_RADIUS
        text_x, box = _box(x, y, text, LANE_FONT_SIZE)
        if row == len(row_ends):
            row_ends.append(box.x1)
        row_ends[row] = box.x1
        placed.append(Placed(number, m, x, y, text, text_x, y - 1.8, box))
    return sorted(placed, key=lambda p: p.number)


def lane_rows(placed: Sequence[Placed], lane_y: float) -> int:
    return max((round((p.y - SHAPE_RADIUS - lane_y) / LANE_ROW) + 1 for p in placed), default=0)


def list_words(m: MarkerRow, zone: ZoneInfo) -> str:
    words = m.words if len(m.words) <= WORDS_LIMIT else m.words[: WORDS_LIMIT - 1] + "…"
    return f"{words} {m.at.astimezone(zone):%H:%M}"


def list_layout(
    markers: Sequence[MarkerRow], zone: ZoneInfo, *, left: float, right: float, top: float
) -> list[Placed]:
    """The numbered list under the chart, entries flowing left to right and wrapping at
    the chart's width, line after line downwards from `top`."""
    placed: list[Placed] = []
    x, line = left, 0
    for number, m in numbered(markers):
        text = f"{number} {list_words(m, zone)}"
        width = 2 * SHAPE_RADIUS + 1 + stringWidth(text, FONT, LIST_FONT_SIZE)
        if x > left and x + width > right:
            x, line = left, line + 1
        y = top - line * LIST_LINE - SHAPE_RADIUS
        text_x, box = _box(x + SHAPE_RADIUS, y, text, LIST_FONT_SIZE)
        placed.append(Placed(number, m, x + SHAPE_RADIUS, y, text, text_x, y - 2, box))
        x = box.x1 + 3 * GAP
    return placed


def list_height(markers: Sequence[MarkerRow], zone: ZoneInfo, *, width: float) -> float:
    """How tall the list under the chart is, to make room for it."""
    placed = list_layout(markers, zone, left=0, right=width, top=0)
    return -min((p.box.y0 for p in placed), default=0.0)


def draw(drawing: Drawing, placed: Sequence[Placed], size: float) -> None:
    for p in placed:
        _, ink = MARKER_INK.get(p.marker.kind, (p.marker.kind, colors.black))
        drawing.add(MARK_SHAPES.get(p.marker.kind, cross)(p.x, p.y, ink))
        drawing.add(String(p.text_x, p.text_y, p.text, fontName=FONT, fontSize=size))


def star(x: float, y: float, colour: Any) -> Polygon:
    """A five-pointed star centred on (x, y): an adverse event."""
    points: list[float] = []
    for i in range(10):
        radius = SHAPE_RADIUS if i % 2 == 0 else 1.3
        angle = math.pi / 2 + i * math.pi / 5
        points += [x + radius * math.cos(angle), y + radius * math.sin(angle)]
    return Polygon(points, fillColor=colour, strokeColor=colour, strokeWidth=0.3)


def cross(x: float, y: float, colour: Any) -> Polygon:
    """A plus-shaped cross centred on (x, y): a medication given."""
    a, b = 1.0, 3.0
    outline = [
        (-a, b), (a, b), (a, a), (b, a), (b, -a), (a, -a),
        (a, -b), (-a, -b), (-a, -a), (-b, -a), (-b, a), (-a, a),
    ]  # fmt: skip
    return Polygon(
        [c for dx, dy in outline for c in (x + dx, y + dy)],
        fillColor=colour,
        strokeColor=colour,
        strokeWidth=0.3,
    )


MARK_SHAPES = {ADVERSE_EVENT: star, MEDICATION: cross}
