"""The co-sign window at its edges, and the sign-off's words in the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.cosign import (
    COSIGN_WINDOW,
    cosigned_late,
    overdue_if_waiting_since_before,
    sign_off_wording,
    window_minutes,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_the_default_is_todays_number() -> None:
    assert timedelta(hours=24) == COSIGN_WINDOW
    assert window_minutes() == 24 * 60


@pytest.mark.parametrize(
    ("waiting_for", "overdue"),
    [
        (timedelta(hours=24) - timedelta(seconds=1), False),
        (timedelta(hours=24), False),  # exactly the window: not yet overdue
        (timedelta(hours=24) + timedelta(seconds=1), True),
    ],
)
def test_waiting_at_the_window(waiting_for: timedelta, overdue: bool) -> None:
    since = NOW - waiting_for
    assert (since < overdue_if_waiting_since_before(NOW)) is overdue


@pytest.mark.parametrize(
    ("delay", "late"), [(None, False), (24 * 60 - 1, False), (24 * 60, False), (24 * 60 + 1, True)]
)
def test_cosigned_late_at_the_window(delay: float | None, late: bool) -> None:
    assert cosigned_late(delay) is late


def test_the_window_follows_the_config() -> None:
    window = timedelta(hours=8)
    assert overdue_if_waiting_since_before(NOW, window) == NOW - window
    assert window_minutes(window) == 480
    assert cosigned_late(481, window) and not cosigned_late(480, window)


@pytest.mark.parametrize(
    ("stopped_early", "performed", "approved", "override", "words"),
    [
        (False, None, None, False, "not signed"),
        (False, NOW, None, False, "awaiting co-sign"),
        (False, NOW, NOW, False, "co-signed"),
        (False, NOW, NOW, True, "co-signed (override)"),
        (True, None, None, False, "ended early"),
        (True, NOW, None, False, "ended early"),
        (True, NOW, NOW, False, "co-signed"),  # ended early after dosing, then discharged
    ],
)
def test_sign_off_wording(
    stopped_early: bool,
    performed: datetime | None,
    approved: datetime | None,
    override: bool,
    words: str,
) -> None:
    assert (
        sign_off_wording(
            stopped_early=stopped_early,
            performed_at=performed,
            approved_at=approved,
            override=override,
        )
        == words
    )
