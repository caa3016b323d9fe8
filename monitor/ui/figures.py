"""Data to plotly figures; pure functions of what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitor.domain.chart_scale import spo2_axis, time_window
from monitor.domain.priority import DRAWING_ORDER, priority_by_reading
from monitor.domain.vocabulary import InfusionEvent, Measure, Priority


class ChartReading(Protocol):
    """What a chart reads of a reading: a stored row of the record, or any alike."""

    @property
    def id(self) -> int: ...
    @property
    def taken_at(self) -> datetime: ...
    @property
    def systolic(self) -> int: ...
    @property
    def diastolic(self) -> int: ...
    @property
    def heart_rate(self) -> int: ...
    @property
    def spo2(self) -> int: ...


class ChartEvent(Protocol):
    """What a chart marks of an infusion event: its kind, at its moment."""

    @property
    def kind(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...


class ChartExcursion(Protocol):
    """What a chart marks of an excursion: the reading it flags, its priority and message."""

    @property
    def id(self) -> int: ...
    @property
    def reading_id(self) -> int: ...
    @property
    def priority(self) -> str: ...
    @property
    def message(self) -> str: ...


class ChartMarker(Protocol):
    """What a chart marks of what was given and what happened (issue 13): an adverse event
    at its onset or a medication when given, with its words for the hover."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def words(self) -> str: ...


# Readable on the low-light and the light theme alike.
INK = "#9aa7b8"
GRID = "rgba(154,167,184,0.18)"
# Each charted measure's line.
MEASURE_COLOURS: dict[Measure, str] = {
    Measure.SYSTOLIC: "#ff6b6b",
    Measure.DIASTOLIC: "#ffa8a8",
    Measure.HEART_RATE: "#74c0fc",
    Measure.SPO2: "#8ce99a",
}
# Each priority's colour on a chart (IEC 60601-1-8: red, yellow, cyan), with its marks and
# its word beside it on every screen, never colour alone.
PRIORITY_COLOURS: dict[Priority, str] = {
    Priority.HIGH: "#e03131",
    Priority.MEDIUM: "#f5c518",
    Priority.LOW: "#22b8cf",
}
# Issue 13: what was given and what happened, each in a shape and a colour no reading or
# excursion mark uses, named in the legend, in a lane of its own above the vitals (so a
# mark never covers a reading). Both colours read on the light and the low-light theme.
MARKER_STYLES: dict[str, tuple[str, str, str]] = {
    # kind: (legend name, plotly symbol, colour)
    "adverse_event": ("Adverse event (onset)", "star", "#f06595"),
    "medication": ("Medication given", "cross", "#20c997"),
}
# The lane's share of the plot's height, at its top, and the gap under it.
MARKER_LANE = 0.12
LANE_GAP = 0.02
DEFAULT_SPO2_RANGE = (80.0, 100.0)
NO_READINGS = "No readings yet"


def session_trend(
    readings: Sequence[ChartReading],
    events: Sequence[ChartEvent],
    zone: ZoneInfo,
    *,
    excursions: Sequence[ChartExcursion] = (),
    spo2_range: tuple[float, float] = DEFAULT_SPO2_RANGE,
    opened_at: datetime | None = None,
    markers: Sequence[ChartMarker] = (),
) -> go.Figure:
    """BP, HR and SpO2 over the session, with infusion start, pauses and stop marked, each
    reading that crossed a limit marked once, in the colour of its highest priority, and
    the adverse events and medications given in a lane above."""
    figure = go.Figure()
    times = [r.taken_at.astimezone(zone) for r in readings]
    series = (
        (Measure.SYSTOLIC, "Systolic mmHg", "y"),
        (Measure.DIASTOLIC, "Diastolic mmHg", "y"),
        (Measure.HEART_RATE, "HR /min", "y"),
        (Measure.SPO2, "SpO2 %", "y2"),
    )
    for field, name, axis in series:
        figure.add_trace(
            go.Scatter(
                x=times,
                y=[getattr(r, field) for r in readings],
                name=name,
                yaxis=axis,
                mode="lines+markers",
                line={"color": MEASURE_COLOURS[field], "width": 2},
                marker={"size": 7},
            )
        )
    for trace in _priority_marks(readings, excursions, zone, acknowledged=None):
        # On an overlay of the mmHg axis drawn above the SpO2 one, so no line hides a mark.
        trace.update(yaxis="y3")
        figure.add_trace(trace)
    _mark_events(figure, events, zone)
    lane = _marker_lane(figure, markers, zone, x_axis="x", y_axis="y4")
    figure.update_layout(
        margin={"l": 40, "r": 40, "t": 24, "b": 30},
        height=300,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.18},
        xaxis={"gridcolor": GRID, **_time_axis(readings, events, zone, opened_at, markers)},
        yaxis={
            "gridcolor": GRID,
            "title": {"text": "mmHg · /min"},
            "rangemode": "tozero",
            "domain": [0, 1 - MARKER_LANE - LANE_GAP if lane else 1],
        },
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": list(spo2_axis([r.spo2 for r in readings], spo2_range)),
            "dtick": 5,
            "showgrid": False,
            "title": {"text": "SpO2 %"},
        },
        yaxis3={"overlaying": "y", "matches": "y", "visible": False},
        uirevision="session",
    )
    if lane:
        figure.update_layout(yaxis4=_lane_axis("x", (1 - MARKER_LANE, 1)))
    if not readings:
        _say_empty(figure)
    return figure


