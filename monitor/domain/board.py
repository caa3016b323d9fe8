"""The live board's rules: which session needs the physician first, and when an alert escalates.

Tiles are ordered by urgency: an unacknowledged high excursion or an open high safety flag
(a PHQ-9 item-9 answer above 0, issue 12) first (escalated ones, then the oldest), then an
overdue reading (longest overdue first), then an unacknowledged medium excursion, then a
discharge the nurse has signed and the physician has still to co-sign (longest waiting
first: a patient and escort are waiting, but no alarm is), then the rest; within a group,
the session whose infusion has run longest comes first, and sessions not yet dosing come
last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from monitor.domain.vocabulary import Priority


class Urgency(IntEnum):
    UNACKNOWLEDGED_HIGH = 1
    OVERDUE = 2
    UNACKNOWLEDGED_MEDIUM = 3
    AWAITING_COSIGNATURE = 4
    ROUTINE = 5


@dataclass(frozen=True)
class TileState:
    """What ordering needs to know about one active session."""

    session_id: int
    highest_unacknowledged: Priority | None
    oldest_unacknowledged_high_at: datetime | None
    overdue_seconds: float
    started_at: datetime | None
    opened_at: datetime
    nurse_signed_at: datetime | None = None  # the nurse signed; the physician co-signs next


def urgency(state: TileState) -> Urgency:
    if state.highest_unacknowledged is Priority.HIGH:
        return Urgency.UNACKNOWLEDGED_HIGH
    if state.overdue_seconds > 0:
        return Urgency.OVERDUE
    if state.highest_unacknowledged is Priority.MEDIUM:
        return Urgency.UNACKNOWLEDGED_MEDIUM
    if state.nurse_signed_at is not None:
        return Urgency.AWAITING_COSIGNATURE
    return Urgency.ROUTINE


def escalated(
    unacknowledged_high_since: datetime | None, now: datetime, after_minutes: float
) -> bool:
    """An unacknowledged high excursion older than the configured minutes is escalated."""
    return unacknowledged_high_since is not None and now - unacknowledged_high_since >= timedelta(
        minutes=after_minutes
    )


def order(states: list[TileState], now: datetime, escalate_after_minutes: float) -> list[int]:
    """Session ids, most urgent first."""

    def key(state: TileState) -> tuple[int, int, float, int, float]:
        level = urgency(state)
        is_escalated = escalated(state.oldest_unacknowledged_high_at, now, escalate_after_minutes)
        high_age = (
            (now - state.oldest_unacknowledged_high_at).total_seconds()
            if state.oldest_unacknowledged_high_at
            else 0.0
        )
        waiting = (now - state.nurse_signed_at).total_seconds() if state.nurse_signed_at else 0.0
        within = {
            Urgency.UNACKNOWLEDGED_HIGH: high_age,
            Urgency.OVERDUE: state.overdue_seconds,
            Urgency.AWAITING_COSIGNATURE: waiting,
        }.get(level, 0.0)
        running = (now - (state.started_at or state.opened_at)).total_seconds()
        not_started = 0 if state.started_at else 1
        return (int(level), 0 if is_escalated else 1, -within, not_started, -running)

    return [state.session_id for state in sorted(states, key=key)]
