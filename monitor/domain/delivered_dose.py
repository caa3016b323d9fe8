"""The dose actually given: millilitres and milligrams from the pump's events.

The pump delivers at its rate while it runs: from start, between a pause and its resume,
until the stop (or `now` while it still runs). A rate change sets the rate from its moment
on. Volume = Σ rate × running time; milligrams = volume × the session's concentration.

Events are taken in time order: they are sorted by their time (stably, so events of the
same instant keep the order given). A sequence the session state machine would never
produce (anything before the start, a resume while running, anything after the stop) is
refused with IllegalTransition rather than guessed at.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.domain.errors import IllegalTransition

START, PAUSE, RESUME, RATE_CHANGE, STOP = "start", "pause", "resume", "rate_change", "stop"
# A pump programmed to 0.1 mL/h over the planned minutes ends within a few hundredths of a
# millilitre of the planned volume; this much short still counts as the planned dose run.
RUN_TOLERANCE_ML = 0.1
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class PumpEvent:
    """One infusion event as stored: its kind, time, and the rate in force after it."""

    kind: str
    at: datetime
    rate_ml_per_h: float | None


@dataclass(frozen=True)
class DeliveredDose:
    ml: float
    mg: float
    running_minutes: float
    running: bool  # the pump runs now
    stopped: bool  # the infusion has stopped for good
    rate_ml_per_h: float | None  # the rate in force (None before the start)


def _rate(event: PumpEvent, current: float | None) -> float | None:
    rate = event.rate_ml_per_h if event.rate_ml_per_h is not None else current
    if rate is not None and not (rate >= 0 and math.isfinite(rate)):
        raise IllegalTransition(f"A pump rate of {rate} mL/h cannot be counted")
    return rate


def delivered_dose(
    events: Sequence[PumpEvent], *, concentration_mg_per_ml: float, now: datetime
) -> DeliveredDose:
    """What the pump has given by `now` (or by its stop)."""
    running = stopped = started = False
    rate: float | None = None
    since = now
    hours = 0.0
    ml = 0.0

    def run_until(moment: datetime) -> None:
        nonlocal hours, ml
        span = max(0.0, (moment - since) / HOUR)
        hours += span
        ml += (rate or 0.0) * span

    for event in sorted(events, key=lambda e: e.at):
        if stopped or (not started and event.kind != START):
            raise IllegalTransition(f"A {event.kind} event cannot come {_where(started)}")
        if event.kind == START:
            if started:
                raise IllegalTransition("The infusion can start only once")
            started = running = True
            rate, since = _rate(event, None), event.at
        elif event.kind == PAUSE:
            if not running:
                raise IllegalTransition("Only a running infusion can be paused")
            run_until(event.at)
            running = False
        elif event.kind == RESUME:
            if running:
                raise IllegalTransition("Only a paused infusion can be resumed")
            running, since, rate = True, event.at, _rate(event, rate)
        elif event.kind == RATE_CHANGE:
            if running:
                run_until(event.at)
                since = event.at
            rate = _rate(event, rate)
        elif event.kind == STOP:
            if running:
                run_until(event.at)
            running, stopped = False, True
        else:
            raise IllegalTransition(f"{event.kind!r} is not an infusion event")
    if running:
        run_until(now)
    return DeliveredDose(
        ml=ml,
        mg=ml * concentration_mg_per_ml,
        running_minutes=hours * 60,
        running=running,
        stopped=stopped,
        rate_ml_per_h=rate,
    )


def _where(started: bool) -> str:
    return "after the stop" if started else "before the infusion starts"


def planned_volume_ml(dose_mg: float, concentration_mg_per_ml: float) -> float:
    """The volume that carries the planned dose."""
    if not (concentration_mg_per_ml > 0 and math.isfinite(concentration_mg_per_ml)):
        raise IllegalTransition("The concentration must be above zero")
    return dose_mg / concentration_mg_per_ml


def percent_of_planned(delivered: float, planned: float) -> float | None:
    """Delivered as a percentage of planned (either both in mL or both in mg); None when
    nothing was planned."""
    if not planned > 0:
        return None
    return 100.0 * delivered / planned


def planned_dose_has_run(
    delivered_ml: float, planned_ml: float, tolerance_ml: float = RUN_TOLERANCE_ML
) -> bool:
    """Whether the pump has given the planned volume (to within the pump's rounding)."""
    return planned_ml > 0 and delivered_ml >= planned_ml - tolerance_ml


def planned_dose_runs_out_at(
    dose: DeliveredDose, planned_ml: float, now: datetime
) -> datetime | None:
    """When the planned volume is (or was) given at the rate now in force, counting what
    has already run: the expected end after rate changes. While paused, the end if the pump
    resumed now. None before the start, after the stop, or at a rate of zero."""
    rate = dose.rate_ml_per_h
    if dose.stopped or rate is None or rate <= 0:
        return None
    return now + (planned_ml - dose.ml) / rate * HOUR


def describe_given(
    *,
    planned_mg: float,
    delivered_mg: float | None,
    delivered_ml: float | None,
    started: bool,
    stopped: bool,
) -> str:
    """The stored dose given, in the words every record shows (screen and PDF alike):
    mg, mL and % of planned; or why there is no figure."""
    if delivered_mg is not None and delivered_ml is not None:
        percent = percent_of_planned(delivered_mg, planned_mg)
        share = f", {percent:.0f} % of planned" if percent is not None else ""
        return f"given {delivered_mg:.1f} mg ({delivered_ml:.1f} mL{share})"
    if not started:
        return "none given"
    if not stopped:
        return "infusion running"
    return "given: not recorded"