def session_timeline(
    record: Any, zone: ZoneInfo, *, spo2_range: tuple[float, float] = DEFAULT_SPO2_RANGE
) -> go.Figure:
    """The whole session: vitals, SpO2, MOAA/S and CADSS on one time axis, with infusion
    events, and each reading that crossed a limit marked once at its highest priority (filled
    once all its excursions are acknowledged, open while any is not)."""
    snapshot = record.snapshot
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        row_heights=[0.5, 0.2, 0.3],
        subplot_titles=("BP mmHg · HR /min", "SpO2 %", "MOAA/S · CADSS"),
    )
    times = [r.taken_at.astimezone(zone) for r in snapshot.readings]
    for field, name, row in (
        (Measure.SYSTOLIC, "Systolic", 1),
        (Measure.DIASTOLIC, "Diastolic", 1),
        (Measure.HEART_RATE, "HR", 1),
        (Measure.SPO2, "SpO2", 2),
    ):
        figure.add_trace(
            go.Scatter(
                x=times,
                y=[getattr(r, field) for r in snapshot.readings],
                name=name,
                mode="lines+markers",
                line={"color": MEASURE_COLOURS[field]},
            ),
            row=row,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=times,
            y=[r.moaas for r in snapshot.readings],
            name="MOAA/S",
            mode="lines+markers",
            line={"shape": "hv", "color": "#b197fc"},
        ),
        row=3,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=[r.taken_at.astimezone(zone) for r in snapshot.ratings],
            y=[r.total for r in snapshot.ratings],
            name="CADSS total",
            mode="markers+text",
            text=[str(r.total) for r in snapshot.ratings],
            textposition="top center",
            marker={"symbol": "diamond", "size": 11, "color": "#ffa94d"},
        ),
        row=3,
        col=1,
    )
    for trace in _priority_marks(
        snapshot.readings, snapshot.excursions, zone, acknowledged=record.acknowledgements
    ):
        figure.add_trace(trace, row=1, col=1)
    _mark_events(figure, snapshot.events, zone)
    markers = snapshot.markers
    if _marker_lane(figure, markers, zone, x_axis="x", y_axis="y4"):
        # the lane takes the top of the vitals' row, the row itself shrinks under it
        low, high = figure.layout.yaxis.domain
        lane_low = high - (high - low) * MARKER_LANE
        figure.update_layout(
            yaxis={"domain": [low, lane_low - LANE_GAP]},
            yaxis4=_lane_axis("x", (lane_low, high)),
        )
    figure.update_layout(
        height=620,
        margin={"l": 50, "r": 20, "t": 40, "b": 30},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.08},
        uirevision="timeline",
    )
    moments = [*snapshot.readings, *snapshot.ratings]
    figure.update_xaxes(
        gridcolor=GRID,
        **_time_axis(moments, snapshot.events, zone, snapshot.header.opened_at, markers),
    )
    figure.update_yaxes(gridcolor=GRID)
    figure.update_yaxes(rangemode="tozero", row=3, col=1)  # MOAA/S and CADSS from 0
    figure.update_yaxes(
        range=list(spo2_axis([r.spo2 for r in snapshot.readings], spo2_range)),
        dtick=5,
        row=2,
        col=1,
    )
    if not snapshot.readings:
        _say_empty(figure)
    return figure


