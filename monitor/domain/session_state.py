"""The session state machine: planned → baseline → infusing (paused) → recovery → discharged;
every other move is refused.

Ending early is deliberate: before dosing (planned, baseline: declined, not fit, no-show) the
session closes as stopped early; once dosing has started (infusing, paused) ending early stops
the pump and the patient goes to recovery observation like any other. A session in recovery
leaves only through the discharge sign-off, or an exit (transfer, against medical advice)
that a physician signs."""

from __future__ import annotations

from monitor.domain.errors import IllegalTransition
from monitor.domain.vocabulary import ExitKind, Phase, SessionEvent, SessionState

__all__ = [
    "ExitKind",
    "SessionEvent",
    "SessionState",
    "TRANSITIONS",
    "accepts_entries",
    "allowed_events",
    "allows",
    "ends_early_into",
    "next_state",
    "phase_of",
]


S, E = SessionState, SessionEvent
_LIVE = (S.PLANNED, S.BASELINE, S.INFUSING, S.PAUSED, S.RECOVERY)

TRANSITIONS: dict[tuple[SessionState, SessionEvent], SessionState] = {
    (S.PLANNED, E.BASELINE_RECORDED): S.BASELINE,
    (S.BASELINE, E.BASELINE_RECORDED): S.BASELINE,
    (S.BASELINE, E.START_INFUSION): S.INFUSING,
    (S.INFUSING, E.PAUSE): S.PAUSED,
    (S.PAUSED, E.RESUME): S.INFUSING,
    (S.INFUSING, E.RATE_CHANGE): S.INFUSING,
    (S.INFUSING, E.STOP_INFUSION): S.RECOVERY,
    (S.PAUSED, E.STOP_INFUSION): S.RECOVERY,
    (S.RECOVERY, E.DISCHARGE): S.DISCHARGED,
    # Before dosing, ending early closes the session; after, it stops the pump and the
    # patient is observed in recovery. Recovery itself is never ended early.
    (S.PLANNED, E.END_EARLY): S.STOPPED_EARLY,
    (S.BASELINE, E.END_EARLY): S.STOPPED_EARLY,
    (S.INFUSING, E.END_EARLY): S.RECOVERY,
    (S.PAUSED, E.END_EARLY): S.RECOVERY,
    # A physician-signed exit (transfer, against advice) also ends as stopped early; the
    # session's exit kind says which.
    (S.RECOVERY, E.SIGNED_EXIT): S.STOPPED_EARLY,
}

ACTIVE_STATES = frozenset(_LIVE)
FINAL_STATES = frozenset({S.DISCHARGED, S.STOPPED_EARLY})
DOSING_STATES = frozenset({S.INFUSING, S.PAUSED})

_WHY_NOT = {
    E.START_INFUSION: "the infusion can start only after a baseline reading",
    E.PAUSE: "only a running infusion can be paused",
    E.RESUME: "only a paused infusion can be resumed",
    E.RATE_CHANGE: "the rate can change only while the infusion runs",
    E.STOP_INFUSION: "only a running or paused infusion can be stopped",
    E.DISCHARGE: "discharge follows recovery",
    E.END_EARLY: "a session in recovery leaves through the discharge sign-off, or an exit "
    "a physician signs; an ended session cannot end again",
    E.SIGNED_EXIT: "a signed exit (transfer, against advice) is for a session in recovery",
    E.BASELINE_RECORDED: "baseline readings come before the infusion",
}


def next_state(state: SessionState, event: SessionEvent) -> SessionState:
    """The state after an event, or IllegalTransition saying why not."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(
            f"Cannot {event.value.replace('_', ' ')} while the session is "
            f"{state.value.replace('_', ' ')}: {_WHY_NOT[event]}"
        ) from None


def ends_early_into(state: SessionState) -> SessionState:
    """Where ending early leads from here: recovery once dosing has started, otherwise the
    session closes as stopped early (IllegalTransition from recovery or a final state)."""
    return next_state(state, E.END_EARLY)


def accepts_entries(state: SessionState) -> bool:
    """Whether readings and ratings may still be recorded."""
    return state in ACTIVE_STATES


def allowed_events(state: SessionState) -> frozenset[SessionEvent]:
    """The events the state machine accepts from this state: what a screen may offer."""
    return frozenset(event for (source, event) in TRANSITIONS if source is state)


def allows(state: SessionState, event: SessionEvent) -> bool:
    """Whether this event is accepted in this state (a control for it may be enabled)."""
    return (state, event) in TRANSITIONS


def phase_of(state: SessionState) -> Phase:
    """The charting phase a reading taken now belongs to."""
    if state in (S.PLANNED, S.BASELINE):
        return Phase.BASELINE
    if state in (S.INFUSING, S.PAUSED):
        return Phase.INFUSION
    if state is S.RECOVERY:
        return Phase.RECOVERY
    raise IllegalTransition(f"A {state.value.replace('_', ' ')} session takes no readings")
