"""The intervention measures' arithmetic: rates per 100 sessions (no sessions: no rate, not
a division by zero), grades and picklist kinds shown even at zero, and the time from a
flagged event to its acknowledgement by the board's own flag rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.intervention_measures import (
    AdverseEventFact,
    Rate,
    acknowledgement_times,
    by_grade,
    by_kind,
    highest_grade,
    per_100,
    rates,
)
from monitor.domain.vocabulary import Severity

T = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


def event(
    severity: Severity = Severity.MILD,
    *,
    kind: str = "nausea",
    serious: bool = False,
    acked_after: float | None = None,
) -> AdverseEventFact:
    acked = None if acked_after is None else T + timedelta(minutes=acked_after)
    return AdverseEventFact(kind, kind.title(), severity, serious, T, acked)


@pytest.mark.parametrize(
    ("count", "sessions", "rate"),
    [(0, 0, None), (3, 0, None), (0, 5, 0.0), (1, 3, 100 / 3), (5, 4, 125.0), (2, -1, None)],
)
def test_per_100_sessions(count: int, sessions: int, rate: float | None) -> None:
    assert per_100(count, sessions) == (None if rate is None else pytest.approx(rate))


def test_rates_show_the_picklist_first_even_at_zero() -> None:
    counted = [("vomiting", "Vomiting"), ("nausea", "Nausea"), ("zzz_old", "Retired kind")]
    found = rates(counted, 4, order=[("nausea", "Nausea"), ("headache", "Headache")])
    assert found == (
        Rate("nausea", "Nausea", 1, 25.0),
        Rate("headache", "Headache", 0, 0.0),
        Rate("vomiting", "Vomiting", 1, 25.0),
        Rate("zzz_old", "Retired kind", 1, 25.0),
    )


def test_every_grade_is_a_row_with_no_rate_when_there_were_no_sessions() -> None:
    assert [(r.key, r.count, r.per_100) for r in by_grade([], 0)] == [
        ("mild", 0, None),
        ("moderate", 0, None),
        ("severe", 0, None),
        ("life_threatening", 0, None),
    ]
    graded = by_grade([event(Severity.SEVERE), event(Severity.SEVERE), event()], 8)
    assert [(r.label, r.count, r.per_100) for r in graded][0] == ("Grade 1: mild", 1, 12.5)
    assert graded[2].count == 2 and graded[2].per_100 == 25.0


def test_kinds_follow_the_clinics_picklist() -> None:
    found = by_kind([event(kind="headache")], 2, [("nausea", "Nausea"), ("headache", "Headache")])
    assert [(r.key, r.count, r.per_100) for r in found] == [
        ("nausea", 0, 0.0),
        ("headache", 1, 50.0),
    ]


def test_acknowledgement_times_count_only_flagged_events() -> None:
    events = [
        event(Severity.SEVERE, acked_after=4),
        event(Severity.LIFE_THREATENING, acked_after=10),
        event(Severity.MODERATE, serious=True, acked_after=30),  # serious: flagged
        event(Severity.SEVERE),  # still waiting
        event(Severity.MODERATE, acked_after=500),  # not flagged: not counted
        event(Severity.MILD),
    ]
    times = acknowledgement_times(events, board_flag_from=Severity.SEVERE)
    assert (times.flagged, times.acknowledged, times.unacknowledged) == (4, 3, 1)
    assert (times.median_minutes, times.longest_minutes) == (10.0, 30.0)


def test_the_flag_grade_comes_from_config() -> None:
    events = [event(Severity.MODERATE, acked_after=2)]
    assert acknowledgement_times(events, board_flag_from=Severity.SEVERE).flagged == 0
    assert acknowledgement_times(events, board_flag_from=Severity.MODERATE).flagged == 1


def test_no_flagged_event_has_no_times() -> None:
    times = acknowledgement_times([event()], board_flag_from=Severity.SEVERE)
    assert times.flagged == 0 and times.median_minutes is None and times.longest_minutes is None


def test_highest_grade() -> None:
    assert highest_grade([]) is None
    worst = highest_grade([Severity.MODERATE, Severity.LIFE_THREATENING, Severity.MILD])
    assert worst is Severity.LIFE_THREATENING
