"""The reading schedule: due times from the infusion's start, and whether a reading is overdue.

Readings are due on a fixed grid: every `infusion_interval_minutes` from the start of
the infusion up to the stop, and a grid time just after the stop (within `grace`) still
counts, so the 40-minute reading is kept whether the pump stops at 39:59 or 40:30; then
every `recovery_interval_minutes` from the stop until the session ends. A pause does not
stretch the grid: a paused patient is watched at least as closely, so readings stay due
on the wall clock, and the expected end of the infusion moves later by the time paused.

A reading covers every due time up to `grace` after it was taken; the next due time is
the first one no reading covers, and it is overdue once `grace` has passed after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from monitor.config import Schedule


@dataclass(frozen=True)
class Pause:
    paused_at: datetime
    resumed_at: datetime | None


@dataclass(frozen=True)
class InfusionTimes:
    """When the infusion started and stopped, and its pauses; None where it has not happened."""

    started_at: datetime | None
    stopped_at: datetime | None
    pauses: tuple[Pause, ...] = ()


class DueState(StrEnum):
    BASELINE = "baseline"  # before the infusion: a baseline reading is what is needed
    UPCOMING = "upcoming"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueStatus:
    """What the bedside countdown shows."""

    state: DueState
    due_at: datetime | None
    phase: str
    seconds_until_due: float | None

    @property
    def overdue_seconds(self) -> float:
        if self.seconds_until_due is None:
            return 0.0
        return max(0.0, -self.seconds_until_due)


class SlotOutcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    PENDING = "pending"


@dataclass(frozen=True)
class Slot:
    due_at: datetime
    phase: str


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def paused_time(times: InfusionTimes, now: datetime) -> timedelta:
    """Total time spent paused so far (an open pause counts up to now)."""
    total = timedelta()
    for pause in times.pauses:
        end = pause.resumed_at or times.stopped_at or now
        total += max(timedelta(), end - pause.paused_at)
    return total


def expected_infusion_end(
    times: InfusionTimes, infusion_minutes: float, now: datetime
) -> datetime | None:
    """When the planned dose will have run, counting pauses; the stop time once stopped."""
    if times.started_at is None:
        return None
    if times.stopped_at is not None:
        return times.stopped_at
    return times.started_at + minutes(infusion_minutes) + paused_time(times, now)


def slots(times: InfusionTimes, schedule: Schedule, until: datetime) -> Iterator[Slot]:
    """Every due time from the start of the infusion up to `until`, in order."""
    if times.started_at is None:
        return
    step = minutes(schedule.infusion_interval_minutes)
    last_infusion = times.stopped_at + minutes(schedule.grace_minutes) if times.stopped_at else None
    due = times.started_at + step
    while due <= until and (last_infusion is None or due <= last_infusion):
        yield Slot(due, "infusion")
        due += step
    if times.stopped_at is None:
        return
    step = minutes(schedule.recovery_interval_minutes)
    due = times.stopped_at + step
    while due <= until:
        yield Slot(due, "recovery")
        due += step


def next_due(
    times: InfusionTimes, schedule: Schedule, readings_at: Sequence[datetime], now: datetime
) -> DueStatus:
    """The first due time no reading covers, and how far away (negative: overdue) it is."""
    if times.started_at is None:
        return DueStatus(DueState.BASELINE, None, "baseline", None)
    grace = minutes(schedule.grace_minutes)
    latest = max((at for at in readings_at if at >= times.started_at - grace), default=None)
    longest = max(schedule.infusion_interval_minutes, schedule.recovery_interval_minutes)
    horizon = max(now, latest or now) + grace + minutes(longest) * 2
    for slot in slots(times, schedule, horizon):
        if latest is None or slot.due_at - grace > latest:
            seconds = (slot.due_at - now).total_seconds()
            late = now > slot.due_at + grace
            return DueStatus(
                DueState.OVERDUE if late else DueState.UPCOMING, slot.due_at, slot.phase, seconds
            )
    raise AssertionError("the schedule always has a next due time once the infusion started")


def slot_outcomes(
    times: InfusionTimes, schedule: Schedule, readings_at: Sequence[datetime], now: datetime
) -> list[tuple[Slot, SlotOutcome]]:
    """Each due time so far: taken within grace, late, missed, or still pending."""
    grace = minutes(schedule.grace_minutes)
    taken = sorted(readings_at)
    due_slots = list(slots(times, schedule, now + grace))
    outcomes: list[tuple[Slot, SlotOutcome]] = []
    for index, slot in enumerate(due_slots):
        opens = slot.due_at - grace
        closes = (due_slots[index + 1].due_at - grace) if index + 1 < len(due_slots) else None
        in_window = [at for at in taken if at >= opens and (closes is None or at < closes)]
        if any(at <= slot.due_at + grace for at in in_window):
            outcome = SlotOutcome.ON_TIME
        elif in_window:
            outcome = SlotOutcome.LATE
        elif closes is not None and now >= closes:
            outcome = SlotOutcome.MISSED
        else:
            outcome = SlotOutcome.PENDING
        outcomes.append((slot, outcome))
    return outcomes


@dataclass(frozen=True)
class RatingDue:
    """The next scheduled CADSS and whether it is due now."""

    at_minutes: float
    due_at: datetime | None
    state: str  # "due", "upcoming" or "overdue"


def next_cadss(
    times: InfusionTimes,
    at_minutes: Sequence[float],
    grace_minutes: float,
    ratings_at: Sequence[datetime],
    now: datetime,
) -> RatingDue | None:
    """The first CADSS time point not yet rated; None when all are done."""
    grace = minutes(grace_minutes)
    for point in at_minutes:
        if point == 0:
            if times.started_at is None and not ratings_at:
                return RatingDue(0, None, "due")
            continue  # rated, or the infusion began without it: nothing more to ask
        if times.started_at is None:
            return RatingDue(point, None, "upcoming")
        due_at = times.started_at + minutes(point)
        if any(at >= due_at - grace for at in ratings_at):
            continue
        if now < due_at - grace:
            return RatingDue(point, due_at, "upcoming")
        return RatingDue(point, due_at, "overdue" if now > due_at + grace else "due")
    return None


def cadss_timepoint(
    started_at: datetime | None,
    at_minutes: Sequence[float],
    grace_minutes: float,
    taken_at: datetime,
) -> float | None:
    """The scheduled CADSS time point a rating taken then answers; None when unscheduled.

    Before the infusion it is the baseline (0, when scheduled). After the start it is the
    latest time point whose due time, less the grace, has been reached: the same rule by
    which `next_cadss` counts a time point as rated.
    """
    if started_at is None:
        return 0.0 if 0 in at_minutes else None
    reached = [
        p
        for p in at_minutes
        if p > 0 and taken_at >= started_at + minutes(p) - minutes(grace_minutes)
    ]
    return max(reached) if reached else None


# A stop within this of the planned end is the planned end (pumps and clocks differ a little).
STOP_TOLERANCE = timedelta(minutes=1)


def stops_early(times: InfusionTimes, infusion_minutes: float, stop_at: datetime) -> bool:
    """Whether stopping the pump at `stop_at` cuts the planned dose short (pauses counted)."""
    if times.started_at is None:
        return False
    running = InfusionTimes(times.started_at, None, times.pauses)
    planned_end = expected_infusion_end(running, infusion_minutes, stop_at)
    assert planned_end is not None
    return stop_at < planned_end - STOP_TOLERANCE
