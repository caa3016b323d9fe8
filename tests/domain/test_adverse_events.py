"""The adverse-event rules at their edges: which events flag the board, how the REMS form's
serious-adverse-event question is answered (each grade, serious or not, against each
threshold), when an event is over, and which times an event and its outcome may carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.adverse_events import (
    Graded,
    check_onset,
    check_resolved_time,
    flags_board,
    is_closed,
    needs_resolved_time,
    rems_serious_adverse_event,
    rems_serious_reasons,
)
from monitor.domain.entered_time import clock_time, parse_clock_time
from monitor.domain.errors import InvalidEntry
from monitor.domain.vocabulary import AdverseEventOutcome, Severity

MILD, MODERATE, SEVERE, LIFE = list(Severity)
EVERY = [
    (severity, serious, threshold)
    for severity in Severity
    for serious in (False, True)
    for threshold in Severity
]


@pytest.mark.parametrize(("severity", "serious", "threshold"), EVERY)
def test_board_flag_at_every_grade_and_threshold(
    severity: Severity, serious: bool, threshold: Severity
) -> None:
    expected = serious or severity.grade >= threshold.grade
    assert flags_board(Graded(severity, serious), board_flag_from=threshold) is expected


@pytest.mark.parametrize(("severity", "serious", "threshold"), EVERY)
def test_rems_answer_at_every_grade_and_threshold(
    severity: Severity, serious: bool, threshold: Severity
) -> None:
    expected = serious or severity.grade >= threshold.grade
    event = Graded(severity, serious, "Nausea")
    assert rems_serious_adverse_event([event], rems_serious_from=threshold) is expected
    reasons = rems_serious_reasons([event], rems_serious_from=threshold)
    assert bool(reasons) is expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([], False, id="no-events"),
        pytest.param([Graded(MODERATE, False)], False, id="grade-2-just-below"),
        pytest.param([Graded(SEVERE, False)], True, id="grade-3-at-threshold"),
        pytest.param([Graded(MILD, True)], True, id="mild-but-serious"),
        pytest.param([Graded(MILD, False)] * 5, False, id="many-mild-stay-no"),
        pytest.param([Graded(MILD, False), Graded(LIFE, False)], True, id="one-of-several"),
    ],
)
def test_rems_answer_over_a_session(events: list[Graded], expected: bool) -> None:
    """The clinic's default threshold, severe (config.yaml adverse_events.rems_serious_from)."""
    assert rems_serious_adverse_event(events, rems_serious_from=SEVERE) is expected


def test_rems_reasons_name_the_events_that_made_it_yes() -> None:
    events = [
        Graded(MILD, False, "Nausea"),
        Graded(SEVERE, False, "Symptomatic hypertension"),
        Graded(MILD, True, "Headache"),
    ]
    assert rems_serious_reasons(events, rems_serious_from=SEVERE) == (
        "Symptomatic hypertension (Grade 3: severe)",
        "Headache (Grade 1: mild, serious)",
    )


@pytest.mark.parametrize(
    ("outcome", "closed", "needs_time"),
    [
        (None, False, False),
        (AdverseEventOutcome.RESOLVED, True, True),
        (AdverseEventOutcome.RESOLVED_WITH_SEQUELAE, True, True),
        (AdverseEventOutcome.FATAL, True, False),
        (AdverseEventOutcome.RESOLVING, False, False),
        (AdverseEventOutcome.NOT_RESOLVED, False, False),
        (AdverseEventOutcome.UNKNOWN, False, False),
    ],
)
def test_closed_and_resolved_time(
    outcome: AdverseEventOutcome | None, closed: bool, needs_time: bool
) -> None:
    assert is_closed(outcome) is closed
    if outcome is not None:
        assert needs_resolved_time(outcome) is needs_time


NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
OPENED = NOW - timedelta(hours=1)
SKEW = timedelta(minutes=2)


