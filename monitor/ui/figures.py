"""Data to plotly figures; pure functions of what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from plotly.subplots import make_subplots


class ReadingRow(Protocol):
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


class EventRow(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...


# Readable on the low-light and the light theme alike.
INK = "#9aa7b8"
GRID = "rgba(154,167,184,0.18)"
COLOURS = {
    "systolic": "#ff6b6b",
    "diastolic": "#ffa8a8",
    "heart_rate": "#74c0fc",
    "spo2": "#8ce99a",
}


def session_trend(
    readings: Sequence[ReadingRow], events: Sequence[EventRow], zone: ZoneInfo
) -> go.Figure:
    """BP, HR and SpO2 over the session, with infusion start, pauses and stop marked."""
    figure = go.Figure()
    times = [r.taken_at.astimezone(zone) for r in readings]
    series = (
        ("systolic", "Systolic mmHg", "y"),
        ("diastolic", "Diastolic mmHg", "y"),
        ("heart_rate", "HR /min", "y"),
        ("spo2", "SpO2 %", "y2"),
    )
    for field, name, axis in series:
        figure.add_trace(
            go.Scatter(
                x=times,
                y=[getattr(r, field) for r in readings],
                name=name,
                yaxis=axis,
                mode="lines+markers",
                line={"color": COLOURS[field], "width": 2},
                marker={"size": 7},
            )
        )
    _mark_events(figure, events, zone)
    figure.update_layout(
        margin={"l": 40, "r": 40, "t": 24, "b": 30},
        height=300,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.18},
        xaxis={"gridcolor": GRID, "tickformat": "%H:%M"},
        yaxis={"gridcolor": GRID, "title": {"text": "mmHg · /min"}, "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [70, 100],
            "dtick": 5,
            "showgrid": False,
            "title": {"text": "SpO2 %"},
        },
        uirevision="session",
    )
    return figure


PRIORITY_COLOURS = {"high": "#e03131", "medium": "#f5c518", "low": "#22b8cf"}


def session_timeline(record: Any, zone: ZoneInfo) -> go.Figure:
    """The whole session: vitals, SpO2, MOAA/S and CADSS on one time axis, with infusion
    events, and each excursion marked (filled once acknowledged, open while not)."""
    snap = record.snapshot
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        row_heights=[0.5, 0.2, 0.3],
        subplot_titles=("BP mmHg · HR /min", "SpO2 %", "MOAA/S · CADSS"),
    )
    times = [r.taken_at.astimezone(zone) for r in snap.readings]
    for field, name, row in (
        ("systolic", "Systolic", 1),
        ("diastolic", "Diastolic", 1),
        ("heart_rate", "HR", 1),
        ("spo2", "SpO2", 2),
    ):
        figure.add_trace(
            go.Scatter(
                x=times,
                y=[getattr(r, field) for r in snap.readings],
                name=name,
                mode="lines+markers",
                line={"color": COLOURS[field]},
            ),
            row=row,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=times,
            y=[r.moaas for r in snap.readings],
            name="MOAA/S",
            mode="lines+markers",
            line={"shape": "hv", "color": "#b197fc"},
        ),
        row=3,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=[r.taken_at.astimezone(zone) for r in snap.ratings],
            y=[r.total for r in snap.ratings],
            name="CADSS total",
            mode="markers+text",
            text=[str(r.total) for r in snap.ratings],
            textposition="top center",
            marker={"symbol": "diamond", "size": 11, "color": "#ffa94d"},
        ),
        row=3,
        col=1,
    )
    by_reading = {r.id: r for r in snap.readings}
    for priority in ("high", "medium", "low"):
        marks = [
            x for x in snap.excursions if x.priority == priority and x.reading_id in by_reading
        ]
        if not marks:
            continue
        acked = [record.acknowledgements.get(x.id) for x in marks]
        figure.add_trace(
            go.Scatter(
                x=[by_reading[x.reading_id].taken_at.astimezone(zone) for x in marks],
                y=[by_reading[x.reading_id].systolic + 8 for x in marks],
                name=f"{priority} excursion",
                mode="markers",
                marker={
                    "symbol": ["triangle-down" if a else "triangle-down-open" for a in acked],
                    "size": 14,
                    "color": PRIORITY_COLOURS[priority],
                    "line": {"width": 2, "color": PRIORITY_COLOURS[priority]},
                },
                hovertext=[
                    f"{x.message}<br>"
                    + (f"acknowledged by {a.by}: {a.action}" if a else "UNACKNOWLEDGED")
                    for x, a in zip(marks, acked, strict=True)
                ],
                hoverinfo="text",
            ),
            row=1,
            col=1,
        )
    _mark_events(figure, snap.events, zone)
    figure.update_layout(
        height=620,
        margin={"l": 50, "r": 20, "t": 40, "b": 30},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.08},
        uirevision="timeline",
    )
    figure.update_xaxes(gridcolor=GRID, tickformat="%H:%M")
    figure.update_yaxes(gridcolor=GRID)
    return figure


def _mark_events(figure: go.Figure, events: Sequence[EventRow], zone: ZoneInfo) -> None:
    pause_start = None
    for event in events:
        at = event.occurred_at.astimezone(zone)
        if event.kind in ("start", "stop"):
            figure.add_vline(x=at, line={"color": INK, "dash": "dash", "width": 1})
            figure.add_annotation(
                x=at,
                y=1.0,
                yref="paper",
                showarrow=False,
                yanchor="bottom",
                text="infusion start" if event.kind == "start" else "stop",
                font={"color": INK, "size": 11},
            )
        elif event.kind == "pause":
            pause_start = at
        elif event.kind == "resume" and pause_start is not None:
            figure.add_vrect(x0=pause_start, x1=at, fillcolor=INK, opacity=0.15, line_width=0)
            pause_start = None
