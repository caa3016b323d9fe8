"""Chart scales: SpO2 fixed but never clipping; round ticks that never repeat a label."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.chart_scale import (
    MAX_TICKS,
    minute_axis,
    spo2_axis,
    time_window,
)

ZONE = ZoneInfo("America/Denver")
AT = datetime(2026, 3, 2, 2, 27, 13, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], (80, 100)),
        ([97, 98], (80, 100)),  # a one-point change stays a one-point change
        ([80, 100], (80, 100)),  # on the edges: no widening
        ([79], (75, 100)),  # a desaturation below the range widens it, never clipped
        ([72, 98], (70, 100)),
        ([50], (50, 100)),
    ],
)
def test_spo2_axis(values: list[float], expected: tuple[float, float]) -> None:
    assert spo2_axis(values, (80, 100)) == expected


def test_spo2_axis_follows_the_configured_range() -> None:
    assert spo2_axis([96], (85, 100)) == (85, 100)
    assert spo2_axis([99], (70, 95)) == (70, 100)


@pytest.mark.parametrize(
    ("span", "step"),
    [(3, 5), (34, 5), (35, 10), (41, 10), (70, 15), (81, 15), (120, 30), (200, 30), (240, 60)],
)
def test_the_step_grows_with_the_span(span: float, step: int) -> None:
    assert minute_axis(0, span, minimum=0)[2] == step


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (147.2, 150.2, (145, 180, 5)),  # 3 minutes: at least 30 on 5-minute ticks
        (147.2, 327.2, (120, 360, 30)),  # 3 hours: 30-minute ticks, 327 not on the edge
        (0, 0, (-5, 30, 5)),  # a point on a tick is not left on the edge
        (-10, 125, (-30, 150, 30)),  # before dosing start too
    ],
)
def test_minute_axis(first: float, last: float, expected: tuple[float, float, int]) -> None:
    start, end, step = minute_axis(first, last, minimum=30)
    assert (start, end, step) == expected
    assert start < first and end > last and (end - start) / step <= MAX_TICKS


@pytest.mark.parametrize("minutes", [0, 1, 3, 29, 45, 90, 180, 360, 600])
def test_time_window_ticks_are_distinct_and_round(minutes: int) -> None:
    window = time_window([AT, AT + timedelta(minutes=minutes)])
    assert window is not None
    labels = [t.strftime("%H:%M") for t in window.ticks]
    assert len(labels) == len(set(labels)), labels  # never "02:27" twice
    assert 2 <= len(labels) <= MAX_TICKS + 1
    assert all(
        t.minute % window.step_minutes == 0 or window.step_minutes >= 60 for t in window.ticks
    )
    assert window.start <= AT and window.end >= AT + timedelta(minutes=minutes)
    assert window.end - window.start >= timedelta(minutes=30)


def test_a_three_minute_session() -> None:
    window = time_window([AT, AT + timedelta(minutes=3)])
    assert window is not None and window.step_minutes == 5
    assert window.start == datetime(2026, 3, 2, 2, 25, tzinfo=ZONE)
    assert [t.strftime("%H:%M") for t in window.ticks][:3] == ["02:25", "02:30", "02:35"]


def test_a_three_hour_session() -> None:
    window = time_window([AT, AT + timedelta(hours=3)])
    assert window is not None and window.step_minutes == 30
    assert window.start == datetime(2026, 3, 2, 2, 0, tzinfo=ZONE)
    assert window.end == datetime(2026, 3, 2, 6, 0, tzinfo=ZONE)


def test_an_empty_session_shows_its_first_hour() -> None:
    window = time_window([], fallback_start=AT)
    assert window is not None
    assert window.start == datetime(2026, 3, 2, 2, 20, tzinfo=ZONE)
    assert window.end >= AT + timedelta(minutes=60)
    assert time_window([]) is None