def _priority_marks(
    readings: Sequence[ChartReading],
    excursions: Sequence[ChartExcursion],
    zone: ZoneInfo,
    *,
    acknowledged: dict[int, Any] | None,
) -> list[go.Scatter]:
    """One marker per reading that raised excursions, in its highest priority's colour; traces
    lowest priority first, so a high (red) mark is drawn last, on top."""
    by_reading = {r.id: r for r in readings}
    own = [x for x in excursions if x.reading_id in by_reading]
    top = priority_by_reading((x.reading_id, x.priority) for x in own)
    traces = []
    for priority in DRAWING_ORDER:
        marked = [by_reading[rid] for rid in by_reading if top.get(rid) == priority]
        if not marked:
            continue
        colour = PRIORITY_COLOURS[priority]
        of = {r.id: [x for x in own if x.reading_id == r.id] for r in marked}
        if acknowledged is None:
            symbols: str | list[str] = "triangle-down"
            hover = ["<br>".join(x.message for x in of[r.id]) for r in marked]
        else:
            symbols = [
                "triangle-down"
                if all(x.id in acknowledged for x in of[r.id])
                else "triangle-down-open"
                for r in marked
            ]
            hover = [
                "<br>".join(
                    f"{x.message}: "
                    + (
                        f"acknowledged by {acknowledged[x.id].by}: {acknowledged[x.id].action}"
                        if x.id in acknowledged
                        else "UNACKNOWLEDGED"
                    )
                    for x in of[r.id]
                )
                for r in marked
            ]
        traces.append(
            go.Scatter(
                x=[r.taken_at.astimezone(zone) for r in marked],
                y=[max(r.systolic, r.diastolic, r.heart_rate) + 8 for r in marked],
                name=f"{priority.value} excursion",
                mode="markers",
                marker={
                    "symbol": symbols,
                    "size": 14,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    return traces


def _time_axis(
    moments: Sequence[Any],
    events: Sequence[ChartEvent],
    zone: ZoneInfo,
    opened_at: datetime | None,
    markers: Sequence[ChartMarker] = (),
) -> dict[str, Any]:
    """Clock-time ticks at a round step chosen from the session's span, never repeating."""
    seen = [m.taken_at.astimezone(zone) for m in moments]
    seen += [e.occurred_at.astimezone(zone) for e in events]
    seen += [m.at.astimezone(zone) for m in markers]
    window = time_window(seen, fallback_start=opened_at.astimezone(zone) if opened_at else None)
    if window is None:
        return {"type": "date", "tickformat": "%H:%M", "showticklabels": False}
    return {
        "type": "date",
        "tickformat": "%H:%M",
        "range": [window.start, window.end],
        "tick0": window.start,
        "dtick": window.step_minutes * 60_000,
    }


def _say_empty(figure: go.Figure) -> None:
    """No readings: say so in the middle of the chart, with no invented value axes."""
    figure.update_yaxes(visible=False)
    figure.update_layout(showlegend=False)
    figure.add_annotation(
        text=NO_READINGS,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"color": INK, "size": 16},
    )


def _mark_events(figure: go.Figure, events: Sequence[ChartEvent], zone: ZoneInfo) -> None:
    pause_start = None
    for event in events:
        at = event.occurred_at.astimezone(zone)
        if event.kind in (InfusionEvent.START, InfusionEvent.STOP):
            figure.add_vline(x=at, line={"color": INK, "dash": "dash", "width": 1})
            figure.add_annotation(
                x=at,
                y=1.0,
                yref="paper",
                showarrow=False,
                yanchor="bottom",
                text="infusion start" if event.kind == InfusionEvent.START else "stop",
                font={"color": INK, "size": 11},
            )
        elif event.kind == InfusionEvent.PAUSE:
            pause_start = at
        elif event.kind == InfusionEvent.RESUME and pause_start is not None:
            figure.add_vrect(x0=pause_start, x1=at, fillcolor=INK, opacity=0.15, line_width=0)
            pause_start = None


def _marker_lane(
    figure: go.Figure,
    markers: Sequence[ChartMarker],
    zone: ZoneInfo,
    *,
    x_axis: str,
    y_axis: str,
) -> bool:
    """One trace per kind (adverse events, medications) in the lane `y_axis`: a distinct
    symbol at each moment, the words and the clinic time on hover. False: nothing to mark
    (the chart keeps its whole height for the readings)."""
    drawn = False
    for row, (kind, (name, symbol, colour)) in enumerate(MARKER_STYLES.items()):
        marked = [m for m in markers if m.kind == kind]
        if not marked:
            continue
        drawn = True
        figure.add_trace(
            go.Scatter(
                x=[m.at.astimezone(zone) for m in marked],
                y=[0.7 - 0.4 * row] * len(marked),  # events above, medications below
                xaxis=x_axis,
                yaxis=y_axis,
                name=name,
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 13,
                    "color": colour,
                    "line": {"width": 1, "color": colour},
                },
                hovertext=[f"{m.at.astimezone(zone):%H:%M} {m.words}" for m in marked],
                hoverinfo="text",
            )
        )
    return drawn


def _lane_axis(anchor: str, domain: tuple[float, float]) -> dict[str, Any]:
    """The marker lane's axis: its own strip of the plot, no values, no zoom."""
    return {
        "domain": list(domain),
        "anchor": anchor,
        "range": [0, 1],
        "visible": False,
        "fixedrange": True,
    }
