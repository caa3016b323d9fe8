"""The dose actually given: rate × running time from the pump's events, at the edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.delivered_dose import (
    DeliveredDose,
    PumpEvent,
    delivered_dose,
    percent_of_planned,
    planned_dose_has_run,
    planned_dose_runs_out_at,
    planned_volume_ml,
)
from monitor.domain.errors import IllegalTransition

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(kind: str, minutes: float, rate: float | None = 60.0) -> PumpEvent:
    return PumpEvent(kind, at(minutes), rate)


def given(events: list[PumpEvent], now: float, concentration: float = 1.0) -> DeliveredDose:
    return delivered_dose(events, concentration_mg_per_ml=concentration, now=at(now))


# (events, now in minutes, expected mL, running minutes, running, stopped)
CASES = {
    "no events": ([], 30, 0.0, 0.0, False, False),
    "start only, at now": ([ev("start", 10)], 10, 0.0, 0.0, True, False),
    "start, running 12 min": ([ev("start", 0)], 12, 12.0, 12.0, True, False),
    "now before the start (clock skew)": ([ev("start", 10)], 5, 0.0, 0.0, True, False),
    "pause then resume": (
        [ev("start", 0), ev("pause", 10), ev("resume", 18)],
        30,
        22.0,
        22.0,
        True,
        False,
    ),
    "paused now": ([ev("start", 0), ev("pause", 10)], 30, 10.0, 10.0, False, False),
    "several rate changes": (
        [ev("start", 0, 60), ev("rate_change", 10, 30), ev("rate_change", 20, 120)],
        25,
        10.0 + 5.0 + 10.0,
        25.0,
        True,
        False,
    ),
    "stop": ([ev("start", 0), ev("stop", 40)], 90, 40.0, 40.0, False, True),
    "pause then stop": (
        [ev("start", 0), ev("pause", 12), ev("stop", 30)],
        90,
        12.0,
        12.0,
        False,
        True,
    ),
    "rate change while paused counts from the resume": (
        [ev("start", 0), ev("pause", 10), ev("rate_change", 12, 30), ev("resume", 20, 30)],
        40,
        10.0 + 10.0,
        30.0,
        True,
        False,
    ),
    "zero-length: start and stop at once": (
        [ev("start", 5), ev("stop", 5)],
        30,
        0.0,
        0.0,
        False,
        True,
    ),
    "out of order: sorted by time": (
        [ev("stop", 40), ev("rate_change", 10, 30), ev("start", 0, 60)],
        60,
        10.0 + 15.0,
        40.0,
        False,
        True,
    ),
}


@pytest.mark.parametrize(
    ("events", "now", "ml", "minutes", "running", "stopped"), CASES.values(), ids=CASES
)
def test_delivered_volume(
    events: list[PumpEvent], now: float, ml: float, minutes: float, running: bool, stopped: bool
) -> None:
    dose = given(events, now)
    assert dose.ml == pytest.approx(ml)
    assert dose.running_minutes == pytest.approx(minutes)
    assert (dose.running, dose.stopped) == (running, stopped)


def test_milligrams_follow_the_concentration() -> None:
    dose = given([ev("start", 0, 48.4), ev("rate_change", 12, 40.0)], 24, concentration=2.0)
    assert dose.ml == pytest.approx(48.4 / 5 + 8.0)
    assert dose.mg == pytest.approx(2 * dose.ml)
    assert dose.rate_ml_per_h == 40.0


def test_a_resume_without_its_own_rate_keeps_the_rate() -> None:
    events = [ev("start", 0, 30), ev("pause", 10), ev("resume", 20, None)]
    assert given(events, 30).ml == pytest.approx(10.0)


@pytest.mark.parametrize(
    "events",
    [
        [ev("pause", 0)],  # before the start
        [ev("start", 0), ev("start", 5)],
        [ev("start", 0), ev("resume", 5)],  # resume while running
        [ev("start", 0), ev("pause", 5), ev("pause", 6)],
        [ev("start", 0), ev("stop", 5), ev("resume", 6)],  # after the stop
        [ev("start", 0), ev("bolus", 5)],
        [ev("start", 0, -5.0)],
        [ev("start", 0, float("nan"))],
    ],
    ids=[
        "pause-first",
        "start-twice",
        "resume-running",
        "pause-paused",
        "after-stop",
        "unknown-kind",
        "negative-rate",
        "nan-rate",
    ],
)
def test_impossible_sequences_are_refused(events: list[PumpEvent]) -> None:
    with pytest.raises(IllegalTransition):
        given(events, 30)


@pytest.mark.parametrize(
    ("delivered", "planned", "percent"),
    [(0.0, 32.2, 0.0), (12.4, 32.2, 38.5), (32.2, 32.2, 100.0), (40.0, 32.2, 124.2)],
)
def test_percent_of_planned(delivered: float, planned: float, percent: float) -> None:
    assert percent_of_planned(delivered, planned) == pytest.approx(percent, abs=0.05)


def test_percent_of_nothing_planned_is_unknown() -> None:
    assert percent_of_planned(5.0, 0.0) is None


@pytest.mark.parametrize(
    ("delivered", "planned", "has_run"),
    [
        (0.0, 40.0, False),
        (39.85, 40.0, False),  # 0.15 mL short
        (39.9, 40.0, True),  # within the pump's rounding (0.1 mL)
        (40.0, 40.0, True),
        (45.0, 40.0, True),
        (0.0, 0.0, False),  # nothing planned: no cue
    ],
)
def test_planned_dose_has_run(delivered: float, planned: float, has_run: bool) -> None:
    assert planned_dose_has_run(delivered, planned) is has_run


def test_planned_volume() -> None:
    assert planned_volume_ml(32.2, 1.0) == pytest.approx(32.2)
    assert planned_volume_ml(40.0, 2.0) == pytest.approx(20.0)
    with pytest.raises(IllegalTransition):
        planned_volume_ml(40.0, 0.0)


def test_expected_end_follows_the_rate_now_in_force() -> None:
    # 32.2 mL planned at 48.4 mL/h; after 12 min (9.68 mL) the rate drops to 40 mL/h
    events = [ev("start", 0, 48.4), ev("rate_change", 12, 40.0)]
    dose = given(events, 12)
    end = planned_dose_runs_out_at(dose, 32.2, at(12))
    assert end is not None
    assert (end - at(12)) / timedelta(minutes=1) == pytest.approx((32.2 - 9.68) / 40 * 60)


def test_expected_end_while_paused_is_if_resumed_now() -> None:
    dose = given([ev("start", 0, 60.0), ev("pause", 10)], 30)
    assert planned_dose_runs_out_at(dose, 40.0, at(30)) == at(60)


def test_expected_end_in_the_past_once_the_dose_has_run() -> None:
    dose = given([ev("start", 0, 60.0)], 50)
    assert planned_dose_runs_out_at(dose, 40.0, at(50)) == at(40)


@pytest.mark.parametrize(
    "events",
    [[], [ev("start", 0), ev("stop", 20)], [ev("start", 0, 0.0)]],
    ids=["not-started", "stopped", "zero-rate"],
)
def test_no_expected_end(events: list[PumpEvent]) -> None:
    assert planned_dose_runs_out_at(given(events, 30), 40.0, at(30)) is None
