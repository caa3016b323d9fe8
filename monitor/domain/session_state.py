"""The session state machine: planned → baseline → infusing (paused) → recovery → discharged;
every other move is refused.

Ending early is deliberate: before dosing (planned, baseline: declined, not fit, no-show) the
session closes as stopped early; once dosing has started (infusing, paused) ending early stops
the pump and the patient goes to recovery observation like any other. A session in recovery
leaves only through the discharge sign-off, or an exit (transfer, against medical advice)
that a physician signs."""

from __future__ import annotations

from enum import StrEnum

from monitor.domain.errors import IllegalTransition


class SessionState(StrEnum):
    PLANNED = "planned"
    BASELINE = "baseline"
    INFUSING = "infusing"
    PAUSED = "paused"
    RECOVERY = "recovery"
    DISCHARGED = "discharged"
    STOPPED_EARLY = "stopped_early"


class SessionEvent(StrEnum):
    BASELINE_RECORDED = "baseline_recorded"
    START_INFUSION = "start"
    PAUSE = "pause"
    RESUME = "resume"
    RATE_CHANGE = "rate_change"
    STOP_INFUSION = "stop"
    DISCHARGE = "discharge"
    END_EARLY = "end_early"
    SIGNED_EXIT = "signed_exit"


class ExitKind(StrEnum):
    """How a session left recovery without a discharge: the physician signs which."""

    TRANSFER = "transfer"
    AGAINST_ADVICE = "against_medical_advice"


EXIT_WORDS = {
    ExitKind.TRANSFER: "Transferred (e.g. to the emergency department)",
    ExitKind.AGAINST_ADVICE: "Left against medical advice",
}


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


def phase_of(state: SessionState) -> str:
    """The charting phase a reading taken now belongs to."""
    if state in (S.PLANNED, S.BASELINE):
        return "baseline"
    if state in (S.INFUSING, S.PAUSED):
        return "infusion"
    if state is S.RECOVERY:
        return "recovery"
    raise IllegalTransition(f"A {state.value.replace('_', ' ')} session takes no readings")
