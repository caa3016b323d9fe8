"""A time of day a nurse types at the chair ("14:05"), as the moment it names.

The bedside asks for the clock time only (a tablet's time input), in the clinic's zone: the
date is the one that puts the moment nearest to now, so an event at 23:50 entered at 00:10
is last night's, and one at 00:05 entered at 23:58 (a tablet a few minutes ahead) is
tomorrow's, for the future-time check to refuse. Nothing at the chair is twelve hours away."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.errors import refuse

CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?\s*$")


def parse_clock_time(
    value: object, field: str, label: str, *, now: datetime, zone: ZoneInfo
) -> datetime | None:
    """The moment "HH:MM" (or "HH:MM:SS") names at the clinic nearest to `now`, aware;
    None when empty. Anything else is InvalidEntry at `field`, never an exception."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    match = CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise refuse(field, f"{label}: enter the time as hours:minutes, e.g. 14:05")
    hour, minute, second = (int(g or 0) for g in match.groups())
    local_now = now.astimezone(zone)
    candidates = [
        datetime.combine(local_now.date() + timedelta(days=d), time(hour, minute, second), zone)
        for d in (-1, 0, 1)
    ]
    return min(candidates, key=lambda c: abs(c - now))


def clock_time(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the time input shows it: "HH:MM" at the clinic."""
    return moment.astimezone(zone).strftime("%H:%M")