@pytest.mark.parametrize(
    ("onset", "refused"),
    [
        (NOW + SKEW, None),
        (NOW + SKEW + timedelta(seconds=1), "in the future"),
        (OPENED - SKEW, None),
        (OPENED - SKEW - timedelta(seconds=1), "before the session opened"),
    ],
)
def test_onset_edges(onset: datetime, refused: str | None) -> None:
    if refused is None:
        check_onset(onset, now=NOW, opened_at=OPENED, skew=SKEW)
        return
    with pytest.raises(InvalidEntry) as error:
        check_onset(onset, now=NOW, opened_at=OPENED, skew=SKEW)
    assert error.value.problems[0].field == "onset_at"
    assert refused in error.value.problems[0].message


ONSET = NOW - timedelta(minutes=30)


@pytest.mark.parametrize(
    ("outcome", "resolved", "stored", "refused"),
    [
        (AdverseEventOutcome.RESOLVED, ONSET, ONSET, None),
        (AdverseEventOutcome.RESOLVED, ONSET - timedelta(seconds=1), None, "before the onset"),
        (AdverseEventOutcome.RESOLVED, NOW + SKEW, NOW + SKEW, None),
        (AdverseEventOutcome.RESOLVED, NOW + SKEW * 2, None, "in the future"),
        (AdverseEventOutcome.RESOLVED_WITH_SEQUELAE, None, None, "say when it resolved"),
        (AdverseEventOutcome.RESOLVING, NOW, None, None),  # no time kept: not resolved
        (AdverseEventOutcome.FATAL, None, None, None),
    ],
)
def test_resolved_time_edges(
    outcome: AdverseEventOutcome,
    resolved: datetime | None,
    stored: datetime | None,
    refused: str | None,
) -> None:
    def check() -> datetime | None:
        return check_resolved_time(outcome, resolved, onset_at=ONSET, now=NOW, skew=SKEW)

    if refused is None:
        assert check() == stored
        return
    with pytest.raises(InvalidEntry) as error:
        check()
    assert error.value.problems[0].field == "resolved_at"
    assert refused in error.value.problems[0].message


DENVER = ZoneInfo("America/Denver")


@pytest.mark.parametrize(
    ("typed", "now_local", "expected_local"),
    [
        ("14:05", datetime(2026, 11, 20, 14, 30), datetime(2026, 11, 20, 14, 5)),
        (" 9:07 ", datetime(2026, 11, 20, 9, 30), datetime(2026, 11, 20, 9, 7)),
        ("14:05:30", datetime(2026, 11, 20, 14, 30), datetime(2026, 11, 20, 14, 5, 30)),
        # past midnight: the event at 23:50 was last night
        ("23:50", datetime(2026, 11, 21, 0, 10), datetime(2026, 11, 20, 23, 50)),
        # a tablet ahead at 23:58 typing 00:05: tomorrow, for the future check to refuse
        ("00:05", datetime(2026, 11, 20, 23, 58), datetime(2026, 11, 21, 0, 5)),
    ],
)
def test_clock_time_is_the_nearest_moment(
    typed: str, now_local: datetime, expected_local: datetime
) -> None:
    now = now_local.replace(tzinfo=DENVER)
    got = parse_clock_time(typed, "onset_at", "Onset", now=now, zone=DENVER)
    assert got == expected_local.replace(tzinfo=DENVER)
    assert got is not None and clock_time(got, DENVER) == expected_local.strftime("%H:%M")


@pytest.mark.parametrize("typed", ["24:00", "7", "12:60", "noon", 1405, ["14:05"], "14:05pm"])
def test_clock_time_refused_at_its_field(typed: object) -> None:
    with pytest.raises(InvalidEntry) as error:
        parse_clock_time(typed, "onset_at", "Onset", now=NOW, zone=DENVER)
    assert error.value.problems[0].field == "onset_at"
    assert "hours:minutes" in error.value.problems[0].message


@pytest.mark.parametrize("typed", [None, "", "  "])
def test_clock_time_empty_is_none(typed: object) -> None:
    assert parse_clock_time(typed, "onset_at", "Onset", now=NOW, zone=DENVER) is None
