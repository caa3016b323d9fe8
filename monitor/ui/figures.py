"""Data to plotly figures; pure functions of what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import plotly.graph_objects as go


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
