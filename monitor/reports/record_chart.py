"""The discharge record's trend chart (reportlab graphics): blood pressure and heart rate,
SpO2 on its own fixed range, against minutes from the start of dosing, each reading that
crossed a limit marked once in its highest priority's ink, and the pump's start, pauses
and stop; what was given and what happened numbered above the vitals and listed under the
chart (monitor/reports/chart_marks.py). Drawn for the PDF alone; the screens' chart is
monitor/ui/figures.py."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from monitor.db.queries import FullRecord, ReadingRow
from monitor.domain.chart_scale import (
    EMPTY_WINDOW_MINUTES,
    MIN_WINDOW_MINUTES,
    minute_axis,
    spo2_axis,
)
from monitor.domain.priority import DRAWING_ORDER, priority_by_reading
from monitor.domain.vocabulary import InfusionEvent, Measure, Priority
from monitor.reports import chart_marks
from monitor.reports.chart_marks import MARK_SHAPES, MARKER_INK

SERIES = (
    (Measure.SYSTOLIC, "Systolic", colors.HexColor("#c92a2a")),
    (Measure.DIASTOLIC, "Diastolic", colors.HexColor("#e8590c")),
    (Measure.HEART_RATE, "HR", colors.HexColor("#1971c2")),
)
SPO2_COLOUR = colors.HexColor("#2b8a3e")
GRID_INK = colors.HexColor("#dee2e6")
# Each priority's ink on the printed chart: the screens' colours (monitor/ui/figures.py),
# beside the priority's word in the legend, never colour alone.
PRIORITY_INK: dict[Priority, colors.Color] = {
    Priority.HIGH: colors.HexColor("#e03131"),
    Priority.MEDIUM: colors.HexColor("#f5c518"),
    Priority.LOW: colors.HexColor("#22b8cf"),
}
# Rows of numbered marks the lane holds under the legend before the drawing grows taller.
LANE_ROOM = 3


class _Panel:
    """One plotting area of the trend drawing: maps minutes and values to points."""

    def __init__(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        xs: tuple[float, float],
        ys: tuple[float, float],
    ) -> None:
        self.x, self.y, self.width, self.height = x, y, width, height
        self.xs, self.ys = xs, ys

    def px(self, minutes: float) -> float:
        lo, hi = self.xs
        return self.x + (minutes - lo) / (hi - lo) * self.width

    def py(self, value: float) -> float:
        lo, hi = self.ys
        return self.y + (value - lo) / (hi - lo) * self.height

    def frame(self, drawing: Drawing, ticks: Sequence[float], y_step: float, unit: str) -> None:
        drawing.add(
            Rect(
                self.x,
                self.y,
                self.width,
                self.height,
                fillColor=None,
                strokeColor=colors.grey,
                strokeWidth=0.5,
            )
        )
        for minute in ticks:
            x = self.px(minute)
            drawing.add(_grid_line(x, self.y, x, self.y + self.height))
        lo, hi = self.ys
        value = lo
        while value <= hi + 1e-9:
            y = self.py(value)
            drawing.add(_grid_line(self.x, y, self.x + self.width, y))
            drawing.add(String(self.x - 2, y - 2.5, f"{value:g}", fontSize=6, textAnchor="end"))
            value += y_step
        drawing.add(String(self.x, self.y + self.height + 3, unit, fontSize=6, textAnchor="start"))

    def series(self, drawing: Drawing, points: list[tuple[float, float]], colour: Any) -> None:
        coords = [(self.px(m), self.py(v)) for m, v in points]
        if len(coords) >= 2:  # a polyline needs two points; one reading is a dot alone
            drawing.add(
                PolyLine([c for xy in coords for c in xy], strokeColor=colour, strokeWidth=1.2)
            )
        for x, y in coords:
            drawing.add(Circle(x, y, 1.3, fillColor=colour, strokeColor=colour, strokeWidth=0.3))


def _triangle(x: float, y: float, colour: Any) -> Polygon:
    """A downward triangle whose tip is at (x, y)."""
    return Polygon(
        [x, y, x - 3, y + 5, x + 3, y + 5],
        fillColor=colour,
        strokeColor=colors.black,
        strokeWidth=0.4,
    )


def record_chart(
    record: FullRecord, spo2_range: tuple[float, float] = (80.0, 100.0), *, zone: ZoneInfo
) -> Drawing:
    """BP and heart rate, and SpO2 on its fixed range, against minutes from the start of
    dosing; each reading that crossed a limit marked once in its highest priority's colour
    (high drawn last); start, stop and pauses shown; what was given and what happened
    numbered in a lane above the vitals and listed under the chart (times in `zone`)."""
    snapshot = record.snapshot
    header = snapshot.header
    start = header.infusion_started_at or header.opened_at
    readings = snapshot.readings

    def minutes(moment: datetime) -> float:
        return (moment - start).total_seconds() / 60

    moments = [minutes(r.taken_at) for r in readings] + [
        minutes(e.occurred_at) for e in snapshot.events
    ]
    moments += [minutes(m.at) for m in snapshot.markers]
    if moments:
        lo, hi, step = minute_axis(min(moments), max(moments), minimum=MIN_WINDOW_MINUTES)
    else:
        lo, hi, step = minute_axis(0, 0, minimum=EMPTY_WINDOW_MINUTES)
    ticks = [lo + i * step for i in range(round((hi - lo) / step) + 1)]
    top = priority_by_reading((x.reading_id, x.priority) for x in snapshot.excursions)
    vitals_top = max([220] + [_mark_height(r) + 8 for r in readings])
    # Room for the list under the chart, and for lane rows beyond the three that fit.
    markers = snapshot.markers
    below = chart_marks.list_height(markers, zone, width=150 * mm) + (4 * mm if markers else 0)
    lane_y = below + 80 * mm
    x_of = _Panel(14 * mm, 0, 150 * mm, 1, (lo, hi), (0, 1)).px
    lane = chart_marks.lane_layout(markers, lambda at: x_of(minutes(at)), lane_y=lane_y)
    above = max(0, chart_marks.lane_rows(lane, lane_y) - LANE_ROOM) * chart_marks.LANE_ROW
    drawing = Drawing(180 * mm, 100 * mm + below + above)
    vitals = _Panel(
        14 * mm,
        below + 34 * mm,
        150 * mm,
        42 * mm,
        (lo, hi),
        (0, math.ceil(vitals_top / 40) * 40),
    )
    spo2 = _Panel(
        14 * mm,
        below + 9 * mm,
        150 * mm,
        18 * mm,
        (lo, hi),
        spo2_axis([r.spo2 for r in readings], spo2_range),
    )
    vitals.frame(drawing, ticks, 40, "mmHg · /min")
    spo2_span = spo2.ys[1] - spo2.ys[0]
    spo2.frame(drawing, ticks, 5 if spo2_span <= 25 else 10, "SpO2 %")
    for minute in ticks:
        drawing.add(
            String(spo2.px(minute), spo2.y - 8, f"{minute:g} min", fontSize=6, textAnchor="middle")
        )
    _shade_pauses(drawing, record, (vitals, spo2), minutes)
    if not readings:
        drawing.add(
            String(
                vitals.x + vitals.width / 2,
                vitals.y + vitals.height / 2,
                "No readings yet",
                fontSize=11,
                textAnchor="middle",
                fillColor=colors.grey,
            )
        )
    for field, _, colour in SERIES:
        vitals.series(drawing, [(minutes(r.taken_at), getattr(r, field)) for r in readings], colour)
    spo2.series(drawing, [(minutes(r.taken_at), r.spo2) for r in readings], SPO2_COLOUR)
    for priority in DRAWING_ORDER:  # lowest first: a high mark is drawn last, on top
        for r in readings:
            if top.get(r.id) == priority:
                x, y = vitals.px(minutes(r.taken_at)), vitals.py(_mark_height(r) + 4)
                drawing.add(_triangle(x, y, PRIORITY_INK[priority]))
    for moment, label in (
        (header.infusion_started_at, InfusionEvent.START.value),
        (header.infusion_stopped_at, InfusionEvent.STOP.value),
    ):
        if moment is None:
            continue
        x = vitals.px(minutes(moment))
        for panel in (vitals, spo2):
            drawing.add(
                Line(
                    x,
                    panel.y,
                    x,
                    panel.y + panel.height,
                    strokeColor=colors.grey,
                    strokeDashArray=[2, 2],
                )
            )
        near_right = x > vitals.x + vitals.width - 20
        drawing.add(
            String(
                x - 2 if near_right else x + 2,
                vitals.y + vitals.height - 7,
                label,
                fontSize=7,
                textAnchor="end" if near_right else "start",
            )
        )
    if markers:
        drawing.add(String(vitals.x, below - 1, "Given and happened", fontSize=6))
        chart_marks.draw(drawing, lane, chart_marks.LANE_FONT_SIZE)
        listed = chart_marks.list_layout(
            markers, zone, left=vitals.x, right=vitals.x + vitals.width, top=below - 4 * mm
        )
        chart_marks.draw(drawing, listed, chart_marks.LIST_FONT_SIZE)
    _legend(
        drawing,
        40 * mm,
        below + above + 96 * mm,
        present=set(top.values()),
        kinds={m.kind for m in markers},
    )
    return drawing


def _mark_height(r: ReadingRow) -> float:
    return float(max(r.systolic, r.diastolic, r.heart_rate))


def _shade_pauses(
    drawing: Drawing, record: FullRecord, panels: Sequence[_Panel], minutes: Any
) -> None:
    paused_at: datetime | None = None
    for event in record.snapshot.events:
        if event.kind == InfusionEvent.PAUSE:
            paused_at = event.occurred_at
        elif event.kind in (InfusionEvent.RESUME, InfusionEvent.STOP) and paused_at is not None:
            for panel in panels:
                x0, x1 = panel.px(minutes(paused_at)), panel.px(minutes(event.occurred_at))
                drawing.add(
                    Rect(
                        x0,
                        panel.y,
                        max(x1 - x0, 0.5),
                        panel.height,
                        strokeColor=None,
                        fillColor=colors.Color(0.5, 0.5, 0.5, alpha=0.18),
                    )
                )
            paused_at = None


def _legend(
    drawing: Drawing,
    x: float,
    y: float,
    *,
    present: set[Any],
    kinds: frozenset[str] | set[str] = frozenset(),
) -> None:
    entries: list[tuple[str, Any, Any]] = [(name, colour, None) for _, name, colour in SERIES]
    entries.append(("SpO2", SPO2_COLOUR, None))
    entries += [
        (f"{p.value} excursion", PRIORITY_INK[p], _triangle)
        for p in reversed(DRAWING_ORDER)
        if p in present
    ]
    # what was given and what happened: a line of its own, under the first
    lane = [
        (name, ink, MARK_SHAPES[kind]) for kind, (name, ink) in MARKER_INK.items() if kind in kinds
    ]
    _legend_line(drawing, x, y, entries)
    _legend_line(drawing, x, y - 4 * mm, lane)


def _legend_line(
    drawing: Drawing, x: float, y: float, entries: Sequence[tuple[str, Any, Any]]
) -> None:
    for name, colour, shape in entries:
        if shape is _triangle:
            drawing.add(_triangle(x + 4, y - 1, colour))
        elif shape is not None:
            drawing.add(shape(x + 4, y + 1.5, colour))
        else:
            drawing.add(Line(x, y + 1.5, x + 8, y + 1.5, strokeColor=colour, strokeWidth=1.5))
        drawing.add(String(x + 10, y, name, fontSize=7))
        x += 10 + 4.2 * len(name) + 8


def _grid_line(x1: float, y1: float, x2: float, y2: float) -> Line:
    """A chart's faint grid line, a minute or a value step apart."""
    return Line(x1, y1, x2, y2, strokeColor=GRID_INK, strokeWidth=0.3)
