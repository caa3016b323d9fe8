"""The physician's co-sign: how long it may wait, and the words the history shows for it.

A discharge the nurse signed (or an infusion that stopped) and no physician co-signed
within `COSIGN_WINDOW` is flagged "not co-signed" for the quality audit, and so is a
co-sign that came later than that. 24 hours is clinic practice: the medical director
reviews the day's discharges within the next day (no published number; the clinic's value
is `sign_off.cosign_window_hours` in config.yaml).
"""

from __future__ import annotations

from datetime import datetime, timedelta

COSIGN_WINDOW = timedelta(hours=24)


def overdue_if_waiting_since_before(now: datetime, window: timedelta = COSIGN_WINDOW) -> datetime:
    """A session awaiting its co-sign since before this moment is overdue at `now`."""
    return now - window


def window_minutes(window: timedelta = COSIGN_WINDOW) -> float:
    """The window in minutes, as the summaries store the co-sign delay."""
    return window.total_seconds() / 60


def cosigned_late(delay_minutes: float | None, window: timedelta = COSIGN_WINDOW) -> bool:
    """Whether a co-sign given `delay_minutes` after the nurse's signature came too late."""
    return delay_minutes is not None and delay_minutes > window_minutes(window)


def sign_off_wording(
    *,
    stopped_early: bool,
    performed_at: datetime | None,
    approved_at: datetime | None,
    override: bool,
) -> str:
    """Where a session's sign-off stands, in the words of the history table and its CSV."""
    if stopped_early and approved_at is None:
        return "ended early"
    if approved_at is not None:
        return "co-signed (override)" if override else "co-signed"
    if performed_at is not None:
        return "awaiting co-sign"
    return "not signed"
