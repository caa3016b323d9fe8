"""When a reading may say it was taken: a tablet's clock may run a little ahead of the
server's, so a reading up to `CLOCK_SKEW` in the future (or before the session opened) is
the same moment on two clocks, not a mistake.

Two minutes: NTP-synchronised devices agree within seconds; a tablet that has missed its
sync for a day drifts by well under a minute (typical quartz drift, tens of ppm). The
clinic's value is `readings.clock_skew_minutes` in config.yaml.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.domain.errors import refuse

CLOCK_SKEW = timedelta(minutes=2)


def check_not_in_future(
    taken_at: datetime, entered_at: datetime, *, skew: timedelta = CLOCK_SKEW
) -> None:
    """Refuse a reading time further ahead of the entry than clocks disagree."""
    if taken_at > entered_at + skew:
        raise refuse("taken_at", "A reading cannot be taken in the future")


def check_not_before_opening(
    taken_at: datetime, opened_at: datetime, *, skew: timedelta = CLOCK_SKEW
) -> None:
    """Refuse a reading time earlier than the session's opening, beyond clocks' disagreement."""
    if taken_at < opened_at - skew:
        raise refuse("taken_at", "A reading cannot be taken before the session opened")
