"""The charts tell the truth: one mark per reading at its highest priority with red on top,
SpO2 on its fixed range, round time ticks, and an honest empty chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import pytest

from monitor.db.queries import (
    AcknowledgementRow,
    EventRow,
    ExcursionRow,
    FullRecord,
    ReadingRow,
    SessionHeader,
    SessionSnapshot,
)
from monitor.domain.vocabulary import Priority
from monitor.ui.figures import NO_READINGS, PRIORITY_COLOURS, session_timeline, session_trend

ZONE = ZoneInfo("America/Denver")
T0 = datetime(2026, 3, 2, 9, 27, 13, tzinfo=ZoneInfo("UTC"))  # 02:27:13 in Denver


def reading(rid: int, minute: float, systolic: int = 120, spo2: int = 98) -> ReadingRow:
    at = T0 + timedelta(minutes=minute)
    return ReadingRow(rid, "infusion", at, systolic, 80, 72, spo2, 14, None, 5, "Nurse")


def excursion(xid: int, rid: int, priority: str, message: str = "") -> ExcursionRow:
    return ExcursionRow(xid, rid, priority, priority, priority, message or priority, T0)


def header() -> SessionHeader:
    return SessionHeader(
        1, 1, "T-1", "Pat Family", "PF", date(1980, 1, 1), "Chair 1", "iv", "IV", "infusing",
        T0, T0, None, None, 70, 0.5, 35, 1, 52.5, 40,
    )  # fmt: skip


def record(
    readings: list[ReadingRow],
    excursions: Sequence[ExcursionRow] = (),
    acks: dict[int, AcknowledgementRow] | None = None,
) -> FullRecord:
    snap = SessionSnapshot(header(), tuple(readings), (), (), tuple(excursions))
    return FullRecord(snap, acks or {}, (), (), ())


def marks(figure: go.Figure) -> list[Any]:
    return [t for t in figure.data if t.name and t.name.endswith("excursion")]


# 185/95: severe hypertension (high) with rise over baseline and hypertension (medium);
# reading 3 only medium.
READINGS = [reading(1, 0), reading(2, 10, systolic=185), reading(3, 20, systolic=165)]
EXCURSIONS = [
    excursion(1, 2, "medium", "rise over baseline"),
    excursion(2, 2, "high", "severe hypertension"),
    excursion(3, 2, "medium", "hypertension"),
    excursion(4, 3, "medium", "hypertension"),
]


@pytest.mark.parametrize("chart", ["trend", "timeline"])
def test_one_mark_per_reading_at_its_highest_priority_red_last(chart: str) -> None:
    figure = (
        session_trend(READINGS, [], ZONE, excursions=EXCURSIONS)
        if chart == "trend"
        else session_timeline(record(READINGS, EXCURSIONS), ZONE)
    )
    found = marks(figure)
    assert [t.name for t in found] == ["medium excursion", "high excursion"]
    medium, high = found
    assert high is figure.data[-1]  # drawn last: on top of everything
    assert high.marker.color == PRIORITY_COLOURS[Priority.HIGH] == "#e03131"
    assert medium.marker.color == PRIORITY_COLOURS[Priority.MEDIUM]
    assert list(high.x) == [READINGS[1].taken_at.astimezone(ZONE)]
    assert list(medium.x) == [READINGS[2].taken_at.astimezone(ZONE)]  # not reading 2 again
    assert "severe hypertension" in high.hovertext[0] and "rise over baseline" in high.hovertext[0]
    if chart == "trend":  # above the SpO2 overlay too, which plotly draws over the mmHg axis
        assert high.yaxis == medium.yaxis == "y3"
        assert figure.layout.yaxis3.overlaying == "y" and figure.layout.yaxis3.matches == "y"


def test_timeline_mark_is_filled_only_when_every_excursion_is_acknowledged() -> None:
    ack = AcknowledgementRow(2, "observed", None, "Dr Who", T0)
    figure = session_timeline(record(READINGS, EXCURSIONS, {2: ack}), ZONE)
    high = marks(figure)[-1]
    assert list(high.marker.symbol) == ["triangle-down-open"]  # two mediums still open
    assert "UNACKNOWLEDGED" in high.hovertext[0] and "Dr Who" in high.hovertext[0]
    acks = {i: AcknowledgementRow(i, "observed", None, "Dr Who", T0) for i in (1, 2, 3)}
    figure = session_timeline(record(READINGS, EXCURSIONS, acks), ZONE)
    assert list(marks(figure)[-1].marker.symbol) == ["triangle-down"]


def test_spo2_on_the_fixed_range() -> None:
    calm = [reading(1, 0, spo2=97), reading(2, 5, spo2=98)]
    assert list(session_trend(calm, [], ZONE).layout.yaxis2.range) == [80, 100]
    assert list(session_trend(calm, [], ZONE, spo2_range=(85, 100)).layout.yaxis2.range) == [
        85,
        100,
    ]
    timeline = session_timeline(record(calm), ZONE)
    assert list(timeline.layout.yaxis2.range) == [80, 100]


def test_a_desaturation_below_the_range_is_never_clipped() -> None:
    low = [reading(1, 0, spo2=97), reading(2, 5, spo2=72)]
    assert list(session_trend(low, [], ZONE).layout.yaxis2.range) == [70, 100]
    assert list(session_timeline(record(low), ZONE).layout.yaxis2.range) == [70, 100]


def tick_labels(axis: Any) -> list[str]:
    start = datetime.fromisoformat(str(axis.range[0]))
    end = datetime.fromisoformat(str(axis.range[1]))
    step = timedelta(milliseconds=axis.dtick)
    assert datetime.fromisoformat(str(axis.tick0)) == start
    labels, at = [], start
    while at <= end:
        labels.append(at.strftime(axis.tickformat))
        at += step
    return labels


@pytest.mark.parametrize(
    ("minutes", "step", "first_labels"),
    [(3, 5, ["02:25", "02:30", "02:35"]), (180, 30, ["02:00", "02:30", "03:00"])],
)
def test_clean_time_ticks(minutes: int, step: int, first_labels: list[str]) -> None:
    readings = [reading(1, 0), reading(2, minutes)]
    for figure in (session_trend(readings, [], ZONE), session_timeline(record(readings), ZONE)):
        axis = figure.layout.xaxis
        assert axis.tickformat == "%H:%M" and axis.dtick == step * 60_000
        labels = tick_labels(axis)
        assert labels[:3] == first_labels
        assert len(labels) == len(set(labels)) and len(labels) <= 9


def test_an_empty_chart_says_so_over_the_first_hour() -> None:
    for figure in (
        session_trend([], [], ZONE, opened_at=T0),
        session_timeline(record([]), ZONE),
    ):
        assert NO_READINGS in [a.text for a in figure.layout.annotations]
        assert figure.layout.yaxis.visible is False and figure.layout.xaxis.type == "date"
        start, end = (datetime.fromisoformat(str(v)) for v in figure.layout.xaxis.range)
        assert start <= T0 and end - start >= timedelta(minutes=60)


def test_an_empty_trend_with_no_start_hides_the_time_axis() -> None:
    figure = session_trend([], [], ZONE)
    assert figure.layout.xaxis.showticklabels is False
    assert NO_READINGS in [a.text for a in figure.layout.annotations]


def test_infusion_events_widen_the_window() -> None:
    stop = EventRow(1, "stop", T0 + timedelta(minutes=50), 52.5, None)
    figure = session_trend([reading(1, 0)], [stop], ZONE)
    end = datetime.fromisoformat(str(figure.layout.xaxis.range[1]))
    assert end >= stop.occurred_at
