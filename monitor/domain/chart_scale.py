"""The scales a vital-signs chart is drawn on: SpO2 on a fixed clinical range that never hides
a value, and a time window with round tick steps chosen from the session's length."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Round steps, in minutes, a clock-time axis may be ticked at.
TICK_STEPS_MINUTES = (5, 10, 15, 30, 60, 120, 240)
MAX_TICKS = 8
# A first or last point nearer the edge than this fraction of a step gets a step of room.
EDGE = 0.1
# A chart never spans less than this, so a short session is not stretched into false detail.
MIN_WINDOW_MINUTES = 30.0
# A session with no readings yet is shown over its first hour.
EMPTY_WINDOW_MINUTES = 60.0


def spo2_axis(values: Iterable[float], configured: tuple[float, float]) -> tuple[float, float]:
    """The configured SpO2 range, widened (to a multiple of 5) to show any value outside it:
    a desaturation below the range is never clipped."""
    low, high = configured
    seen = list(values)
    if seen and min(seen) < low:
        low = math.floor(min(seen) / 5) * 5
    if seen and max(seen) > high:
        high = math.ceil(max(seen) / 5) * 5
    return (low, high)


def minute_axis(first: float, last: float, *, minimum: float) -> tuple[float, float, int]:
    """(start, end, step) in minutes: round ticks covering first..last (not on the edge) and at
    least `minimum` minutes, with the smallest step that needs no more than MAX_TICKS intervals."""
    want = max(last, first + minimum)
    for step in TICK_STEPS_MINUTES:
        start = math.floor(first / step) * step
        end = math.ceil(want / step) * step
        # A point on the very edge is half hidden: leave a step of room beyond it.
        start -= step if first - start < EDGE * step else 0
        end += step if end - last < EDGE * step else 0
        if (end - start) / step <= MAX_TICKS:
            break
    return (float(start), float(end), step)


@dataclass(frozen=True)
class TimeWindow:
    start: datetime
    end: datetime
    step_minutes: int

    @property
    def ticks(self) -> list[datetime]:
        step = timedelta(minutes=self.step_minutes)
        count = round((self.end - self.start) / step)
        return [self.start + i * step for i in range(count + 1)]


def time_window(
    moments: Iterable[datetime], *, fallback_start: datetime | None = None
) -> TimeWindow | None:
    """A clock-time window over these moments (in their own zone) on round ticks, at least
    MIN_WINDOW_MINUTES long; with no moments, the first EMPTY_WINDOW_MINUTES from
    `fallback_start`; None when there is neither."""
    seen = sorted(moments)
    if seen:
        first, last, minimum = seen[0], seen[-1], MIN_WINDOW_MINUTES
    elif fallback_start is not None:
        first = last = fallback_start
        minimum = EMPTY_WINDOW_MINUTES
    else:
        return None
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    minute = timedelta(minutes=1)
    start, end, step = minute_axis(
        (first - midnight) / minute, (last - midnight) / minute, minimum=minimum
    )
    return TimeWindow(midnight + start * minute, midnight + end * minute, step)
