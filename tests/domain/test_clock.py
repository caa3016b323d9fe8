"""A reading's time at the edges of the clock skew: ahead of now, before the opening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.clock import CLOCK_SKEW, check_not_before_opening, check_not_in_future
from monitor.domain.errors import InvalidEntry

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_the_default_is_todays_number() -> None:
    assert timedelta(minutes=2) == CLOCK_SKEW


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [(CLOCK_SKEW - SECOND, False), (CLOCK_SKEW, False), (CLOCK_SKEW + SECOND, True)],
)
def test_ahead_of_now(ahead: timedelta, refused: bool) -> None:
    if not refused:
        check_not_in_future(NOW + ahead, NOW)
        return
    with pytest.raises(InvalidEntry) as caught:
        check_not_in_future(NOW + ahead, NOW)
    (problem,) = caught.value.problems
    assert (problem.field, problem.message) == (
        "taken_at",
        "A reading cannot be taken in the future",
    )


@pytest.mark.parametrize(
    ("before", "refused"),
    [(CLOCK_SKEW - SECOND, False), (CLOCK_SKEW, False), (CLOCK_SKEW + SECOND, True)],
)
def test_before_the_opening(before: timedelta, refused: bool) -> None:
    if not refused:
        check_not_before_opening(NOW - before, NOW)
        return
    with pytest.raises(InvalidEntry) as caught:
        check_not_before_opening(NOW - before, NOW)
    (problem,) = caught.value.problems
    assert (problem.field, problem.message) == (
        "taken_at",
        "A reading cannot be taken before the session opened",
    )


def test_the_skew_follows_the_config() -> None:
    check_not_in_future(NOW, NOW, skew=timedelta(0))
    with pytest.raises(InvalidEntry):
        check_not_in_future(NOW + SECOND, NOW, skew=timedelta(0))
    with pytest.raises(InvalidEntry):
        check_not_before_opening(NOW - SECOND, NOW, skew=timedelta(0))
