"""The bedside's words and badge colours for a session's state and for what the pump did,
keyed by the domain's vocabulary so a new state or event has no screen word missing silently."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.domain.vocabulary import InfusionEvent, SessionState

# The chair card and the panel's badge: the state, with what it asks of the nurse.
STATE_WORDS: Mapping[SessionState, str] = {
    SessionState.PLANNED: "Planned — baseline reading needed",
    SessionState.BASELINE: "Baseline taken",
    SessionState.INFUSING: "Infusing",
    SessionState.PAUSED: "Infusion PAUSED",
    SessionState.RECOVERY: "Recovery",
    SessionState.DISCHARGED: "Discharged",
    SessionState.STOPPED_EARLY: "Ended early",
}
STATE_COLOURS: Mapping[SessionState, str] = {
    SessionState.PLANNED: "secondary",
    SessionState.BASELINE: "info",
    SessionState.INFUSING: "primary",
    SessionState.PAUSED: "warning",
    SessionState.RECOVERY: "success",
    SessionState.DISCHARGED: "dark",
    SessionState.STOPPED_EARLY: "dark",
}
# What the nurse is told once a pump event is stored.
EVENT_WORDS: Mapping[InfusionEvent, str] = {
    InfusionEvent.START: "Infusion started.",
    InfusionEvent.PAUSE: "Infusion paused.",
    InfusionEvent.RESUME: "Infusion resumed.",
    InfusionEvent.STOP: "Infusion stopped.",
    InfusionEvent.RATE_CHANGE: "Rate changed.",
}
