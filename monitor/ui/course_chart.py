"""The course's symptom trend: the PHQ-9 and PCL-5 totals of each session on one chart
(PHQ-9 on the left axis, 0–27; PCL-5 on the right, 0–80), with each scale's remission line
and its response line (the first total less the configured drop) drawn and named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from monitor.domain.vocabulary import Questionnaire
from monitor.ui.figures import GRID, INK

if TYPE_CHECKING:
    from monitor.domain.treatment_response import ScaleProgress
    from monitor.services.course_record import ScoreRow

# Each scale: its axis, its range and its colour (with its name beside every line).
SCALES: dict[Questionnaire, tuple[str, int, str]] = {
    Questionnaire.PHQ9: ("y", 27, "#74c0fc"),
    Questionnaire.PCL5: ("y2", 80, "#ffa94d"),
}
NO_SCORES = "No PHQ-9 or PCL-5 yet"


def _label(sequence: int | None, session_id: int) -> str:
    return f"Session {sequence}" if sequence is not None else f"Session #{session_id}"


def course_trend(
    scores: Sequence[ScoreRow], progress: Sequence[ScaleProgress], planned: int
) -> go.Figure:
    """Totals per session k (x: "Session 1" … "Session N"), each scale's thresholds as
    dashed (response) and dotted (remission) lines on its own axis."""
    figure = go.Figure()
    sessions = [f"Session {k}" for k in range(1, planned + 1)]
    for s in scores:
        label = _label(s.sequence, s.session_id)
        if label not in sessions:
            sessions.append(label)
    for p in progress:
        axis, top, colour = SCALES[p.questionnaire]
        mine = [s for s in scores if s.questionnaire == p.questionnaire]
        name = p.questionnaire.label
        figure.add_trace(
            go.Scatter(
                x=[_label(s.sequence, s.session_id) for s in mine],
                y=[s.total for s in mine],
                name=f"{name} total",
                yaxis=axis,
                mode="lines+markers+text",
                text=[str(s.total) for s in mine],
                # PHQ-9's numbers above its points, PCL-5's below: two totals of one session
                # never print over each other.
                textposition="top center" if axis == "y" else "bottom center",
                line={"color": colour, "width": 2},
                marker={"size": 9},
            )
        )
        lines: list[tuple[float, str, str]] = [
            (p.remission_below, f"{name} remission: below {p.remission_below}", "dot")
        ]
        if p.response_line is not None:
            lines.append((p.response_line, f"{name} response: {p.response_line:g} or less", "dash"))
        for value, words, dash in lines:
            figure.add_trace(
                go.Scatter(
                    x=[sessions[0], sessions[-1]],
                    y=[value, value],
                    name=words,
                    yaxis=axis,
                    mode="lines",
                    line={"color": colour, "width": 1, "dash": dash},
                    hoverinfo="name",
                )
            )
    figure.update_layout(
        margin={"l": 40, "r": 40, "t": 24, "b": 30},
        height=320,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.2},
        xaxis={"type": "category", "categoryarray": sessions, "gridcolor": GRID},
        yaxis={
            "title": {"text": "PHQ-9 total"},
            "range": [0, SCALES[Questionnaire.PHQ9][1] + 1],
            "dtick": 5,  # the severity bands' steps
        },
        yaxis2={
            "title": {"text": "PCL-5 total"},
            "overlaying": "y",
            "side": "right",
            "range": [0, SCALES[Questionnaire.PCL5][1] + 3],
            "dtick": 10,  # whole tens, not the 14.8, 29.6 … plotly chose to align the grids
            "showgrid": False,
        },
        uirevision="course",
    )
    if not scores:
        figure.add_annotation(
            text=NO_SCORES,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"color": INK, "size": 16},
        )
    return figure
