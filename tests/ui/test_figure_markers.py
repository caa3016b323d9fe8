"""Adverse events and medications on the bedside trend and the record's timeline: a shape
and a colour of their own, the words on hover, in a lane above the readings (so no mark
covers one); no lane when there is nothing to mark."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import plotly.graph_objects as go
import pytest

from monitor.db.queries.snapshot import ADVERSE_EVENT, MEDICATION, MarkerRow
from monitor.ui.figures import (
    MARKER_STYLES,
    MEASURE_COLOURS,
    PRIORITY_COLOURS,
    session_timeline,
    session_trend,
)
from tests.ui.test_figures import EXCURSIONS, READINGS, T0, ZONE, record

MARKERS = (
    MarkerRow(ADVERSE_EVENT, 1, T0 + timedelta(minutes=5), "Nausea", "mild", False, *[None] * 3),
    MarkerRow(MEDICATION, 1, T0 + timedelta(minutes=7), "Ondansetron", None, None, 4, "mg", "iv"),
    MarkerRow(
        ADVERSE_EVENT, 2, T0 + timedelta(minutes=9), "Vomiting", "moderate", True, *[None] * 3
    ),
)


def _chart(kind: str, markers: tuple[MarkerRow, ...]) -> go.Figure:
    if kind == "trend":
        return session_trend(READINGS, [], ZONE, excursions=EXCURSIONS, markers=markers)
    full = record(READINGS, EXCURSIONS)
    return session_timeline(replace(full, snapshot=replace(full.snapshot, markers=markers)), ZONE)


@pytest.mark.parametrize("kind", ["trend", "timeline"])
def test_marks_have_their_own_shape_colour_and_words(kind: str) -> None:
    figure = _chart(kind, MARKERS)
    lane = {t.name: t for t in figure.data if t.yaxis == "y4"}
    events, given = lane["Adverse event (onset)"], lane["Medication given"]
    assert list(events.hovertext) == [
        "02:32 Nausea (Grade 1: mild)",
        "02:36 Vomiting (Grade 2: moderate, serious)",
    ]
    assert list(given.hovertext) == ["02:34 Ondansetron 4 mg IV"]
    others = [t for t in figure.data if t.yaxis != "y4" and t.marker.symbol is not None]
    other_symbols = {
        s
        for t in others
        for s in ([t.marker.symbol] if isinstance(t.marker.symbol, str) else t.marker.symbol)
    }
    assert {events.marker.symbol, given.marker.symbol}.isdisjoint(other_symbols)
    assert events.marker.symbol != given.marker.symbol
    used = {*PRIORITY_COLOURS.values(), *MEASURE_COLOURS.values()}
    assert {events.marker.color, given.marker.color}.isdisjoint(used)


@pytest.mark.parametrize("kind", ["trend", "timeline"])
def test_the_lane_never_covers_a_reading(kind: str) -> None:
    figure = _chart(kind, MARKERS)
    lane_low, lane_high = figure.layout.yaxis4.domain
    readings_low, readings_high = figure.layout.yaxis.domain
    assert readings_high < lane_low <= lane_high <= 1
    assert figure.layout.yaxis4.visible is False and figure.layout.yaxis4.fixedrange is True


@pytest.mark.parametrize("kind", ["trend", "timeline"])
def test_no_marks_no_lane(kind: str) -> None:
    figure = _chart(kind, ())
    assert not [t for t in figure.data if t.yaxis == "y4"]
    assert "yaxis4" not in figure.layout.to_plotly_json()


def test_the_marker_styles_name_each_kind() -> None:
    assert set(MARKER_STYLES) == {ADVERSE_EVENT, MEDICATION}
