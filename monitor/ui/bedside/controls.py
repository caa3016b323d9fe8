"""Which bedside controls a session's state allows, asked of the state machine: the screen
keeps no list of its own, so a new state or transition changes the buttons with it."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.domain.session_state import SessionEvent, SessionState, allows
from monitor.ui.ids import Bedside

# The pump buttons, each with the event it records.
PUMP_BUTTONS: Mapping[str, SessionEvent] = {
    Bedside.START: SessionEvent.START_INFUSION,
    Bedside.PAUSE: SessionEvent.PAUSE,
    Bedside.RESUME: SessionEvent.RESUME,
    Bedside.STOP: SessionEvent.STOP_INFUSION,
    Bedside.RATE_CHANGE: SessionEvent.RATE_CHANGE,
}
# Every state-dependent button of the infusion card, with the event it asks for.
CONTROLS: Mapping[str, SessionEvent] = {
    **PUMP_BUTTONS,
    Bedside.END_EARLY: SessionEvent.END_EARLY,
}


def disabled_controls(state: SessionState) -> dict[str, bool]:
    """Each control disabled unless the state machine accepts its event in this state."""
    return {control: not allows(state, event) for control, event in CONTROLS.items()}


def in_sign_off(state: SessionState) -> bool:
    """The recovery card (assessment, signatures) shows while a discharge can follow."""
    return allows(state, SessionEvent.DISCHARGE)
