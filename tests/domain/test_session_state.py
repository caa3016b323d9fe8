"""The session state machine: every (state, event) pair, allowed or refused."""

from __future__ import annotations

from itertools import product

import pytest

from monitor.domain.errors import IllegalTransition
from monitor.domain.session_state import (
    DOSING_STATES,
    ExitKind,
    SessionEvent,
    SessionState,
    accepts_entries,
    ends_early_into,
    next_state,
    phase_of,
)

S, E = SessionState, SessionEvent

# The documented machine: planned → baseline → infusing (paused) → recovery → discharged.
# Ending early closes a session only before dosing; once dosing has started it stops the
# pump and leads to recovery; recovery is left only by discharge or a physician-signed exit.
# Written out here, not imported, so a change to the code's table fails a test.
ALLOWED = {
    (S.PLANNED, E.BASELINE_RECORDED): S.BASELINE,
    (S.BASELINE, E.BASELINE_RECORDED): S.BASELINE,
    (S.BASELINE, E.START_INFUSION): S.INFUSING,
    (S.INFUSING, E.PAUSE): S.PAUSED,
    (S.PAUSED, E.RESUME): S.INFUSING,
    (S.INFUSING, E.RATE_CHANGE): S.INFUSING,
    (S.INFUSING, E.STOP_INFUSION): S.RECOVERY,
    (S.PAUSED, E.STOP_INFUSION): S.RECOVERY,
    (S.RECOVERY, E.DISCHARGE): S.DISCHARGED,
    (S.PLANNED, E.END_EARLY): S.STOPPED_EARLY,
    (S.BASELINE, E.END_EARLY): S.STOPPED_EARLY,
    (S.INFUSING, E.END_EARLY): S.RECOVERY,
    (S.PAUSED, E.END_EARLY): S.RECOVERY,
    (S.RECOVERY, E.SIGNED_EXIT): S.STOPPED_EARLY,
}

PAIRS = [
    pytest.param(state, event, id=f"{state.value}-{event.value}")
    for state, event in product(SessionState, SessionEvent)
]


@pytest.mark.parametrize(("state", "event"), PAIRS)
def test_every_state_event_pair(state: SessionState, event: SessionEvent) -> None:
    if (state, event) in ALLOWED:
        assert next_state(state, event) is ALLOWED[(state, event)]
    else:
        with pytest.raises(IllegalTransition) as excinfo:
            next_state(state, event)
        message = str(excinfo.value)
        assert message.startswith("Cannot ")
        assert state.value.replace("_", " ") in message


def test_cross_product_is_not_empty() -> None:
    assert len(PAIRS) == len(SessionState) * len(SessionEvent) == 63


def test_enum_values_are_stable() -> None:
    """Values are stored in the database; renaming one needs a migration."""
    assert [s.value for s in S] == [
        "planned",
        "baseline",
        "infusing",
        "paused",
        "recovery",
        "discharged",
        "stopped_early",
    ]
    assert [e.value for e in E] == [
        "baseline_recorded",
        "start",
        "pause",
        "resume",
        "rate_change",
        "stop",
        "discharge",
        "end_early",
        "signed_exit",
    ]
    assert [k.value for k in ExitKind] == ["transfer", "against_medical_advice"]


def test_a_full_session_runs_through() -> None:
    state = S.PLANNED
    for event in (
        E.BASELINE_RECORDED,
        E.BASELINE_RECORDED,
        E.START_INFUSION,
        E.PAUSE,
        E.RESUME,
        E.RATE_CHANGE,
        E.STOP_INFUSION,
        E.DISCHARGE,
    ):
        state = next_state(state, event)
    assert state is S.DISCHARGED


def test_refusal_says_why() -> None:
    with pytest.raises(IllegalTransition, match="only after a baseline reading"):
        next_state(S.PLANNED, E.START_INFUSION)
    with pytest.raises(IllegalTransition, match="cannot end again"):
        next_state(S.DISCHARGED, E.END_EARLY)
    with pytest.raises(IllegalTransition, match="leaves through the discharge sign-off"):
        next_state(S.RECOVERY, E.END_EARLY)
    with pytest.raises(IllegalTransition, match="is for a session in recovery"):
        next_state(S.INFUSING, E.SIGNED_EXIT)


@pytest.mark.parametrize(
    ("state", "into"),
    [
        (S.PLANNED, S.STOPPED_EARLY),  # declined, not fit, no-show: nothing given
        (S.BASELINE, S.STOPPED_EARLY),
        (S.INFUSING, S.RECOVERY),  # dosing started: observe in recovery
        (S.PAUSED, S.RECOVERY),
    ],
    ids=lambda v: v.value,
)
def test_ending_early_before_and_after_dosing(state: SessionState, into: SessionState) -> None:
    assert ends_early_into(state) is into
    assert (state in DOSING_STATES) is (into is S.RECOVERY)


@pytest.mark.parametrize("state", [S.RECOVERY, S.DISCHARGED, S.STOPPED_EARLY], ids=str)
def test_no_early_end_from_recovery_or_an_ended_session(state: SessionState) -> None:
    with pytest.raises(IllegalTransition):
        ends_early_into(state)


@pytest.mark.parametrize(
    ("state", "accepts"),
    [
        (S.PLANNED, True),
        (S.BASELINE, True),
        (S.INFUSING, True),
        (S.PAUSED, True),
        (S.RECOVERY, True),
        (S.DISCHARGED, False),
        (S.STOPPED_EARLY, False),
    ],
    ids=lambda v: v.value if isinstance(v, S) else str(v),
)
def test_accepts_entries(state: SessionState, accepts: bool) -> None:
    assert accepts_entries(state) is accepts


def test_accepts_entries_covers_every_state() -> None:
    expected = {S.PLANNED, S.BASELINE, S.INFUSING, S.PAUSED, S.RECOVERY}
    assert {state for state in S if accepts_entries(state)} == expected


@pytest.mark.parametrize(
    ("state", "phase"),
    [
        (S.PLANNED, "baseline"),
        (S.BASELINE, "baseline"),
        (S.INFUSING, "infusion"),
        (S.PAUSED, "infusion"),
        (S.RECOVERY, "recovery"),
    ],
    ids=lambda v: v.value if isinstance(v, S) else v,
)
def test_phase_of(state: SessionState, phase: str) -> None:
    assert phase_of(state) == phase


@pytest.mark.parametrize("state", [S.DISCHARGED, S.STOPPED_EARLY], ids=lambda s: s.value)
def test_ended_sessions_take_no_readings(state: SessionState) -> None:
    with pytest.raises(IllegalTransition, match="takes no readings"):
        phase_of(state)


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_phase_of_agrees_with_accepts_entries(state: SessionState) -> None:
    if accepts_entries(state):
        assert phase_of(state) in {"baseline", "infusion", "recovery"}
    else:
        with pytest.raises(IllegalTransition):
            phase_of(state)
