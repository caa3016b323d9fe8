"""Board ordering and escalation: who needs the physician first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.board import TileState, Urgency, escalated, order, urgency
from monitor.domain.vocabulary import Priority

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def tile(
    sid: int,
    *,
    priority: Priority | None = None,
    high_since: float | None = None,
    overdue: float = 0,
    started: float | None = 30,
    signed: float | None = None,
) -> TileState:
    return TileState(
        session_id=sid,
        highest_unacknowledged=priority,
        oldest_unacknowledged_high_at=NOW - timedelta(minutes=high_since)
        if high_since is not None
        else None,
        overdue_seconds=overdue,
        started_at=NOW - timedelta(minutes=started) if started is not None else None,
        opened_at=NOW - timedelta(minutes=(started or 0) + 15),
        nurse_signed_at=NOW - timedelta(minutes=signed) if signed is not None else None,
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (tile(1, priority=Priority.HIGH, high_since=1), Urgency.UNACKNOWLEDGED_HIGH),
        (tile(1, priority=Priority.HIGH, high_since=1, overdue=600), Urgency.UNACKNOWLEDGED_HIGH),
        (tile(1, priority=Priority.MEDIUM, overdue=1), Urgency.OVERDUE),
        (tile(1, overdue=1), Urgency.OVERDUE),
        (tile(1, priority=Priority.MEDIUM), Urgency.UNACKNOWLEDGED_MEDIUM),
        (tile(1, priority=Priority.LOW), Urgency.ROUTINE),
        (tile(1), Urgency.ROUTINE),
        # signed by the nurse, awaiting the physician's co-signature: after every alert
        (tile(1, signed=0), Urgency.AWAITING_COSIGNATURE),
        (tile(1, signed=30, priority=Priority.LOW), Urgency.AWAITING_COSIGNATURE),
        (tile(1, signed=1, priority=Priority.MEDIUM), Urgency.UNACKNOWLEDGED_MEDIUM),
        (tile(1, signed=1, overdue=1), Urgency.OVERDUE),
        (tile(1, signed=1, priority=Priority.HIGH, high_since=1), Urgency.UNACKNOWLEDGED_HIGH),
    ],
)
def test_urgency_levels(state: TileState, expected: Urgency) -> None:
    assert urgency(state) is expected


def test_order_follows_the_four_levels() -> None:
    states = [
        tile(4, started=90),
        tile(3, priority=Priority.MEDIUM),
        tile(2, overdue=30),
        tile(1, priority=Priority.HIGH, high_since=0.5),
    ]
    assert order(states, NOW, 5) == [1, 2, 3, 4]


def test_awaiting_cosignature_comes_after_the_alerts_and_before_the_rest() -> None:
    states = [
        tile(5, started=150),
        tile(4, signed=2, started=125),
        tile(3, priority=Priority.MEDIUM),
        tile(2, overdue=30),
        tile(1, priority=Priority.HIGH, high_since=0.5),
    ]
    assert order(states, NOW, 5) == [1, 2, 3, 4, 5]


def test_the_longest_waiting_for_cosignature_comes_first() -> None:
    states = [tile(1, signed=1, started=200), tile(2, signed=12, started=121), tile(3, signed=5)]
    assert order(states, NOW, 5) == [2, 3, 1]


def test_routine_tiles_run_longest_first_and_unstarted_last() -> None:
    states = [tile(1, started=10), tile(2, started=95), tile(3, started=None), tile(4, started=40)]
    assert order(states, NOW, 5) == [2, 4, 1, 3]


def test_escalated_high_comes_before_a_newer_high() -> None:
    states = [
        tile(1, priority=Priority.HIGH, high_since=1),
        tile(2, priority=Priority.HIGH, high_since=6),
    ]
    assert order(states, NOW, 5) == [2, 1]


def test_longest_overdue_first() -> None:
    states = [tile(1, overdue=60), tile(2, overdue=600), tile(3, overdue=1)]
    assert order(states, NOW, 5) == [2, 1, 3]


@pytest.mark.parametrize(("age_minutes", "expected"), [(4.99, False), (5, True), (12, True)])
def test_escalation_threshold(age_minutes: float, expected: bool) -> None:
    assert escalated(NOW - timedelta(minutes=age_minutes), NOW, 5) is expected


def test_nothing_to_escalate_without_a_high() -> None:
    assert escalated(None, NOW, 5) is False
